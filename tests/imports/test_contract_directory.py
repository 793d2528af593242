"""The MA Contract Directory import: contracts, sponsors and PACE organizations from CMS's
monthly file."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from plans.imports.common import ImportReport, run_import
from plans.imports.contract_directory import (
    CONTRACTS_NOT_LISTED,
    DATES,
    DIFFERENCES,
    NOT_LISTED,
    PHONES,
    SKIPPED,
    apply_contract_directory,
    organization_for_contract,
)
from plans.models import Contract, ImportRun, Organization, ParentOrganization, Plan
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


def test_small_file_upserts_parents_organizations_and_contracts() -> None:
    report = run(SMALL)
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (6, 5)
    # 3 parents + 3 organizations + 5 contracts: H9902, H9903 and R9904 are one entity.
    assert (report.added, report.changed) == (11, 0)
    assert ParentOrganization.objects.count() == 3
    gulf = Organization.objects.get(legal_name="Gulf Test Health Plan, Inc.")
    assert gulf.marketing_name == "Gulf Health"
    assert gulf.parent.name == "Gulf Test Holdings"
    assert not gulf.is_pace
    assert gulf.phone == "1-800-555-0102"
    assert gulf.source == "CMS MA Contract Directory"
    assert sorted(gulf.contracts.values_list("contract_id", flat=True)) == [
        "H9902",
        "H9903",
        "R9904",
    ]
    north_star = Organization.objects.get(legal_name="NORTH STAR CARE, LLC")  # line break folded
    assert north_star.is_pace  # "National\nPACE" is National PACE
    assert Organization.objects.filter(is_pace=True).count() == 2
    assert not Organization.objects.filter(legal_name__icontains="miners").exists()
    assert not Contract.objects.filter(contract_id="99001").exists()


def test_each_row_is_a_contract_with_cms_facts() -> None:
    report = run(SMALL)
    assert Contract.objects.count() == 5
    hide = Contract.objects.get(contract_id="H9903")
    assert hide.organization.legal_name == "Gulf Test Health Plan, Inc."
    assert (hide.organization_type, hide.plan_type) == ("Local CCP", "HMO/HMOPOS")
    assert hide.marketing_name == "Gulf Health HIDE"  # the contract's own, not the entity's
    assert hide.phone == ""  # "(800) 555-0103" is not in the stored form: reported
    assert (hide.enrollment, hide.effective_date) == (5000, None)  # no date column here
    assert hide.source == "CMS MA Contract Directory contract_directory_small.csv"
    assert hide.last_import == report.run
    assert not hide.is_pace and hide.listed_in_directory
    assert Contract.objects.get(contract_id="H9902").enrollment is None  # "*" is suppressed
    assert Contract.objects.get(contract_id="R9904").phone == "1-800-555-0102 ext. 12"
    sunrise = Contract.objects.get(contract_id="H9901")
    assert sunrise.is_pace and sunrise.organization.is_pace
    assert Contract.objects.get(contract_id="H9905").is_pace  # "National\nPACE"


def test_effective_dates_are_read_and_bad_ones_reported(tmp_path: Path) -> None:
    header = [*HEADER, "Contract Effective Date"]
    other = [*GOOD_ROW]
    other[0], other[2] = "Other Plan, Inc.", "H9951"
    bad = [*GOOD_ROW]
    bad[0], bad[2] = "Third Plan, Inc.", "H9952"
    report = run(
        write_csv(
            tmp_path,
            [[*GOOD_ROW, "01/01/2025"], [*other, "2026-07-01"], [*bad, "sometime"]],
            header=header,
        )
    )
    assert not report.rejected, report.text()
    dates = dict(Contract.objects.values_list("contract_id", "effective_date"))
    assert dates == {
        "H9950": datetime.date(2025, 1, 1),
        "H9951": datetime.date(2026, 7, 1),
        "H9952": None,
    }
    assert report.notes[DATES] == ["row 4, H9952: 'sometime'"]


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
    assert "2 National PACE contracts held by 2 organizations; PACE enrollment 120" in text


def test_extension_is_kept_with_the_phone(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [[*GOOD_ROW[:7], "1-800-555-0150", "42"]])
    run(path)
    assert Organization.objects.get().phone == "1-800-555-0150 ext. 42"


def test_xlsx_with_line_breaks_in_headers_and_a_title_row(tmp_path: Path) -> None:
    report = run(write_xlsx(tmp_path, SMALL))
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept, report.added) == (6, 5, 11)
    # Row numbers are the sheet's: the title row pushes everything down by one.
    assert report.notes[SKIPPED][0].startswith("row 7:")
    assert Organization.objects.get(legal_name="NORTH STAR CARE, LLC").is_pace


def test_reimport_changes_nothing_and_csv_equals_xlsx(tmp_path: Path) -> None:
    run(SMALL)
    again = run(SMALL)
    assert again.changes == 0 and again.unchanged == 3 + 5  # organizations, contracts
    assert "Made 0 changes" in again.text()
    from_workbook = run(write_xlsx(tmp_path, SMALL))
    assert from_workbook.changes == 0


def test_a_later_file_changes_what_changed(tmp_path: Path) -> None:
    run(write_csv(tmp_path, [GOOD_ROW]))
    moved = [*GOOD_ROW]
    moved[1], moved[5], moved[7] = "Good Health Plus", "New Parent Co", "1-800-555-0151"
    report = run(write_csv(tmp_path, [moved]))
    # The new parent; the organization and its contract.
    assert (report.added, report.changed) == (1, 2)
    organization = Organization.objects.get()
    assert organization.marketing_name == "Good Health Plus"
    assert organization.parent.name == "New Parent Co"
    assert organization.phone == "1-800-555-0151"
    contract = Contract.objects.get()
    assert (contract.marketing_name, contract.phone) == ("Good Health Plus", "1-800-555-0151")
    assert contract.last_import == report.run


def test_a_bad_phone_keeps_the_stored_phone(tmp_path: Path) -> None:
    run(write_csv(tmp_path, [GOOD_ROW]))
    bad = [*GOOD_ROW[:7], "555-0150", ""]
    report = run(write_csv(tmp_path, [bad]))
    assert report.notes[PHONES] == ["row 2, H9950: '555-0150'"]
    assert Organization.objects.get().phone == "1-800-555-0150"
    assert Contract.objects.get().phone == ""  # the contract's row is the whole truth


def test_dry_run_changes_nothing_and_is_recorded() -> None:
    report = run(SMALL, dry_run=True)
    assert report.added == 11
    assert "Would make 11 changes" in report.text()
    assert not Organization.objects.exists() and not ParentOrganization.objects.exists()
    assert not Contract.objects.exists()
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
    assert (report.added, report.changed) == (2, 1)  # the parent and contract; the organization
    organization = Organization.objects.get()
    assert organization.legal_name == "GOOD HEALTH PLAN, INC."
    assert Contract.objects.get().organization == organization
    assert organization.marketing_name == "Good Health"


def test_organization_for_contract_reads_contracts_then_plans() -> None:
    run(SMALL)
    assert organization_for_contract("H9903").legal_name == "Gulf Test Health Plan, Inc."
    assert organization_for_contract("h9901").legal_name == "SUNRISE PACE OF TESTLAND, INC."
    assert organization_for_contract("H9990") is None
    plan = PlanFactory(contract_id="H9990")
    assert organization_for_contract("H9990") == plan.organization
    assert organization_for_contract("H990") is None
    # The Contract row wins over an older plan's sponsor.
    PlanFactory(contract_id="H9903", plan_year=2020)
    assert organization_for_contract("H9903").legal_name == "Gulf Test Health Plan, Inc."


def test_contracts_not_in_the_file_are_listed_not_removed(tmp_path: Path) -> None:
    run(SMALL)
    report = run(write_csv(tmp_path, [GOOD_ROW]))
    assert report.notes[CONTRACTS_NOT_LISTED] == [
        "H9901 (SUNRISE PACE OF TESTLAND, INC.)",
        "H9902 (Gulf Test Health Plan, Inc.)",
        "H9903 (Gulf Test Health Plan, Inc.)",
        "H9905 (NORTH STAR CARE, LLC)",
        "R9904 (Gulf Test Health Plan, Inc.)",
    ]
    assert Contract.objects.count() == 6


def test_a_contract_moves_with_its_legal_entity(tmp_path: Path) -> None:
    run(write_csv(tmp_path, [GOOD_ROW]))
    moved = [*GOOD_ROW]
    moved[0] = "Good Health Plan of Testland, LLC"  # CMS novated the contract
    report = run(write_csv(tmp_path, [moved]))
    assert not report.rejected, report.text()
    assert Contract.objects.get().organization.legal_name == "Good Health Plan of Testland, LLC"
    assert report.notes[NOT_LISTED] == ["Good Health Plan, Inc."]


def test_the_demo_catalog_is_not_mixed_with_real_organizations(demo_catalog: None) -> None:
    with pytest.raises(CommandError, match="--remove-demo"):
        call_command("import_contract_directory", str(SMALL), stdout=io.StringIO())
    assert not Organization.objects.filter(is_sample=False).exists()
    out = io.StringIO()
    call_command("import_contract_directory", str(SMALL), "--remove-demo", stdout=out)
    assert "Made 11 changes" in out.getvalue()
    assert not Organization.objects.filter(is_sample=True).exists()
    assert not Plan.objects.exists()


def test_the_admin_shows_contracts_read_only(admin_client: Client) -> None:
    run(SMALL)
    page = admin_client.get(reverse("admin:plans_contract_changelist"), {"q": "gulf"})
    assert page.status_code == 200
    assert "H9903" in page.text and "Gulf Health HIDE" in page.text and "H9901" not in page.text
    page = admin_client.get(reverse("admin:plans_contract_change", args=["H9903"]))
    assert page.status_code == 200 and "Local CCP" in page.text
    assert 'name="marketing_name"' not in page.text  # read only: the imports own it
    assert admin_client.get(reverse("admin:plans_contract_add")).status_code == 403
    gulf = Organization.objects.get(legal_name="Gulf Test Health Plan, Inc.")
    page = admin_client.get(reverse("admin:plans_organization_change", args=[gulf.pk]))
    assert page.status_code == 200 and "R9904" in page.text


def test_command_dry_run_prints_the_report() -> None:
    out = io.StringIO()
    call_command("import_contract_directory", str(SMALL), "--dry-run", stdout=out)
    assert "Would make 11 changes" in out.getvalue()
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
    assert "201 National PACE contracts held by 200 organizations" in text
    assert "PACE enrollment 75,767" in text  # as SOURCES.md sums it
    # One contract per kept row, and one organization per legal entity: 745 names, 5 of
    # them spelled in two cases, less the skipped contract's entity.
    assert Contract.objects.count() == 920
    pace = [c for c in Contract.objects.select_related("organization") if c.is_pace]
    assert len(pace) == 201 and all(c.organization.is_pace for c in pace)
    assert len({c.organization_id for c in pace}) == 200
    assert Organization.objects.count() == 739
    assert ParentOrganization.objects.count() == 311
    assert report.added == 739 + 311 + 920
    # Total Longterm Care (InnovAge) holds two PACE contracts, in Colorado and California.
    innovage = organization_for_contract("H0613")
    assert innovage == organization_for_contract("H6079") and innovage.is_pace
    assert sorted(innovage.contracts.values_list("contract_id", flat=True)) == ["H0613", "H6079"]
    assert Organization.objects.filter(is_pace=True).count() == 200
    # LI NET is a real contract (Humana Insurance Company of New York also holds H5970).
    li_net = Contract.objects.get(contract_id="X0001")
    assert (
        li_net.organization_type == "LI NET Sponsor" and li_net.organization.contracts.count() == 2
    )
    assert Contract.objects.get(contract_id="H9411").effective_date == datetime.date(2025, 1, 1)
    assert run(path).changes == 0
