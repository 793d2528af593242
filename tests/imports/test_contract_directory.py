"""The MA Contract Directory import: sponsors and PACE organizations from CMS's monthly file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plans.imports.common import ImportReport, run_import
from plans.imports.contract_directory import (
    DIFFERENCES,
    NOT_LISTED,
    PHONES,
    SKIPPED,
    apply_contract_directory,
    organization_for_contract,
)
from plans.models import ImportRun, Organization, ParentOrganization, Plan
from tests.factories import OrganizationFactory, PlanFactory

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
SMALL = FILES / "contract_directory_small.csv"
HEADER = [
    "Legal Entity Name",
    "Organization\nMarketing Name",
    "Contract\nNumber",
    "Organization\nType",
    "Plan Type",
    "Parent\nOrganization",
    "Enrollment",
    "Directory\nContact\nPhone",
    "Directory\nContact\nPhone\nExt",
]
GOOD_ROW = [
    "Good Health Plan, Inc.",
    "Good Health",
    "H9950",
    "Local CCP",
    "HMO/HMOPOS",
    "Good Holdings",
    "100",
    "1-800-555-0150",
    "",
]


def run(path: Path, *, dry_run: bool = False) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.CONTRACT_DIRECTORY,
        path=path,
        apply=lambda report: apply_contract_directory(report, path),
        dry_run=dry_run,
    )


def write_csv(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "directory.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path: Path, source: Path) -> Path:
    """The small CSV as a workbook, with a title row above the header as CMS sometimes has."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["MA Contract Directory (test)"])
    for row in rows:
        # Workbooks store numbers as numbers: enrollment 120, not "120".
        sheet.append([int(v) if v.isdigit() and len(v) < 5 else v for v in row])
    path = tmp_path / "directory.xlsx"
    workbook.save(path)
    return path


def test_small_file_upserts_parents_and_organizations() -> None:
    report = run(SMALL)
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (6, 5)
    # 3 parents + 3 organizations: H9902, H9903 and R9904 are one legal entity.
    assert (report.added, report.changed) == (6, 0)
    assert ParentOrganization.objects.count() == 3
    gulf = Organization.objects.get(legal_name="Gulf Test Health Plan, Inc.")
    assert gulf.marketing_name == "Gulf Health"
    assert gulf.parent.name == "Gulf Test Holdings"
    assert not gulf.is_pace
    assert gulf.phone == "1-800-555-0102"
    assert gulf.source == "CMS MA Contract Directory (contracts H9902, H9903, R9904)"
    north_star = Organization.objects.get(legal_name="NORTH STAR CARE, LLC")  # line break folded
    assert north_star.is_pace  # "National\nPACE" is National PACE
    assert Organization.objects.filter(is_pace=True).count() == 2
    assert not Organization.objects.filter(legal_name__icontains="miners").exists()


def test_report_names_skipped_rows_phones_and_differences() -> None:
    report = run(SMALL)
    assert report.notes[SKIPPED] == [
        "row 6: Contract Number '99001' (Test Miners Retirement Fund) is not a letter and "
        "4 digits; row skipped"
    ]
    assert report.notes[PHONES] == ["row 4, H9903: '(800) 555-0103'"]
    differences = "\n".join(report.notes[DIFFERENCES])
    assert "legal name spelling" in differences
    assert "marketing name 'Gulf Health' (H9902); 'Gulf Health HIDE' (H9903)" in differences
    text = report.text()
    assert "5 contracts of 6 rows; 3 organizations" in text
    assert "2 PACE contracts (National PACE), held by 2 organizations; PACE enrollment 120" in text


def test_extension_is_kept_with_the_phone(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [[*GOOD_ROW[:7], "1-800-555-0150", "42"]])
    run(path)
    assert Organization.objects.get().phone == "1-800-555-0150 ext. 42"


def test_xlsx_with_line_breaks_in_headers_and_a_title_row(tmp_path: Path) -> None:
    report = run(write_xlsx(tmp_path, SMALL))
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept, report.added) == (6, 5, 6)
    # Row numbers are the sheet's: the title row pushes everything down by one.
    assert report.notes[SKIPPED][0].startswith("row 7:")
    assert Organization.objects.get(legal_name="NORTH STAR CARE, LLC").is_pace


def test_reimport_changes_nothing_and_csv_equals_xlsx(tmp_path: Path) -> None:
    run(SMALL)
    again = run(SMALL)
    assert again.changes == 0 and again.unchanged == 3  # organizations
    assert "Made 0 changes" in again.text()
    from_workbook = run(write_xlsx(tmp_path, SMALL))
    assert from_workbook.changes == 0


def test_a_later_file_changes_what_changed(tmp_path: Path) -> None:
    run(write_csv(tmp_path, [GOOD_ROW]))
    moved = [*GOOD_ROW]
    moved[1], moved[5], moved[7] = "Good Health Plus", "New Parent Co", "1-800-555-0151"
    report = run(write_csv(tmp_path, [moved]))
    assert (report.added, report.changed) == (1, 1)  # the new parent; the organization
    organization = Organization.objects.get()
    assert organization.marketing_name == "Good Health Plus"
    assert organization.parent.name == "New Parent Co"
    assert organization.phone == "1-800-555-0151"


def test_a_bad_phone_keeps_the_stored_phone(tmp_path: Path) -> None:
    run(write_csv(tmp_path, [GOOD_ROW]))
    bad = [*GOOD_ROW[:7], "555-0150", ""]
    report = run(write_csv(tmp_path, [bad]))
    assert report.notes[PHONES] == ["row 2, H9950: '555-0150'"]
    assert Organization.objects.get().phone == "1-800-555-0150"


def test_dry_run_changes_nothing_and_is_recorded() -> None:
    report = run(SMALL, dry_run=True)
    assert report.added == 6
    assert "Would make 6 changes" in report.text()
    assert not Organization.objects.exists() and not ParentOrganization.objects.exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({0: ""}, "row 3: H9950: Legal Entity Name is blank."),
        ({3: ""}, "row 3: H9950: Organization Type is blank."),
        ({0: "X" * 201}, "Legal Entity Name is longer than 200 characters"),
        ({1: "Y" * 201}, "Organization Marketing Name is longer than 200 characters"),
    ],
)
def test_bad_rows_reject_the_whole_file(
    tmp_path: Path, change: dict[int, str], message: str
) -> None:
    bad = [*GOOD_ROW]
    bad[2] = "H9950"
    for index, value in change.items():
        bad[index] = value
    other = [*GOOD_ROW]
    other[0], other[2] = "Other Plan, Inc.", "H9951"
    report = run(write_csv(tmp_path, [other, bad]))
    assert report.rejected
    assert message in str(report.rejected[0])
    assert "REJECTED" in report.text()
    assert not Organization.objects.exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED


def test_a_contract_listed_twice_rejects_the_file(tmp_path: Path) -> None:
    report = run(write_csv(tmp_path, [GOOD_ROW, GOOD_ROW]))
    assert [str(e) for e in report.rejected] == [
        "row 3: Contract Number H9950 is also on row 2: the directory has one row per contract."
    ]
    assert not Organization.objects.exists()


def test_missing_columns_reject_the_file(tmp_path: Path) -> None:
    header = [h for h in HEADER if "Phone" not in h]
    report = run(write_csv(tmp_path, [GOOD_ROW[:7]], header=header))
    assert len(report.rejected) == 1
    assert "no header row has the columns Directory Contact Phone" in str(report.rejected[0])


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not really a workbook", b"\xd0\xcf\x11\xe0 an old xls file"],
)
def test_a_file_that_is_not_a_workbook_is_rejected_plainly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "directory.xlsx"
    path.write_bytes(content)
    report = run(path)
    assert len(report.rejected) == 1
    assert "xlsx" in report.rejected[0].message


def test_organizations_not_in_the_file_are_listed_not_removed(tmp_path: Path) -> None:
    OrganizationFactory(legal_name="Gone Health Plan, Inc.")
    report = run(write_csv(tmp_path, [GOOD_ROW]))
    assert report.notes[NOT_LISTED] == ["Gone Health Plan, Inc."]
    assert Organization.objects.filter(legal_name="Gone Health Plan, Inc.").exists()


def test_an_existing_organization_keeps_its_spelling(tmp_path: Path) -> None:
    OrganizationFactory(legal_name="GOOD HEALTH PLAN, INC.", parent=None)
    report = run(write_csv(tmp_path, [GOOD_ROW]))
    assert (report.added, report.changed) == (1, 1)  # the parent; the organization
    organization = Organization.objects.get()
    assert organization.legal_name == "GOOD HEALTH PLAN, INC."
    assert organization.marketing_name == "Good Health"


def test_organization_for_contract_reads_the_directory_then_plans() -> None:
    run(SMALL)
    assert organization_for_contract("H9903").legal_name == "Gulf Test Health Plan, Inc."
    assert organization_for_contract("h9901").legal_name == "SUNRISE PACE OF TESTLAND, INC."
    assert organization_for_contract("H9990") is None
    plan = PlanFactory(contract_id="H9990")
    assert organization_for_contract("H9990") == plan.organization
    # "H990" is inside "H9901" but is not a contract of it.
    assert organization_for_contract("H990") is None


def test_the_demo_catalog_is_not_mixed_with_real_organizations(demo_catalog: None) -> None:
    with pytest.raises(CommandError, match="--remove-demo"):
        call_command("import_contract_directory", str(SMALL), stdout=io.StringIO())
    assert not Organization.objects.filter(is_sample=False).exists()
    out = io.StringIO()
    call_command("import_contract_directory", str(SMALL), "--remove-demo", stdout=out)
    assert "Made 6 changes" in out.getvalue()
    assert not Organization.objects.filter(is_sample=True).exists()
    assert not Plan.objects.exists()


def test_command_dry_run_prints_the_report() -> None:
    out = io.StringIO()
    call_command("import_contract_directory", str(SMALL), "--dry-run", stdout=out)
    assert "Would make 6 changes" in out.getvalue()
    assert "Dry run: nothing was changed." in out.getvalue()
    assert not Organization.objects.exists()


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "name", ["MA_Contract_directory_2026_02.xlsx", "MA_Contract_directory_2026_02.csv"]
)
def test_the_real_february_2026_directory(shared_data: Path, name: str) -> None:
    path = shared_data / "cms_contracts" / name
    report = run(path)
    assert not report.rejected, report.text()
    # 921 contracts; the one with the malformed number ("90091") is skipped and reported.
    assert (report.rows_read, report.rows_kept) == (921, 920)
    assert len(report.notes[SKIPPED]) == 1 and "'90091'" in report.notes[SKIPPED][0]
    text = report.text()
    assert "National PACE: 201" in text
    assert "201 PACE contracts (National PACE), held by 200 organizations" in text
    assert "PACE enrollment 75,767" in text  # as SOURCES.md sums it
    # One organization per legal entity: 745 names, 5 of them spelled in two cases,
    # less the skipped contract's entity.
    assert Organization.objects.count() == 739
    assert ParentOrganization.objects.count() == 311
    assert report.added == 739 + 311
    # Total Longterm Care (InnovAge) holds two PACE contracts, in Colorado and California.
    innovage = organization_for_contract("H0613")
    assert innovage == organization_for_contract("H6079") and innovage.is_pace
    assert Organization.objects.filter(is_pace=True).count() == 200
    assert organization_for_contract("X0001") is not None  # LI NET is a real contract
    assert run(path).changes == 0
