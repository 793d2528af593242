"""The national geography of fixtures/geography/, loaded once for this module.

The load (about 2 s) runs once, outside the per-test transactions, and the rows are
removed again when the module ends, so other modules still start without geography.
Each test runs in its own transaction on top of the loaded rows and is rolled back.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from pytest_django import DjangoDbBlocker

from plans.models import County, State, ZipCounty

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "geography"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_geography", *args, stdout=out)
    return out.getvalue()


def zip_tally(report: str) -> dict[str, int]:
    """The added/changed/unchanged/removed numbers of the ZIP part of the report."""
    part = report.split("ZIP-county rows", 1)[1]
    return {
        word: int(number.replace(",", ""))
        for number, word in re.findall(r"([\d,]+) (added|changed|unchanged|removed)", part)
    }


@pytest.fixture(scope="module", autouse=True)
def national_geography(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        if State.objects.exists():
            pytest.fail(
                "The test database already holds geography before this module "
                "(left by an interrupted run with --reuse-db?): run with --create-db."
            )
        report = load()
    yield report
    with django_db_blocker.unblock():
        ZipCounty.objects.all().delete()
        County.objects.all().delete()
        State.objects.all().delete()


def test_first_load_adds_everything(national_geography: str) -> None:
    assert "0 unchanged" in national_geography
    assert "nothing changed" not in national_geography
    assert "\n" not in national_geography.strip(), "the report is one line"


def test_row_counts_are_plausible() -> None:
    assert 56 <= State.objects.count() <= 60  # 50 states, DC, 5 inhabited territories
    assert State.objects.filter(is_territory=True).count() >= 5
    assert 3_230 <= County.objects.count() <= 3_260
    assert County.objects.filter(state="PR").count() == 78
    zips = ZipCounty.objects.values("zip_code").distinct().count()
    assert 40_000 <= zips <= 43_500
    assert zips <= ZipCounty.objects.count() <= zips * 1.1
    # Every ZIP has exactly one main county.
    assert ZipCounty.objects.filter(is_primary=True).count() == zips
    # Every state and territory has ZIP codes. (Compared in Python: on a just-loaded
    # PostgreSQL with no statistics yet, the anti-join took minutes.)
    with_zips = set(ZipCounty.objects.values_list("county__state_id", flat=True).distinct())
    assert set(State.objects.values_list("code", flat=True)) == with_zips


def test_states_and_territories() -> None:
    codes = set(State.objects.values_list("code", flat=True))
    assert {"DC", "PR", "GU", "VI", "AS", "MP"} <= codes
    assert not {"AA", "AE", "AP", "UM", "FM", "MH", "PW"} & codes
    pr = State.objects.get(code="PR")
    assert (pr.fips, pr.name, pr.name_es, pr.is_territory) == (
        "72",
        "Puerto Rico",
        "Puerto Rico",
        True,
    )
    dc = State.objects.get(code="DC")
    assert (dc.fips, dc.is_territory) == ("11", False)
    assert State.objects.get(code="NM").name_es == "Nuevo México"
    assert State.objects.get(code="NC").name_es == "Carolina del Norte"
    assert not State.objects.filter(name_es="").exists()


def main_county(zip_code: str) -> County:
    return ZipCounty.objects.for_zip(zip_code).first().county  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("zip_code", "fips", "name", "state"),
    [
        ("00601", "72001", "Adjuntas Municipio", "PR"),  # Puerto Rico
        ("99501", "02020", "Anchorage Municipality", "AK"),  # Alaska borough-equivalent
        ("22314", "51510", "Alexandria city", "VA"),  # Virginia independent city
        ("70112", "22071", "Orleans Parish", "LA"),  # Louisiana parish
        ("20001", "11001", "District of Columbia", "DC"),
        ("96910", "66010", "Guam", "GU"),
        ("06101", "09003", "Hartford County", "CT"),  # ZIPs use CT's Census 2020 counties
    ],
)
def test_zip_main_county(zip_code: str, fips: str, name: str, state: str) -> None:
    county = main_county(zip_code)
    assert (county.fips, county.name, county.state_id) == (fips, name, state)


def test_connecticut_has_both_forms() -> None:
    ct = County.objects.filter(state="CT")
    assert ct.filter(fips__in=[f"090{n:02d}" for n in range(1, 16, 2)]).count() == 8
    regions = ct.filter(fips__regex=r"^091[1-9]0$")
    assert regions.count() == 9
    assert County.objects.get(fips="09110").name == "Capitol Planning Region"
    # No ZIP points at a planning region.
    assert not ZipCounty.objects.filter(county__in=regions).exists()


def test_zip_that_reaches_another_state() -> None:
    """42223 Fort Campbell, KY: the Census puts most of its land in Montgomery County, TN;
    its post office is in Christian County, KY, which is offered first."""
    rows = list(ZipCounty.objects.for_zip("42223"))
    assert [(r.county_id, r.is_primary) for r in rows] == [("21047", True), ("47125", False)]
    assert rows[1].county.state_id == "TN"


def test_main_county_is_where_people_live_not_the_most_land() -> None:
    """99503 Anchorage: the Census 'dominant' county by land is Bethel Census Area."""
    rows = list(ZipCounty.objects.for_zip("99503"))
    assert [(r.county_id, r.is_primary) for r in rows] == [("02020", True), ("02050", False)]


def test_zip_with_two_counties_lists_the_main_one_first() -> None:
    orleans = County.objects.get(fips="22071")
    jefferson = County.objects.get(fips="22051")
    assert ZipCounty.objects.for_zip("70112").count() == 1
    ZipCounty.objects.create(zip_code="70112", county=jefferson, is_primary=False)

    rows = list(ZipCounty.objects.for_zip("70112"))
    assert [(r.county, r.is_primary) for r in rows] == [(orleans, True), (jefferson, False)]

    # A second main county for the same ZIP is refused by the database.
    second = ZipCounty.objects.get(zip_code="70112", county=jefferson)
    second.is_primary = True
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ZipCounty.objects.create(
            zip_code="70112", county=County.objects.get(fips="22075"), is_primary=True
        )


def test_second_run_changes_nothing() -> None:
    report = load()
    assert zip_tally(report) == {
        "added": 0,
        "changed": 0,
        "unchanged": ZipCounty.objects.count(),
    }
    assert "0 added, 0 changed" in report.split(";")[0]  # states
    assert report.strip().endswith("s].")
    assert "nothing changed" in report


def test_changed_files_are_applied_in_place(tmp_path: Path) -> None:
    """A new build that moves a main county, drops a row and renames a county."""
    for name in ("states.csv", "counties.csv", "zip_counties.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    zips = (tmp_path / "zip_counties.csv").read_text(encoding="utf-8")
    assert "99503,02020,1\n99503,02050,0\n" in zips
    zips = zips.replace("99503,02020,1\n99503,02050,0\n", "99503,02050,1\n")
    (tmp_path / "zip_counties.csv").write_text(zips, encoding="utf-8")
    counties = (tmp_path / "counties.csv").read_text(encoding="utf-8")
    counties = counties.replace("02050,AK,Bethel Census Area", "02050,AK,Bethel")
    (tmp_path / "counties.csv").write_text(counties, encoding="utf-8")

    report = load("--dir", str(tmp_path))

    assert zip_tally(report)["removed"] == 1
    assert zip_tally(report)["changed"] == 1
    assert [(r.county_id, r.is_primary) for r in ZipCounty.objects.for_zip("99503")] == [
        ("02050", True)
    ]
    assert County.objects.get(fips="02050").name == "Bethel"


def test_only_states_loads_just_those_rows() -> None:
    ZipCounty.objects.all().delete()
    County.objects.all().delete()
    State.objects.all().delete()

    report = load("--only-states", "pr,dc")

    assert report.startswith("Geography for DC,PR:")
    assert set(State.objects.values_list("code", flat=True)) == {"DC", "PR"}
    assert County.objects.count() == 79
    assert main_county("00601").fips == "72001"
    assert not ZipCounty.objects.exclude(county__state__in=["DC", "PR"]).exists()
    assert (
        ZipCounty.objects.values("zip_code")
        .annotate(main=Count("pk", filter=Q(is_primary=True)))
        .filter(main__gt=1)
        .count()
        == 0
    )
    assert "nothing changed" in load("--only-states", "PR,DC")


def test_only_states_refuses_unknown_codes() -> None:
    with pytest.raises(CommandError, match="XX"):
        load("--only-states", "FL,XX")


def test_a_zip_area_read_gives_each_zip_what_its_own_read_gives() -> None:
    """finder/location.py reads the ZIPs of a 3-digit area at once: for every ZIP of these
    areas (two-county and two-state ZIPs among them, an area's first and last ZIP), the
    counties and their order are those of the ZIP's own query."""
    from finder import facts
    from finder.location import counties_for_zip

    prefixes = ["006", "009", "100", "206", "223", "331", "422", "700", "701", "995", "999"]
    zips = list(
        ZipCounty.objects.filter(zip_code__regex=rf"^({'|'.join(prefixes)})")
        .values_list("zip_code", flat=True)
        .distinct()
    )
    assert len(zips) > 300
    assert {"42223", "99503", "70112", "00601"} <= set(zips)
    with facts.trust_transaction():
        for zip_code in zips:
            own = tuple(row.county for row in ZipCounty.objects.for_zip(zip_code))
            assert counties_for_zip(zip_code) == own, zip_code
    assert counties_for_zip("00000") == ()
