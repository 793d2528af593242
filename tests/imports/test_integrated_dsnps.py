"""The integrated D-SNP list: levels set on Landscape plans, every disagreement reported.

This project has no real Landscape, so the Landscape side is made with factories."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.imports.common import ImportReport, run_import
from plans.imports.integrated_dsnps import (
    CONFLICTS,
    DIFFERS_BY_STATE,
    DUPLICATES,
    NAMES,
    NOT_A_DSNP,
    NOT_IN_CATALOG,
    OTHER_STATES,
    UNLISTED,
    apply_integrated_dsnps,
)
from plans.models import ImportRun, Organization, Plan
from tests.factories import (
    CountyFactory,
    OrganizationFactory,
    PlanFactory,
    ServiceAreaFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
SMALL = FILES / "integrated_dsnps_small.csv"
HEADER = ["contract_year", "state", "contract_id", "plan_id", "integration_status", "contract_name"]
GULF = "Gulf Test Health Plan, Inc."


def run(path: Path, *, dry_run: bool = False) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.INTEGRATED_DSNPS,
        path=path,
        apply=lambda report: apply_integrated_dsnps(report, path),
        dry_run=dry_run,
    )


def write_csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def landscape_plan(
    contract_id: str,
    pbp: str,
    level: str,
    *,
    state: str = "FL",
    county: str = "12086",
    segment: str = "000",
    organization_name: str = GULF,
    **extra: object,
) -> Plan:
    """A D-SNP as the Landscape import would have left it."""
    organization = Organization.objects.filter(
        legal_name=organization_name
    ).first() or OrganizationFactory(legal_name=organization_name)
    plan = PlanFactory(
        contract_id=contract_id,
        pbp=pbp,
        segment=segment,
        integration_level=level,
        organization=organization,
        **extra,
    )
    ServiceAreaFactory(plan=plan, county=CountyFactory(fips=county, state=StateFactory(code=state)))
    return plan


def test_the_list_sets_levels_and_reports_every_conflict() -> None:
    same = landscape_plan("H9902", "001", "HIDE")
    conflict = landscape_plan("H9902", "002", "HIDE")
    co = landscape_plan("H9903", "001", "CO")
    report = run(SMALL)
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (3, 3)
    assert (report.changed, report.unchanged, report.added) == (2, 1, 0)
    assert report.notes[CONFLICTS] == [
        "H9902-002 FL 2026: catalog HIDE, list FIDE (rows 3)",
        "H9903-001 FL 2026: catalog CO, list HIDE (rows 4)",
    ]
    same.refresh_from_db()
    conflict.refresh_from_db()
    co.refresh_from_db()
    assert (same.integration_level, conflict.integration_level, co.integration_level) == (
        "HIDE",
        "FIDE",
        "HIDE",
    )
    assert conflict.last_import == report.run
    assert same.last_import is None
    assert report.states == {"FL"} and report.plan_years == {2026}


def test_reimport_changes_nothing() -> None:
    landscape_plan("H9902", "002", "HIDE")
    run(SMALL)
    again = run(SMALL)
    assert again.changes == 0
    assert CONFLICTS not in again.notes
    assert "Made 0 changes (1 unchanged)" in again.text()


def test_dry_run_reports_the_conflicts_and_changes_nothing() -> None:
    plan = landscape_plan("H9902", "002", "HIDE")
    report = run(SMALL, dry_run=True)
    assert report.changed == 1 and CONFLICTS in report.notes
    plan.refresh_from_db()
    assert plan.integration_level == "HIDE"
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN


def test_plans_not_in_the_catalog_are_reported_not_invented() -> None:
    report = run(SMALL)
    assert not Plan.objects.exists()
    assert report.notes[NOT_IN_CATALOG] == [
        "row 2: H9902-001 FL 2026 (HIDE)",
        "row 3: H9902-002 FL 2026 (FIDE)",
        "row 4: H9903-001 FL 2026 (HIDE)",
    ]


def test_every_segment_of_a_plan_gets_the_level(tmp_path: Path) -> None:
    first = landscape_plan("H9902", "001", "CO", segment="000")
    second = landscape_plan("H9902", "001", "CO", segment="001")
    report = run(write_csv(tmp_path, [["2026", "FL", "H9902", "1", "FIDE", GULF]]))
    assert report.changed == 2
    assert report.notes[CONFLICTS] == [
        "H9902-001 FL 2026: catalog CO, list FIDE (rows 2)",
        "H9902-001-001 FL 2026: catalog CO, list FIDE (rows 2)",
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.integration_level == second.integration_level == "FIDE"


def test_only_the_year_listed_is_touched(tmp_path: Path) -> None:
    next_year = landscape_plan("H9902", "001", "CO", plan_year=2027)
    report = run(write_csv(tmp_path, [["2026", "FL", "H9902", "001", "FIDE", GULF]]))
    assert report.changes == 0 and NOT_IN_CATALOG in report.notes
    next_year.refresh_from_db()
    assert next_year.integration_level == "CO"


def test_a_plan_given_two_levels_in_two_states_is_left_alone(tmp_path: Path) -> None:
    plan = landscape_plan("H9902", "001", "CO")
    report = run(
        write_csv(
            tmp_path,
            [
                ["2026", "FL", "H9902", "001", "FIDE", GULF],
                ["2026", "GA", "H9902", "001", "HIDE", GULF],
            ],
        )
    )
    assert report.changes == 0
    assert report.notes[DIFFERS_BY_STATE] == ["H9902-001: FL FIDE (row 2); GA HIDE (row 3)"]
    plan.refresh_from_db()
    assert plan.integration_level == "CO"


def test_state_names_and_pace_are_checked(tmp_path: Path) -> None:
    landscape_plan("H9902", "001", "HIDE")
    PlanFactory(pace=True, contract_id="H9904", pbp="001")
    report = run(
        write_csv(
            tmp_path,
            [
                ["2026", "TX", "H9902", "001", "HIDE", "Someone Else, Inc."],
                ["2026", "TX", "H9904", "001", "FIDE", "PACE Org"],
            ],
        )
    )
    assert report.notes[OTHER_STATES] == ["row 2: H9902-001 TX 2026; the catalog has it in FL"]
    assert report.notes[NAMES] == [f"H9902: list 'Someone Else, Inc.', catalog {GULF!r}"]
    assert report.notes[NOT_A_DSNP] == ["row 3: H9904-001 (2026)"]
    assert report.changes == 0


def test_catalog_hide_and_fide_plans_missing_from_the_list_are_reported(tmp_path: Path) -> None:
    landscape_plan("H9902", "001", "HIDE")
    landscape_plan("H9905", "003", "FIDE", organization_name="Other Plan, Inc.")
    landscape_plan("H9906", "001", "CO", organization_name="Other Plan, Inc.")  # not expected
    landscape_plan("H9907", "001", "HIDE", state="CA", county="06037")  # a state not listed
    report = run(write_csv(tmp_path, [["2026", "FL", "H9902", "001", "HIDE", GULF]]))
    assert report.notes[UNLISTED] == ["H9905-003 2026: FIDE"]


def test_a_row_listed_twice_with_the_same_level_is_noted(tmp_path: Path) -> None:
    row = ["2026", "FL", "H9902", "001", "HIDE", GULF]
    report = run(write_csv(tmp_path, [row, row]))
    assert not report.rejected
    assert report.notes[DUPLICATES] == ["row 3: H9902-001 FL 2026 (as row 2)"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["26", "FL", "H9902", "001", "HIDE", ""], "contract_year '26' is not a year"),
        (["2026", "Florida", "H9902", "001", "HIDE", ""], "state 'FLORIDA' is not a two-letter"),
        (["2026", "FL", "S9902", "001", "HIDE", ""], "contract_id 'S9902' is not H or R"),
        (["2026", "FL", "H9902", "0001", "HIDE", ""], "plan_id '0001' is not a plan number"),
        (["2026", "FL", "H9902", "001", "MMP", ""], "integration_status 'MMP' is not one of"),
        (["2026", "FL", "H9902", "001", "", ""], "integration_status is blank"),
    ],
)
def test_bad_rows_reject_the_file(tmp_path: Path, row: list[str], message: str) -> None:
    plan = landscape_plan("H9902", "002", "CO")
    good = ["2026", "FL", "H9902", "002", "FIDE", GULF]
    report = run(write_csv(tmp_path, [good, row]))
    assert len(report.rejected) == 1
    assert str(report.rejected[0]).startswith("row 3: ")
    assert message in report.rejected[0].message
    plan.refresh_from_db()
    assert plan.integration_level == "CO"  # the good row was rolled back too


def test_one_plan_and_state_with_two_levels_rejects_the_file(tmp_path: Path) -> None:
    report = run(
        write_csv(
            tmp_path,
            [
                ["2026", "FL", "H9902", "001", "HIDE", GULF],
                ["2026", "FL", "H9902", "001", "FIDE", GULF],
            ],
        )
    )
    assert [str(e) for e in report.rejected] == [
        "row 3: H9902-001 FL 2026 is FIDE here but HIDE on row 2: one plan and state has one level."
    ]


def test_coordination_only_codes_are_read(tmp_path: Path) -> None:
    plan = landscape_plan("H9902", "001", "HIDE")
    run(write_csv(tmp_path, [["2026", "FL", "H9902", "001", "co-p", GULF]]))
    plan.refresh_from_db()
    assert plan.integration_level == "CO"


def test_the_command_refuses_to_mix_with_the_demo(demo_catalog: None) -> None:
    with pytest.raises(CommandError, match="--remove-demo"):
        call_command("import_integrated_dsnps", str(SMALL), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_integrated_dsnps", str(SMALL), "--dry-run", stdout=out)
    assert "Dry run: nothing was changed." in out.getvalue()


@pytest.mark.shared_data
def test_the_real_cy2026_subset_against_factory_made_landscape_plans(shared_data: Path) -> None:
    path = shared_data / "cms_dsnp" / "cy2026_integrated_dsnps_subset.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Three Landscape plans for three real Florida rows: one agrees, two disagree.
    florida = [r for r in rows if r["state"] == "FL"]
    hides = [r for r in florida if r["integration_status"] == "HIDE"]
    agree, hide = hides[0], hides[1]
    fide = next(r for r in florida if r["integration_status"] == "FIDE")
    for row, level in [(agree, "HIDE"), (fide, "HIDE"), (hide, "CO")]:
        landscape_plan(
            row["contract_id"], row["plan_id"], level, organization_name=row["contract_name"]
        )
    report = run(path)
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (264, 264)
    assert len(report.states) == 15 and report.plan_years == {2026}
    assert (report.changed, report.unchanged) == (2, 1)
    expected = {
        rows.index(fide): f"{fide['contract_id']}-{fide['plan_id']} FL 2026: catalog HIDE, "
        f"list FIDE (rows {rows.index(fide) + 2})",
        rows.index(hide): f"{hide['contract_id']}-{hide['plan_id']} FL 2026: catalog CO, "
        f"list HIDE (rows {rows.index(hide) + 2})",
    }
    assert report.notes[CONFLICTS] == [expected[i] for i in sorted(expected)]
    assert len(report.notes[NOT_IN_CATALOG]) == 261
    assert NAMES not in report.notes  # the list's names are the directory's legal names
    assert run(path).changes == 0
