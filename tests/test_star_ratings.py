"""The CMS Star Ratings import: layouts, text codes, bad rows, dry run, re-import, real files."""

from __future__ import annotations

import csv
import io
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.imports.common import ImportRefused, ImportReport, run_import
from plans.imports.star_ratings import apply_star_ratings, measure_key
from plans.models import ContractMeasure, ContractRating, ImportRun, MeasureMedian

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files" / "star_ratings"
KINDS = ("measure_data", "measure_stars", "summary_ratings", "disenrollment_reasons")


def year_files(folder: Path, year: int) -> list[Path]:
    return [folder / f"star_ratings_{year}_{kind}.csv" for kind in KINDS]


def run(paths: list[Path], *, dry_run: bool = False) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.STAR_RATINGS,
        path=paths[0],
        apply=lambda report: apply_star_ratings(report, paths=paths),
        dry_run=dry_run,
    )


def measure(contract_id: str, year: int, key: str) -> ContractMeasure:
    return ContractMeasure.objects.get(contract_id=contract_id, star_year=year, measure_key=key)


# --- Small files in each layout --------------------------------------------------------


def test_2026_cms_layout_title_domain_name_and_period_rows() -> None:
    report = run(year_files(FILES / "2026", 2026))
    assert not report.rejected, report.text()
    h1111 = ContractRating.objects.get(contract_id="H1111", star_year=2026)
    assert (h1111.part_c, h1111.part_d, h1111.overall, h1111.snp) == (
        Decimal(4),
        Decimal("3.5"),
        Decimal(4),
        True,
    )
    assert h1111.part_c_text == ""
    complaints = measure("H1111", 2026, "complaints_about_the_health_plan")
    assert complaints.measure_name == "Complaints about the Health Plan"
    assert complaints.measure_code == "C28"
    assert complaints.part == "C"
    assert (complaints.value, complaints.value_text) == (Decimal("0.12"), "0.12")
    assert complaints.unit == "complaints_per_1000"
    assert complaints.higher_is_better is False
    assert (complaints.stars, complaints.stars_text) == (4, "")
    assert complaints.data_period == "01/01/2024 – 12/31/2024"
    # The ForeignKey-free link reaches the summary ratings of the same contract and year.
    assert complaints.rating == h1111
    # The en dash survives, and Part D's twin names get their own keys.
    tty = measure("H1111", 2026, "call_center_foreign_language_interpreter_and_tty_availability")
    assert tty.measure_name == "Call Center – Foreign Language Interpreter and TTY Availability"
    assert tty.data_period == "02/2025 – 05/2025"
    assert measure("H1111", 2026, "members_choosing_to_leave_the_plan_part_d").measure_code == "D03"
    survey = measure("H1111", 2026, "getting_needed_care")
    assert (survey.value, survey.unit, survey.higher_is_better) == (
        Decimal(84),
        "cahps_score",
        True,
    )


def test_text_codes_are_kept_as_cms_wrote_them_and_trimmed() -> None:
    run(year_files(FILES / "2026", 2026))
    too_new = ContractRating.objects.get(contract_id="H2222", star_year=2026)
    assert too_new.part_c is None and too_new.overall is None
    assert too_new.part_c_text == "Plan too new to be measured"  # no trailing space
    leaving = measure("H2222", 2026, "members_choosing_to_leave_the_plan")
    assert leaving.value is None
    assert leaving.value_text == "Plan too new to be measured"
    assert leaving.stars is None and leaving.stars_text == "Plan too new to be measured"
    stars_only = measure("H1111", 2026, "health_plan_quality_improvement")
    assert stars_only.value_text == "Medicare shows only a Star Rating for this topic"
    assert (stars_only.unit, stars_only.higher_is_better, stars_only.stars) == ("stars", None, 4)
    small = measure("R3333", 2026, "call_center_foreign_language_interpreter_and_tty_availability")
    assert small.value_text == small.stars_text == "Plan too small to be measured"


def test_disenrollment_reasons_are_rows_of_their_own_part() -> None:
    run(year_files(FILES / "2026", 2026))
    reasons = ContractMeasure.objects.filter(contract_id="H1111", part="disenrollment")
    assert reasons.count() == 5
    money = reasons.get(measure_key="financial_reasons_for_disenrollment")
    assert (money.value, money.unit, money.higher_is_better, money.measure_code) == (
        Decimal(8),
        "percent",
        None,
        "",
    )
    drugs = reasons.get(measure_key="problems_with_prescription_drug_benefits_and_coverage")
    assert (drugs.value, drugs.value_text) == (None, "Not Available")


def test_only_medicare_advantage_contracts_are_kept_and_the_report_says_how_many_not() -> None:
    report = run(year_files(FILES / "2026", 2026))
    assert set(ContractRating.objects.values_list("contract_id", flat=True)) == {
        "H1111",
        "H2222",
        "R3333",
    }
    assert not ContractMeasure.objects.filter(contract_id__regex=r"^[SE]").exists()
    text = report.text()
    assert "Skipped: not Medicare Advantage" in text and "(2):" in text
    assert "S4444" in text and "E5555" in text
    assert "3 Medicare Advantage contracts (H and R), 12 star measures, 5 reasons" in text
    # Every file is listed, with the run recorded under the first one.
    for path in year_files(FILES / "2026", 2026):
        assert path.name in text
    run_row = ImportRun.objects.get()
    assert run_row.file_name == "star_ratings_2026_measure_data.csv"
    assert run_row.outcome == ImportRun.Outcome.APPLIED


def test_2025_windows_1252_files_and_a_title_row_join_2026_on_the_measure_name() -> None:
    report = run(year_files(FILES / "2025", 2025))
    assert not report.rejected, report.text()
    assert "Windows-1252" in report.text()
    assert "from the title row" in report.text()  # the disenrollment file's title row
    tty_2025 = measure(
        "H1111", 2025, "call_center_foreign_language_interpreter_and_tty_availability"
    )
    assert tty_2025.measure_code == "C30"
    assert (
        tty_2025.measure_name == "Call Center – Foreign Language Interpreter and TTY Availability"
    )
    assert tty_2025.data_period == ""  # these copies have no data-period row
    run(year_files(FILES / "2026", 2026))
    # Renumbered between years (C25 → C28), one key.
    codes = ContractMeasure.objects.filter(
        contract_id="H1111", measure_key="complaints_about_the_health_plan"
    ).values_list("star_year", "measure_code")
    assert sorted(codes) == [(2025, "C25"), (2026, "C28")]
    issues = measure("R3333", 2025, "plan_makes_timely_decisions_about_appeals")
    assert issues.value_text == "CMS identified issues with this plan's data"


def test_national_medians_across_ma_contracts() -> None:
    run(year_files(FILES / "2026", 2026))
    # H1111 0.12 and R3333 0.40; H2222 is too new and S/E contracts are not MA.
    median = MeasureMedian.objects.get(
        star_year=2026, measure_key="complaints_about_the_health_plan"
    )
    assert (median.median, median.contracts) == (Decimal("0.26"), 2)
    assert not MeasureMedian.objects.filter(measure_key="health_plan_quality_improvement").exists()


def test_bad_rows_are_rejected_with_row_numbers_and_nothing_changes() -> None:
    report = run(year_files(FILES / "bad", 2025))
    rejected = {(error.row, error.message.split(":")[0]) for error in report.rejected}
    assert rejected == {
        (4, "star_ratings_2025_measure_data.csv"),  # X123 is not a contract ID
        (5, "star_ratings_2025_measure_data.csv"),  # H1111 twice
        (6, "star_ratings_2025_measure_data.csv"),  # a short row
        (3, "star_ratings_2025_measure_data.csv"),  # 8O% is not a number
        (3, "star_ratings_2025_summary_ratings.csv"),  # a rating of 6, SNP "Maybe"
        (2, "star_ratings_2025_measure_stars.csv"),  # 7 stars
        (2, "star_ratings_2025_disenrollment_reasons.csv"),  # 15 without %
    }
    text = report.text()
    assert "REJECTED: 8 bad rows, so nothing was changed" in text
    assert "'8O%' is neither a number nor CMS text" in text
    assert "stars '7' are neither 1 to 5 nor CMS text" in text
    assert ContractRating.objects.count() == ContractMeasure.objects.count() == 0
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED


def test_dry_run_changes_nothing() -> None:
    report = run(year_files(FILES / "2026", 2026), dry_run=True)
    assert report.added == 3 + 51 + 15  # ratings, contract measures, medians
    assert "Would make 69 changes" in report.text()
    assert ContractRating.objects.count() == ContractMeasure.objects.count() == 0
    assert MeasureMedian.objects.count() == 0
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN


def test_reimport_makes_no_changes() -> None:
    run(year_files(FILES / "2026", 2026))
    again = run(year_files(FILES / "2026", 2026))
    assert again.changes == 0
    assert "Made 0 changes (69 unchanged)." in again.text()


def test_a_reissued_year_updates_values_and_removes_dropped_contracts(tmp_path: Path) -> None:
    run(year_files(FILES / "2026", 2026))
    for path in year_files(FILES / "2026", 2026):
        lines = path.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("R3333")]
        text = "".join(kept).replace(",0.12,9%,", ",0.13,9%,")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    report = run(year_files(tmp_path, 2026))
    assert not report.rejected, report.text()
    assert measure("H1111", 2026, "complaints_about_the_health_plan").value == Decimal("0.13")
    assert not ContractRating.objects.filter(contract_id="R3333").exists()
    assert not ContractMeasure.objects.filter(contract_id="R3333").exists()
    # R3333's rating and 17 measures went; many medians changed with it.
    assert report.unpublished == 1 + 17
    assert "Removed: contracts no longer in CMS's 2026 files" in report.text()


def test_the_files_of_a_year_are_given_together(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="summary ratings"):
        run([FILES / "2026" / f"star_ratings_2026_{kind}.csv" for kind in KINDS[:2] + KINDS[3:]])
    mixed = [*year_files(FILES / "2026", 2026)[:3], year_files(FILES / "2025", 2025)[3]]
    with pytest.raises(ImportRefused, match="different Star Ratings years"):
        run(mixed)
    not_cms = tmp_path / "plans.csv"
    not_cms.write_text("plan,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="no CONTRACT_ID header"):
        run([not_cms, *year_files(FILES / "2026", 2026)])
    assert ContractRating.objects.count() == 0


def test_measure_stars_and_data_are_told_apart_without_a_title_row(tmp_path: Path) -> None:
    # Any names: the import reads headers and cells, not file names.
    names = ("a.csv", "b.csv", "c.csv", "d.csv")
    for source, name in zip(year_files(FILES / "2025", 2025), names, strict=True):
        shutil.copy(source, tmp_path / name)
    report = run([tmp_path / name for name in reversed(names)])
    assert not report.rejected, report.text()
    assert measure("H1111", 2025, "customer_service").value == Decimal(89)
    assert measure("H1111", 2025, "customer_service").stars == 4


def test_command_takes_several_files_and_dry_run() -> None:
    out = io.StringIO()
    call_command("import_star_ratings", *year_files(FILES / "2026", 2026), "--dry-run", stdout=out)
    assert "Would make 69 changes" in out.getvalue()
    assert ContractRating.objects.count() == 0
    call_command("import_star_ratings", *year_files(FILES / "2026", 2026), stdout=out)
    assert ContractRating.objects.count() == 3
    with pytest.raises(CommandError, match="8 bad rows"):
        call_command("import_star_ratings", *year_files(FILES / "bad", 2025), stdout=io.StringIO())
    with pytest.raises(CommandError, match="missing"):
        call_command(
            "import_star_ratings", FILES / "2026" / "star_ratings_2026_summary_ratings.csv"
        )


def test_measure_key_is_a_slug_of_the_name() -> None:
    assert (
        measure_key("Complaints about the Health Plan", "C") == "complaints_about_the_health_plan"
    )
    assert measure_key("Special Needs Plan (SNP) Care Management", "C") == (
        "special_needs_plan_snp_care_management"
    )
    assert measure_key("Members Choosing to Leave the Plan", "D") == (
        "members_choosing_to_leave_the_plan_part_d"
    )


# --- The real CMS files (../shared/data) ------------------------------------------------

REAL = {
    # year: (MA contracts kept, S and E contracts skipped, star measures, measure values as text)
    2024: (798, 59, 42, 12_699),
    2025: (737, 52, 42, 10_946),
    2026: (720, 49, 45, 11_512),
}
LONG_UNITS = {
    "percent": "percent",
    "cahps_score_0_100": "cahps_score",
    "complaints_per_1000_enrollees_per_month": "complaints_per_1000",
}


@pytest.mark.shared_data
@pytest.mark.parametrize("year", sorted(REAL))
def test_real_files_of_each_year(shared_data: Path, year: int) -> None:
    folder = shared_data / "cms_star_ratings" / str(year)
    report = run(year_files(folder, year))
    assert not report.rejected, report.text()[:3000]
    kept, skipped, star_measures, text_values = REAL[year]
    assert ContractRating.objects.filter(star_year=year).count() == kept
    text = report.text()
    assert f"E = employer contract) ({skipped}):" in text
    assert f"{kept:,} Medicare Advantage contracts (H and R), {star_measures} star measures" in text
    assert f"{text_values:,} measure values given as CMS text" in text
    star_keys = (
        ContractMeasure.objects.filter(star_year=year)
        .exclude(part="disenrollment")
        .values_list("measure_key", flat=True)
        .distinct()
    )
    assert len(set(star_keys)) == star_measures

    # Cross-check every value of the derived long table (15 member-experience measures).
    long_path = shared_data / "cms_star_ratings" / "member_experience_measures_2024_2026_long.csv"
    with long_path.open(encoding="utf-8", newline="") as handle:
        expected = [row for row in csv.DictReader(handle) if row["star_year"] == str(year)]
    ours = {
        (m.contract_id, m.measure_key): m
        for m in ContractMeasure.objects.filter(star_year=year).exclude(part="disenrollment")
    }
    assert len(expected) == kept * 15
    for row in expected:
        found = ours[(row["contract_id"], measure_key(row["measure_name"], row["part"]))]
        assert found.measure_code == row["measure_id"]
        assert found.value_text == row["value_text"]
        assert found.value == (Decimal(row["value"]) if row["value"] else None)
        assert found.unit == LONG_UNITS[row["value_unit"]]
        assert found.higher_is_better is (row["higher_is_better"] == "yes")
        if row["stars"]:
            assert found.stars == int(row["stars"])
        else:
            assert (found.stars, found.stars_text) == (None, row["stars_text"])


@pytest.mark.shared_data
def test_real_2026_medians_reimport_and_the_integrated_dsnp_contracts(shared_data: Path) -> None:
    folder = shared_data / "cms_star_ratings" / "2026"
    run(year_files(folder, 2026))
    # The medians SOURCES.md states for 2026.
    medians = dict(
        MeasureMedian.objects.filter(star_year=2026).values_list("measure_key", "median")
    )
    assert medians["complaints_about_the_health_plan"] == Decimal("0.16")
    assert medians["members_choosing_to_leave_the_plan"] == Decimal(14)
    assert medians["plan_makes_timely_decisions_about_appeals"] == Decimal(99)
    assert medians["reviewing_appeals_decisions"] == Decimal(98)
    assert measure("H0028", 2026, "complaints_about_the_health_plan").data_period == (
        "01/01/2024 – 12/31/2024"
    )

    with (shared_data / "cms_dsnp" / "cy2026_integrated_dsnps_subset.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        contracts = {row["contract_id"].strip() for row in csv.DictReader(handle)}
    assert len(contracts) == 114
    ratings = ContractRating.objects.filter(star_year=2026, contract_id__in=contracts)
    assert ratings.count() == 114
    assert all(rating.snp for rating in ratings)
    no_part_c = Counter(r.part_c_text for r in ratings if r.part_c is None)
    assert no_part_c == {"Plan too new to be measured": 22, "Not enough data available": 14}

    again = run(year_files(folder, 2026))
    assert again.changes == 0, again.text()[:2000]
