"""The CMS MA Landscape import: parser, county rows, premiums, stars, unpublishing, reports.

No real Landscape file is on this machine (shared/data/FORMATS.md): the files here follow
the CY2026 column list and CMS's known habits (UTF-8 with BOM, CRLF, every field quoted,
"$38.40 " with a trailing space, Segment ID written "0"). The committed ones in files/
are small and fixed; scenarios write their own with ``dsnp()``/``other()`` rows.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.imports.common import ImportRefused, ImportReport, run_import
from plans.imports.contract_directory import apply_contract_directory
from plans.imports.landscape import (
    LANDSCAPE_HEADER,
    NOTE_CONTRACT_MOVED,
    NOTE_DIRECTORY_HOLDER,
    LandscapeFile,
    LandscapeFileError,
    StarRating,
    apply_landscape,
    parse_contract_id,
    parse_flag,
    parse_money,
    parse_stars,
    parse_three_digits,
)
from plans.models import (
    Contract,
    ContractRating,
    County,
    ImportRun,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    SupplementalBenefit,
)
from tests.factories import (
    MedicaidPlanFactory,
    OrganizationFactory,
    PlanFactory,
    ServiceAreaFactory,
)
from tests.imports.test_contract_directory import HEADER
from tests.imports.test_contract_directory import write_csv as write_directory_csv

FILES = Path(__file__).parent / "files"
SMALL = FILES / "landscape_cy2026_small.csv"
GEOGRAPHY = Path(settings.BASE_DIR) / "fixtures" / "geography"

# --- Writing Landscape files ------------------------------------------------------

# Short names for the columns the tests set most.
SHORT = {
    "year": "Contract Year",
    "category": "Contract Category Type",
    "state": "State Territory Abbreviation",
    "state_name": "State Territory Name",
    "county": "County Name",
    "contract": "Contract ID",
    "plan": "Plan ID",
    "segment": "Segment ID",
    "sanctioned": "Sanctioned Plan",
    "parent": "Parent Organization Name",
    "contract_name": "Contract Name",
    "marketing_name": "Organization Marketing Name",
    "name": "Plan Name",
    "plan_type": "Plan Type",
    "snp": "Special Needs Plan (SNP) Indicator",
    "snp_type": "SNP Type",
    "level": "Dual Eligible SNP (D-SNP) Integration Status",
    "aip": "D-SNP Applicable Integrated Plan (AIP) Identifier",
    "zero_dollar": "Medicare Zero-Dollar Cost Sharing D-SNP Plan",
    "part_d_basic": "Part D Basic Premium",
    "part_d_supplemental": "Part D Supplemental Premium",
    "part_d_total": "Part D Total Premium",
    "lips": "Low Income Premium Subsidy (LIPS) Amount",
    "lips_cms_pays": "Part D LIPS (CMS Pays)",
    "low_income_premium": "Part D Low Income Beneficiary Premium Amount",
    "part_c": "Part C Premium",
    "premium": "Monthly Consolidated Premium (Part C + D)",
    "moop": "In-Network Maximum Out-of-Pocket (MOOP) Amount",
    "stars_c": "Part C Summary Star Rating",
    "stars_d": "Part D Summary Star Rating",
    "stars": "Overall Star Rating",
}

DSNP_DEFAULTS = {
    "Contract Year": "2026",
    "Contract Category Type": "SNP",
    "US Territory": "No",
    "State Territory Abbreviation": "FL",
    "State Territory Name": "Florida",
    "County Name": "Miami-Dade",
    "Contract ID": "H1001",
    "Plan ID": "001",
    "Segment ID": "0",
    "Sanctioned Plan": "No",
    "Parent Organization Name": "Sunrise Health Group, Inc.",
    "Contract Name": "SUNRISE HEALTH PLAN OF FLORIDA, INC.",
    "Organization Marketing Name": "Sunrise Health",
    "Organization Type": "Local CCP",
    "Plan Name": "Sunrise Dual Complete (HMO D-SNP)",
    "Plan Type": "HMO D-SNP",
    "Special Needs Plan (SNP) Indicator": "Yes",
    "SNP Type": "Dual-Eligible",
    "SNP Institutional Type": "Not Applicable",
    "SNP Institutional Category": "Not Applicable",
    "Dual Eligible SNP (D-SNP) Integration Status": "HIDE",
    "D-SNP Applicable Integrated Plan (AIP) Identifier": "No",
    "Chronic or Disabling Condition SNP (C-SNP) Condition Type": "Not Applicable",
    "Medicare Zero-Dollar Cost Sharing D-SNP Plan": "Yes",
    "Part D Coverage Indicator": "Yes",
    "National PDP": "Not Applicable",
    "Drug Benefit Category": "Enhanced",
    "Drug Benefit Type": "Enhanced Alternative",
    "Voluntary De Minimis Program Participant": "No",
    "Part D Basic Premium At or Below Regional Benchmark": "Not Applicable",
    "Low Income Subsidy (LIS) Auto Enrollment": "Not Applicable",
    "Offers Drug Tier with No Part D Deductible": "Not Applicable",
    "Annual Part D Deductible Amount": "$615.00 ",
    "Part D Basic Premium": "$38.40 ",
    "Part D Supplemental Premium": "$0.00 ",
    "Part D Total Premium": "$38.40 ",
    "Low Income Premium Subsidy (LIPS) Amount": "$38.44 ",
    "Part D LIPS (CMS Pays)": "$38.40 ",
    "Part D Low Income Beneficiary Premium Amount": "$0.00 ",
    "Part D Out-of-Pocket (OOP) Threshold": "$2,100.00 ",
    "Part C Premium": "$0.00 ",
    "Monthly Consolidated Premium (Part C + D)": "$38.40 ",
    "In-Network Maximum Out-of-Pocket (MOOP) Amount": "$9,250.00 ",
    "Part C Summary Star Rating": "4.0",
    "Part D Summary Star Rating": "3.5",
    "Overall Star Rating": "4.0",
    "MA Region Code": "10",
    "MA Region": "Florida",
    "PDP Region Code": "Not Applicable",
    "PDP Region": "Not Applicable",
}

# Other plan types: read for the states and years the file covers, otherwise skipped.
OTHER_TYPES = {
    "ma_pd": {"Contract Category Type": "MA-PD", "Plan Type": "HMO", "Plan Name": "Sunrise Gold"},
    "pdp": {
        "Contract Category Type": "PDP",
        "Contract ID": "S5601",
        "County Name": "All Counties",
        "Plan Type": "Medicare Prescription Drug Plan",
        "Plan Name": "Sunrise Rx (PDP)",
        "Part C Premium": "Not Applicable",
        "Monthly Consolidated Premium (Part C + D)": "Not Applicable",
        "In-Network Maximum Out-of-Pocket (MOOP) Amount": "Not Applicable",
    },
    "c_snp": {
        "SNP Type": "Chronic or Disabling Condition",
        "Plan Type": "HMO C-SNP",
        "Chronic or Disabling Condition SNP (C-SNP) Condition Type": "Diabetes mellitus",
        "Plan Name": "Sunrise Chronic Care (HMO C-SNP)",
    },
    "i_snp": {
        "SNP Type": "Institutional",
        "Plan Type": "HMO I-SNP",
        "SNP Institutional Type": "Facility-based Institutional (FI-SNP)",
        "Plan Name": "Sunrise Care Home (HMO I-SNP)",
    },
}
NOT_DSNP = {
    "Special Needs Plan (SNP) Indicator": "No",
    "SNP Type": "Not Applicable",
    "Dual Eligible SNP (D-SNP) Integration Status": "Not Applicable",
    "D-SNP Applicable Integrated Plan (AIP) Identifier": "Not Applicable",
    "Medicare Zero-Dollar Cost Sharing D-SNP Plan": "Not Applicable",
}


def dsnp(**fields: str) -> dict[str, str]:
    """A D-SNP row: the defaults, changed by short names (see SHORT) or full column names."""
    row = dict(DSNP_DEFAULTS)
    for name, value in fields.items():
        row[SHORT.get(name, name)] = value
    return row


def other(kind: str, **fields: str) -> dict[str, str]:
    """A row of another plan type (ma_pd, pdp, c_snp, i_snp)."""
    row = dsnp(**fields)
    if kind in {"ma_pd", "pdp"}:
        row.update(NOT_DSNP)
    else:
        row.update({key: NOT_DSNP[key] for key in NOT_DSNP if key != SHORT["snp"]})
        row[SHORT["snp"]] = "Yes"
    row.update(OTHER_TYPES[kind])
    for name, value in fields.items():
        row[SHORT.get(name, name)] = value
    return row


def write_landscape(
    path: Path,
    rows: Iterable[dict[str, str]],
    *,
    header: Sequence[str] = LANDSCAPE_HEADER,
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator=newline)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


# --- Fixtures and helpers ---------------------------------------------------------

GEOGRAPHY_STATES = ("FL", "GA", "PR", "VA", "CT", "AK", "LA", "NM")


@pytest.fixture
def geography(db: None) -> None:
    """The states the test files use, with all their counties (Census names), no ZIPs."""
    with (GEOGRAPHY / "states.csv").open(encoding="utf-8", newline="") as handle:
        states = [row for row in csv.DictReader(handle) if row["code"] in GEOGRAPHY_STATES]
    with (GEOGRAPHY / "counties.csv").open(encoding="utf-8", newline="") as handle:
        counties = [row for row in csv.DictReader(handle) if row["state"] in GEOGRAPHY_STATES]
    # The demo catalog's fixture may have made some of them already.
    State.objects.bulk_create(
        (
            State(
                code=row["code"],
                fips=row["fips"],
                name=row["name"],
                is_territory=row["is_territory"] == "1",
            )
            for row in states
        ),
        ignore_conflicts=True,
    )
    County.objects.bulk_create(
        (County(fips=row["fips"], state_id=row["state"], name=row["name"]) for row in counties),
        ignore_conflicts=True,
    )


def run(
    path: Path,
    *,
    dry_run: bool = False,
    states: set[str] | None = None,
    remove_demo: bool = False,
) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.LANDSCAPE,
        path=path,
        apply=lambda report: apply_landscape(report, path, states=states),
        dry_run=dry_run,
        remove_demo=remove_demo,
    )


def plan(cms_id: str, year: int = 2026) -> Plan:
    contract_id, pbp, segment = cms_id.split("-")
    return Plan.objects.get(contract_id=contract_id, pbp=pbp, segment=segment, plan_year=year)


def counties_of(cms_id: str, year: int = 2026) -> set[str]:
    return set(plan(cms_id, year).service_areas.values_list("county_id", flat=True))


def catalog_snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row the Landscape writes, to show that nothing changed."""
    return {
        "plans": sorted(Plan.objects.values_list()),
        "areas": sorted(ServiceArea.objects.values_list("plan_id", "county_id", "zip_codes")),
        "organizations": sorted(Organization.objects.values_list()),
        "parents": sorted(ParentOrganization.objects.values_list()),
        "contracts": sorted(Contract.objects.values_list()),
        "ratings": sorted(
            ContractRating.objects.values_list(
                "contract_id", "star_year", "overall", "overall_text", "part_c", "part_d"
            )
        ),
    }


def existing_plan(cms_id: str, *fips: str, year: int = 2026, **fields: object) -> Plan:
    contract_id, pbp, segment = cms_id.split("-")
    made = PlanFactory(contract_id=contract_id, pbp=pbp, segment=segment, plan_year=year, **fields)
    for code in fips:
        ServiceAreaFactory(plan=made, county=County.objects.get(fips=code))
    return made


# --- Cell parsers (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,234.50", Decimal("1234.50")),
        ("$38.40 ", Decimal("38.40")),
        (" $9,250.00 ", Decimal("9250.00")),
        ("$0", Decimal("0.00")),
        ("12.5", Decimal("12.50")),
        ("($20.80)", Decimal("-20.80")),
        ("-$3.00", Decimal("-3.00")),
        ("$12.3400", Decimal("12.34")),
        ("", None),
        ("   ", None),
        ("Not Applicable", None),
        ("not applicable", None),
        ("N/A", None),
    ],
)
def test_money(text: str, amount: Decimal | None) -> None:
    assert parse_money(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("twelve dollars", "is not an amount of dollars"),
        ("$1,2,3.4.5", "is not an amount of dollars"),
        ("$12.345", "has fractions of a cent"),
        ("12 USD", "is not an amount of dollars"),
        ("Free", "is not an amount of dollars"),
    ],
)
def test_money_that_is_not_money(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("4.0", StarRating(value=Decimal("4.0"))),
        ("4.5", StarRating(value=Decimal("4.5"))),
        ("3", StarRating(value=Decimal("3.0"))),
        ("5", StarRating(value=Decimal("5.0"))),
        ("1.5", StarRating(value=Decimal("1.5"))),
        ("Plan too new to be measured", StarRating(text="Plan too new to be measured")),
        ("Too new to be measured", StarRating(text="Too new to be measured")),
        ("Too new to rate", StarRating(text="Too new to rate")),
        ("Not enough data available", StarRating(text="Not enough data available")),
        (" Not  Applicable ", StarRating(text="Not Applicable")),
        ("", StarRating()),
    ],
)
def test_star_ratings_numbers_and_cms_text(text: str, rating: StarRating) -> None:
    assert parse_stars(text) == rating


@pytest.mark.parametrize("text", ["0", "6", "4.25", "5.5", "0.5"])
def test_star_ratings_outside_half_stars_1_to_5(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rating of 1 to 5 stars"):
        parse_stars(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("Yes", True), ("yes ", True), ("Y", True), ("No", False), ("N", False)]
    + [("Not Applicable", False), ("", False)],
)
def test_flags(text: str, value: bool) -> None:
    assert parse_flag(text) is value


def test_a_flag_that_is_neither() -> None:
    with pytest.raises(ValueError, match="'Maybe' is not Yes or No"):
        parse_flag("Maybe")


@pytest.mark.parametrize(
    ("text", "value"), [("001", "001"), ("1", "001"), ("0", "000"), ("42", "042"), (" 7 ", "007")]
)
def test_plan_and_segment_ids_keep_or_regain_their_zeros(text: str, value: str) -> None:
    assert parse_three_digits(text) == value


@pytest.mark.parametrize("text", ["1234", "12a", "", "-1", "1.0"])
def test_malformed_plan_and_segment_ids(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number of 1 to 3 digits"):
        parse_three_digits(text)


@pytest.mark.parametrize(("text", "value"), [("H1234", "H1234"), ("r0001 ", "R0001")])
def test_contract_ids(text: str, value: str) -> None:
    assert parse_contract_id(text) == value


@pytest.mark.parametrize("text", ["S1234", "E1234", "H123", "H12345", "X123", "1234"])
def test_malformed_contract_ids(text: str) -> None:
    with pytest.raises(ValueError, match="is not H or R followed by 4 digits"):
        parse_contract_id(text)


# --- The streaming parser (pure) --------------------------------------------------


def read_all(path: Path) -> tuple[LandscapeFile, list]:
    landscape = LandscapeFile(path)
    return landscape, list(landscape.dsnp_rows())


def test_keeps_only_dsnp_rows_but_every_row_tells_what_the_file_covers() -> None:
    landscape, rows = read_all(SMALL)
    assert landscape.rows_read == 26
    assert len(rows) == landscape.dsnp_rows_read == 22
    assert {row.state for row in rows} == {"FL", "PR", "VA", "CT", "AK", "LA", "NM"}
    assert landscape.states == {"FL", "PR", "VA", "CT", "AK", "LA", "NM"}
    assert landscape.years == {2026}
    assert not landscape.rejected
    assert landscape.lines_read_as_windows_1252 == 0
    first = rows[0]
    # The BOM is gone from the first header; row numbers are the file's line numbers.
    assert (first.row, first.contract_year, first.state, first.county_name) == (
        2,
        2026,
        "FL",
        "Miami-Dade",
    )
    assert (first.contract_id, first.pbp, first.segment) == ("H1001", "001", "000")
    assert first.cms_id == "H1001-001-000"
    assert first.integration_level == "HIDE" and first.is_aip and first.zero_dollar_cost_sharing
    assert first.premium == Decimal("38.40")
    assert first.max_out_of_pocket == Decimal("9250.00")
    assert [row.row for row in rows if row.contract_id == "H2002"] == [10, 11, 12, 13]


def test_rows_are_read_one_at_a_time() -> None:
    landscape = LandscapeFile(SMALL)
    rows = landscape.dsnp_rows()
    assert next(rows).row == 2
    assert landscape.rows_read == 1  # nothing beyond the first row was read yet


def test_windows_1252_file_is_read(tmp_path: Path) -> None:
    landscape, rows = read_all(FILES / "landscape_windows_1252.csv")
    assert [row.county_name for row in rows] == ["Doña Ana", "Mayagüez", "Añasco"]
    assert landscape.lines_read_as_windows_1252 == 3


def test_a_file_without_bom_with_lf_endings(tmp_path: Path) -> None:
    path = write_landscape(tmp_path / "plain.csv", [dsnp()], encoding="utf-8", newline="\n")
    landscape, rows = read_all(path)
    assert len(rows) == 1 and not landscape.rejected


def test_cy2027_header_spellings_are_accepted(tmp_path: Path) -> None:
    # CY2026/2027 write "ContractPlanID", drop "SNP Institutional Category", add capacity
    # columns and shorten the zero-dollar column; the columns read are all still there.
    renamed = {
        "Contract Plan ID": "ContractPlanID",
        "Contract Plan Segment ID": "ContractPlanSegmentID",
        "Medicare Zero-Dollar Cost Sharing D-SNP Plan": "Medicare Zero-Dollar Cost Sharing D-SNP",
    }
    header = [renamed.get(c, c) for c in LANDSCAPE_HEADER if c != "SNP Institutional Category"]
    header.insert(18, "Enrollment Capacity Limit Accepted")
    row = dsnp(zero_dollar="No")
    row["Medicare Zero-Dollar Cost Sharing D-SNP"] = "Yes"
    path = write_landscape(tmp_path / "cy2027.csv", [row], header=header)
    _, rows = read_all(path)
    assert rows[0].zero_dollar_cost_sharing is True


def test_missing_columns_are_named() -> None:
    with pytest.raises(LandscapeFileError) as raised:
        read_all(FILES / "landscape_missing_columns.csv")
    assert str(raised.value) == (
        "This is not a CMS MA Landscape file in the CY2025+ layout: 2 needed column(s) "
        "are missing: Plan ID; Part C Premium."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("landscape.xlsx", "This is an Excel workbook (.xlsx, .xlsb or .xls), not CSV"),
        ("landscape_utf16.csv", "This file is UTF-16 text"),
    ],
)
def test_files_that_are_not_csv_text(name: str, message: str) -> None:
    with pytest.raises(LandscapeFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_all(FILES / name)


def test_nul_bytes_and_empty_files(tmp_path: Path) -> None:
    broken = tmp_path / "nul.csv"
    broken.write_bytes(SMALL.read_bytes()[:2000] + b"\x00\x00\x00")
    with pytest.raises(LandscapeFileError, match="NUL bytes") as raised:
        read_all(broken)
    assert raised.value.line > 1
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(LandscapeFileError, match="The file is empty"):
        read_all(empty)


def test_bad_rows_are_collected_with_their_line_numbers() -> None:
    landscape, rows = read_all(FILES / "landscape_bad_rows.csv")
    assert [row.row for row in rows] == [2]
    errors = {error.row: error.message for error in landscape.rejected}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert errors[3] == "Contract ID: 'X123' is not H or R followed by 4 digits"
    assert errors[4] == "Plan ID: '12a' is not a number of 1 to 3 digits"
    assert errors[5] == "Segment ID: '0001' is not a number of 1 to 3 digits"
    assert errors[6] == "Monthly Consolidated Premium: 'twelve dollars' is not an amount of dollars"
    assert errors[7] == "In-Network MOOP Amount: '$1,2,3.4.5' is not an amount of dollars"
    assert errors[8] == "Overall Star Rating: '7' is not a rating of 1 to 5 stars in half stars"
    assert errors[9] == "Sanctioned Plan: 'Maybe' is not Yes or No"
    assert "Contract Year: '20x6' is not a contract year" in errors[10]
    assert errors[11] == "Part C Premium: a negative amount (-5.00) cannot be charged"
    assert errors[13] == (
        "has 4 fields where the header has 52 (a comma inside an unquoted value, or a row "
        "cut short?)"
    )
    # Line 12 is a PDP row with a broken premium: only D-SNP rows are checked cell by cell.
    assert 12 not in errors


def test_blank_lines_and_a_trailing_comma_are_harmless(tmp_path: Path) -> None:
    path = write_landscape(tmp_path / "loose.csv", [dsnp(), dsnp(county="Broward")])
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", ',""\r\n', 2)
    path.write_text(text.replace("Broward", "Broward") + "\r\n\r\n", encoding="utf-8")
    landscape, rows = read_all(path)
    assert len(rows) == 2 and not landscape.rejected


def test_dual_eligible_type_with_snp_indicator_no_is_a_bad_row(tmp_path: Path) -> None:
    path = write_landscape(tmp_path / "odd.csv", [dsnp(snp="No")])
    landscape, rows = read_all(path)
    assert rows == []
    assert landscape.rejected[0].message == (
        "SNP Type is Dual-Eligible but the SNP Indicator is not Yes"
    )


@pytest.mark.parametrize(
    ("fields", "premium", "with_extra_help"),
    [
        # CMS's own figure (Note 14) for the Part D part, plus the Part C premium
        (
            {"part_c": "$16.00", "premium": "$46.80", "low_income_premium": "$20.80"},
            "46.80",
            "36.80",
        ),
        ({"part_c": "$0.00", "premium": "$38.40", "low_income_premium": "$0.00"}, "38.40", "0.00"),
        # CMS's figure blank: Part D total − the subsidy CMS pays for this plan
        (
            {
                "part_c": "$16.00",
                "part_d_total": "$30.80",
                "lips_cms_pays": "$10.00",
                "low_income_premium": "",
                "premium": "$46.80",
            },
            "46.80",
            "36.80",
        ),
        # … never below zero
        (
            {"part_d_total": "$20.00", "lips_cms_pays": "$38.40", "low_income_premium": "N/A"},
            "38.40",
            "0.00",
        ),
        # Nothing known about the subsidy (Puerto Rico has no Extra Help): no price shown
        (
            {"lips_cms_pays": "Not Applicable", "low_income_premium": "Not Applicable"},
            "38.40",
            None,
        ),
        ({"part_c": "Not Applicable", "premium": "Not Applicable"}, None, None),
    ],
)
def test_premium_and_extra_help_premium(
    tmp_path: Path, fields: dict[str, str], premium: str | None, with_extra_help: str | None
) -> None:
    _, rows = read_all(write_landscape(tmp_path / "premium.csv", [dsnp(**fields)]))
    assert rows[0].premium == (Decimal(premium) if premium else None)
    assert rows[0].premium_with_extra_help == (
        Decimal(with_extra_help) if with_extra_help else None
    )


def test_extra_help_never_subtracts_the_regional_benchmark(tmp_path: Path) -> None:
    # Basic $10 under a $38.44 benchmark, supplemental $20.80: the subsidy covers only the
    # $10 basic premium (CMS pays $10.00), so a full-Extra-Help member pays $20.80, not $0.
    row = dsnp(
        part_d_basic="$10.00",
        part_d_supplemental="$20.80",
        part_d_total="$30.80",
        lips="$38.44",
        lips_cms_pays="$10.00",
        low_income_premium="",
    )
    _, rows = read_all(write_landscape(tmp_path / "benchmark.csv", [row]))
    assert rows[0].premium_with_extra_help == Decimal("20.80")


# --- Applying to the catalog ------------------------------------------------------


def test_first_import_of_the_small_file(geography: None) -> None:
    report = run(SMALL)
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (26, 22)
    assert report.states == {"FL", "PR", "VA", "CT", "AK", "LA", "NM"}
    assert report.plan_years == {2026}
    # 8 plans, 7 organizations, 7 parents, 7 contract ratings, 7 contracts
    assert (report.added, report.changed, report.unpublished) == (36, 0, 0)
    assert "Made 36 changes: 36 added, 0 changed, 0 unpublished (0 unchanged)." in report.text()
    assert report.notes["Changes by kind"] == [
        "plans: 8 added, 0 changed, 0 unchanged",
        "organizations: 7 added, 0 changed, 0 unchanged",
        "parent organizations: 7 added, 0 changed, 0 unchanged",
        "star ratings: 7 added, 0 changed, 0 unchanged",
        "contracts: 7 added, 0 changed, 0 unchanged",
        "service-area counties: 22 added, 0 removed",
    ]
    assert "County names not matched (those service-area rows were skipped)" not in report.notes

    hide = plan("H1001-001-000")
    assert hide.kind == PlanKind.DSNP and hide.name == "Sunrise Dual Complete (HMO D-SNP)"
    assert (hide.integration_level, hide.is_aip, hide.zero_dollar_cost_sharing) == (
        "HIDE",
        True,
        True,
    )
    assert (hide.premium, hide.premium_with_extra_help, hide.max_out_of_pocket) == (
        Decimal("38.40"),
        Decimal("0.00"),
        Decimal("9250.00"),
    )
    assert hide.status == PublicationStatus.PUBLISHED and not hide.sanctioned
    assert hide.source == "CMS MA Landscape landscape_cy2026_small.csv"
    assert hide.last_reviewed == timezone.localdate()
    assert hide.last_import == report.run
    assert hide.organization.legal_name == "SUNRISE HEALTH PLAN OF FLORIDA, INC."
    assert hide.organization.marketing_name == "Sunrise Health"
    assert hide.organization.parent.name == "Sunrise Health Group, Inc."
    assert counties_of("H1001-001-000") == {"12086", "12011", "12111", "12027"}

    choice = plan("H1001-002-000")
    assert choice.integration_level == "CO" and not choice.zero_dollar_cost_sharing
    assert (choice.premium, choice.premium_with_extra_help) == (Decimal("46.80"), Decimal("36.80"))
    assert choice.organization == hide.organization
    # The Landscape records the contracts it sees, without the directory's facts.
    sunrise_contract = Contract.objects.get(contract_id="H1001")
    assert sunrise_contract.organization == hide.organization
    assert sunrise_contract.marketing_name == "Sunrise Health"
    assert sunrise_contract.organization_type == "" and not sunrise_contract.listed_in_directory
    assert sunrise_contract.source == "CMS MA Landscape landscape_cy2026_small.csv"
    assert sunrise_contract.last_import == report.run

    assert plan("H2002-003-000").integration_level == "FIDE"
    assert plan("H2002-003-000").premium_with_extra_help is None  # no Extra Help in PR
    assert counties_of("H2002-003-000") == {"72097", "72011", "72125", "72119"}
    assert plan("H3003-001-000").sanctioned
    assert counties_of("H3003-001-000") == {"51059", "51600", "51760", "51019"}
    assert counties_of("H4004-001-000") == {"09001", "09110"}
    assert counties_of("H5005-001-000") == {"02020", "02158", "02110"}
    assert counties_of("H6006-001-000") == {"22059", "22095", "22071"}
    assert counties_of("H7007-001-000") == {"35013"}
    # The other plan types of the file (MA-PD, PDP, C-SNP, I-SNP) are not in the catalog.
    assert Plan.objects.count() == 8

    sunrise = ContractRating.objects.get(contract_id="H1001", star_year=2026)
    assert (sunrise.part_c, sunrise.part_d, sunrise.overall) == (
        Decimal("4.0"),
        Decimal("3.5"),
        Decimal("4.0"),
    )
    isla = ContractRating.objects.get(contract_id="H2002", star_year=2026)
    assert (isla.part_c, isla.part_d, isla.overall) == (None, None, None)
    assert (isla.part_c_text, isla.part_d_text, isla.overall_text) == (
        "Plan too new to be measured",
        "Not enough data available",
        "Too new to be measured",
    )
    assert isla.source == "CMS MA Landscape landscape_cy2026_small.csv"

    record = ImportRun.objects.get()
    assert record.kind == "landscape" and record.outcome == ImportRun.Outcome.APPLIED
    assert (record.added, record.changed, record.unpublished, record.rejected) == (36, 0, 0, 0)
    assert record.states == ["AK", "CT", "FL", "LA", "NM", "PR", "VA"]
    assert record.plan_years == [2026]


def test_reimporting_the_same_file_makes_no_changes(geography: None) -> None:
    run(SMALL)
    before = catalog_snapshot()
    report = run(SMALL)
    assert report.changes == 0 and report.unchanged == 36
    assert "Made 0 changes (36 unchanged)." in report.text()
    assert catalog_snapshot() == before
    # The plans still point at the run that last changed them.
    assert plan("H1001-001-000").last_import == ImportRun.objects.order_by("pk").first()


def test_dry_run_reports_the_same_and_changes_nothing(geography: None) -> None:
    report = run(SMALL, dry_run=True)
    assert (report.added, report.changed, report.unpublished) == (36, 0, 0)
    assert "Would make 36 changes" in report.text()
    assert "Dry run: nothing was changed." in report.text()
    assert not Plan.objects.exists() and not Organization.objects.exists()
    assert not Contract.objects.exists()
    assert not ContractRating.objects.exists() and not ParentOrganization.objects.exists()
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.DRY_RUN
    real = run(SMALL)
    assert (real.added, real.changed, real.unpublished) == (36, 0, 0)


def test_a_rejected_row_changes_nothing(geography: None) -> None:
    run(SMALL)
    before = catalog_snapshot()
    report = run(FILES / "landscape_bad_rows.csv")
    assert [error.row for error in report.rejected] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    text = report.text()
    assert "REJECTED: 10 bad rows, so nothing was changed." in text
    assert "row 6: Monthly Consolidated Premium: 'twelve dollars' is not an amount" in text
    assert catalog_snapshot() == before
    assert ImportRun.objects.order_by("-pk").first().outcome == ImportRun.Outcome.REJECTED


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("landscape_missing_columns.csv", "needed column(s) are missing: Plan ID; Part C Premium."),
        ("landscape.xlsx", "This is an Excel workbook"),
        ("landscape_utf16.csv", "This file is UTF-16 text"),
    ],
)
def test_an_unreadable_file_is_rejected_whole(geography: None, name: str, message: str) -> None:
    report = run(FILES / name)
    assert len(report.rejected) == 1 and report.rejected[0].row == 1
    assert message in report.rejected[0].message
    assert not Plan.objects.exists()


def test_windows_1252_file_is_imported_and_noted(geography: None) -> None:
    report = run(FILES / "landscape_windows_1252.csv")
    assert not report.rejected
    assert counties_of("H7007-001-000") == {"35013"}
    assert counties_of("H2002-003-000") == {"72097", "72011"}
    assert report.notes["Encoding"] == ["3 lines were not UTF-8 and were read as Windows-1252."]


def test_an_integration_code_outside_the_list_refuses_the_file(geography: None) -> None:
    # Before, a D-SNP row with an unknown code left its plan out and was only reported;
    # a value outside CMS's list now means a broken file (docs/decisions.md).
    kept = existing_plan("H8001-001-000", "12086", integration_level="CO")
    report = run(FILES / "landscape_unknown_codes.csv")
    assert [(error.row, error.message) for error in report.rejected] == [
        (
            4,
            'Dual Eligible SNP (D-SNP) Integration Status is "Not Applicable"; expected '
            "one of: CO, CO-P, HIDE, FIDE",
        )
    ]
    assert set(Plan.objects.values_list("contract_id", flat=True)) == {"H8001"}
    kept.refresh_from_db()
    assert kept.status == PublicationStatus.PUBLISHED and kept.integration_level == "CO"


def test_co_p_is_coordination_only(geography: None, tmp_path: Path) -> None:
    kept = existing_plan("H8001-001-000", "12086", integration_level="HIDE")
    path = write_landscape(
        tmp_path / "co_p.csv",
        [
            dsnp(contract="H8001", level="CO-P"),
            dsnp(contract="H8001", level="CO-P", county="Broward"),
            dsnp(contract="H8002", level="co-p"),
        ],
    )
    report = run(path)
    assert not report.rejected, report.text()
    assert Plan.objects.get(contract_id="H8002").integration_level == "CO"
    # A plan already in the catalog keeps its level, as for every code.
    kept.refresh_from_db()
    assert kept.integration_level == "HIDE" and counties_of("H8001-001-000") == {
        "12086",
        "12011",
    }


def test_county_names_not_matched_are_reported_and_skipped(geography: None, tmp_path: Path) -> None:
    path = write_landscape(
        tmp_path / "alaska.csv",
        [
            dsnp(state="AK", county="Anchorage"),
            dsnp(state="AK", county="Valdez-Cordova"),
            dsnp(state="AK", county="Valdez-Cordova", contract="H1002"),
            dsnp(state="VA", county="Bedford City"),
            dsnp(state="FL", county="Atlantis"),
        ],
    )
    report = run(path)
    assert not report.rejected
    assert report.notes["County names not matched (those service-area rows were skipped)"] == [
        "AK 'Valdez-Cordova': 2 rows (Valdez-Cordova Census Area was split in 2019 into "
        "Chugach (02063) and Copper River (02066): the file must name one of them)",
        "FL 'Atlantis': 1 row (no county of FL has this name)",
        "VA 'Bedford City': 1 row (Bedford city became part of Bedford County (51019) in "
        "2013: the file should name Bedford)",
    ]
    assert counties_of("H1001-001-000") == {"02020"}
    assert counties_of("H1002-001-000") == set()  # in the catalog, with no county yet
    assert "County names not matched" in report.text()


def test_absent_plans_are_unpublished_only_within_the_covered_states_and_years(
    geography: None, tmp_path: Path
) -> None:
    gone = existing_plan("H9001-001-000", "12086")
    draft = existing_plan("H9002-001-000", "12086", status=PublicationStatus.DRAFT)
    georgia = existing_plan("H9003-001-000", "13121")
    last_year = existing_plan("H9004-001-000", "12086", year=2025)
    two_states = existing_plan("H9005-001-000", "12086", "12011", "13121")
    pace = existing_plan(
        "H9006-001-000", "12086", kind=PlanKind.PACE, integration_level="", age_min=55
    )
    no_county = existing_plan("H9007-001-000")
    path = write_landscape(tmp_path / "florida.csv", [dsnp(county="Broward")])

    report = run(path)
    assert report.states == {"FL"} and report.plan_years == {2026}
    assert (report.unpublished, report.changed) == (1, 1)
    assert report.notes["Plans unpublished (in the catalog, not in this file)"] == [
        f"H9001-001 {gone.name} (2026)"
    ]
    statuses = dict(Plan.objects.values_list("contract_id", "status"))
    assert statuses["H9001"] == PublicationStatus.DRAFT
    assert statuses["H9002"] == PublicationStatus.DRAFT  # was already, not counted
    for other_plan in (georgia, last_year, two_states, pace, no_county):
        assert statuses[other_plan.contract_id] == PublicationStatus.PUBLISHED
    # Never deleted: the unpublished plan keeps its county, ready to come back.
    assert counties_of("H9001-001-000") == {"12086"}
    assert counties_of("H9003-001-000") == {"13121"}
    assert counties_of("H9004-001-000", 2025) == {"12086"}
    # Serves Georgia too: only its Florida counties go, and it stays published.
    assert counties_of("H9005-001-000") == {"13121"}
    assert plan("H9001-001-000").last_import == report.run
    assert draft.pk and pace.pk


def test_states_limit_what_is_imported_and_judged(geography: None, tmp_path: Path) -> None:
    florida = existing_plan("H9001-001-000", "12086")
    georgia = existing_plan("H9003-001-000", "13121")
    path = write_landscape(
        tmp_path / "two_states.csv",
        [dsnp(county="Broward"), dsnp(state="GA", county="Cobb", contract="H1002")],
    )
    report = run(path, states={"GA"})
    assert report.states == {"GA"} and report.rows_kept == 1
    assert report.notes["D-SNP rows of states outside --states (skipped)"] == ["FL: 1 rows"]
    assert not Plan.objects.filter(contract_id="H1001").exists()
    assert counties_of("H1002-001-000") == {"13067"}
    florida.refresh_from_db()
    georgia.refresh_from_db()
    assert florida.status == PublicationStatus.PUBLISHED
    assert georgia.status == PublicationStatus.DRAFT


def test_service_area_follows_the_file_in_the_covered_states(
    geography: None, tmp_path: Path
) -> None:
    existing_plan("H1001-001-000", "12086", "12011", "13121")
    path = write_landscape(
        tmp_path / "moved.csv", [dsnp(county="Miami-Dade"), dsnp(county="Palm Beach")]
    )
    report = run(path)
    # Broward left, Palm Beach came, the Georgia county (not covered) stays.
    assert counties_of("H1001-001-000") == {"12086", "12099", "13121"}
    assert report.notes["Changes by kind"][0] == "plans: 0 added, 1 changed, 0 unchanged"
    assert report.notes["Changes by kind"][-1] == "service-area counties: 1 added, 1 removed"
    assert plan("H1001-001-000").last_import == report.run


def test_a_county_whose_name_did_not_match_is_not_dropped(geography: None, tmp_path: Path) -> None:
    existing_plan("H1001-001-000", "02063", "02290")  # Chugach, Yukon-Koyukuk
    path = write_landscape(
        tmp_path / "valdez.csv",
        [dsnp(state="AK", county="Anchorage"), dsnp(state="AK", county="Valdez-Cordova")],
    )
    report = run(path)
    assert counties_of("H1001-001-000") == {"02020", "02063", "02290"}
    assert report.notes[
        "Counties kept although the file does not list them (a county name of the plan in "
        "that state was not matched)"
    ] == ["H1001-001-000: 02063, 02290"]


def test_an_unpublished_plan_back_in_the_file_is_published_again(
    geography: None, tmp_path: Path
) -> None:
    path = write_landscape(tmp_path / "back.csv", [dsnp()])
    run(path)
    Plan.objects.update(status=PublicationStatus.DRAFT)
    report = run(path)
    assert report.notes["Changes by kind"][0] == "plans: 0 added, 1 changed, 0 unchanged"
    assert plan("H1001-001-000").status == PublicationStatus.PUBLISHED


def test_fields_admins_maintain_survive_a_reimport(geography: None, tmp_path: Path) -> None:
    run(write_landscape(tmp_path / "first.csv", [dsnp(), dsnp(county="Broward")]))
    medicaid_plan = MedicaidPlanFactory(state_id="FL")
    imported = plan("H1001-001-000")
    imported.aligned_medicaid_plan = medicaid_plan
    imported.set_dual_categories(["qmb_plus", "fbde"])
    imported.exclusively_aligned = True
    imported.age_min, imported.age_max, imported.age_limits_at_enrollment = 21, 64, False
    imported.covers_ltss = imported.covers_behavioral_health = True
    imported.carve_outs = "Dental is carved out (state policy)."
    imported.provider_directory_url = "https://example.org/providers"
    imported.summary_of_benefits_url = "https://example.org/sb.pdf"
    imported.phone, imported.tty = "1-800-555-0100", "711"
    imported.phone_hours = "8 a.m. to 8 p.m., every day"
    imported.full_clean()
    imported.save()
    area = imported.service_areas.get(county_id="12086")
    area.zip_codes = ["33125"]
    area.save()
    SupplementalBenefit.objects.create(
        plan=imported, kind="dental", description="Cleanings", source="EOC"
    )
    organization = imported.organization
    organization.phone, organization.website = "1-800-555-0199", "https://sunrise.example"
    organization.save()

    report = run(
        write_landscape(
            tmp_path / "second.csv",
            [dsnp(premium="$12.00"), dsnp(county="Broward", premium="$12.00")],
        )
    )
    assert report.notes["Changes by kind"][0] == "plans: 0 added, 1 changed, 0 unchanged"
    after = plan("H1001-001-000")
    assert after.premium == Decimal("12.00")
    assert after.aligned_medicaid_plan == medicaid_plan
    assert after.own_dual_categories() == {"qmb_plus", "fbde"}
    assert not after.dual_categories_from_state and after.exclusively_aligned
    assert (after.age_min, after.age_max, after.age_limits_at_enrollment) == (21, 64, False)
    assert after.covers_ltss and after.covers_behavioral_health
    assert after.carve_outs == "Dental is carved out (state policy)."
    assert after.provider_directory_url == "https://example.org/providers"
    assert after.summary_of_benefits_url == "https://example.org/sb.pdf"
    assert (after.phone, after.tty, after.phone_hours) == (
        "1-800-555-0100",
        "711",
        "8 a.m. to 8 p.m., every day",
    )
    assert after.service_areas.get(county_id="12086").zip_codes == ["33125"]
    assert after.supplemental_benefits.count() == 1
    after.organization.refresh_from_db()
    assert after.organization.phone == "1-800-555-0199"
    assert after.organization.website == "https://sunrise.example"


def test_organization_blanks_in_the_file_never_erase(geography: None, tmp_path: Path) -> None:
    sponsor = OrganizationFactory(
        legal_name="SUNRISE HEALTH PLAN OF FLORIDA, INC.", marketing_name="Sunrise"
    )
    report = run(write_landscape(tmp_path / "blank.csv", [dsnp(marketing_name="", parent="")]))
    sponsor.refresh_from_db()
    assert sponsor.marketing_name == "Sunrise" and sponsor.parent is not None
    assert report.notes["Changes by kind"][1] == "organizations: 0 added, 0 changed, 1 unchanged"


def test_rows_of_one_plan_that_disagree_leave_it_out(geography: None, tmp_path: Path) -> None:
    path = write_landscape(
        tmp_path / "disagree.csv",
        [dsnp(), dsnp(county="Broward", premium="$99.00"), dsnp(contract="H1002")],
    )
    report = run(path)
    assert report.notes[
        "Rows of one plan disagree (plans left out; the catalog keeps what it had)"
    ] == ["H1001-001-000: premium: 38.40 (row 2) vs 99.00 (row 3)"]
    assert list(Plan.objects.values_list("contract_id", flat=True)) == ["H1002"]


def test_an_id_the_catalog_holds_as_pace_is_not_overwritten(
    geography: None, tmp_path: Path
) -> None:
    existing_plan("H1001-001-000", "12086", kind=PlanKind.PACE, integration_level="", age_min=55)
    report = run(write_landscape(tmp_path / "pace.csv", [dsnp()]))
    assert report.notes[
        "Rows of one plan disagree (plans left out; the catalog keeps what it had)"
    ] == [
        "H1001-001-000: the catalog has this ID as a "
        "PACE (Program of All-Inclusive Care for the Elderly)"
    ]
    assert plan("H1001-001-000").kind == PlanKind.PACE


def test_extra_help_figure_that_differs_from_the_computed_one_is_noted(
    geography: None, tmp_path: Path
) -> None:
    # A de minimis plan: $2 above the benchmark, waived for Extra Help members.
    row = dsnp(part_d_total="$40.40", lips_cms_pays="$38.40", low_income_premium="$0.00")
    report = run(write_landscape(tmp_path / "deminimis.csv", [row]))
    assert plan("H1001-001-000").premium_with_extra_help == Decimal("0.00")
    assert list(report.notes.values())[0] == ["H1001-001-000: CMS $0.00, computed $2.00 (row 2)"]


def test_star_ratings_blank_in_the_file_leave_existing_ratings(
    geography: None, tmp_path: Path
) -> None:
    ContractRating.objects.create(
        contract_id="H1001",
        star_year=2026,
        overall=Decimal("4.5"),
        part_c=Decimal("4.0"),
        part_d=Decimal("3.0"),
        source="CMS Star Ratings 2026",
    )
    # A September file: CMS adds the ratings in November.
    report = run(write_landscape(tmp_path / "sept.csv", [dsnp(stars="", stars_c="", stars_d="")]))
    rating = ContractRating.objects.get()
    assert (rating.overall, rating.part_c, rating.part_d) == (
        Decimal("4.5"),
        Decimal("4.0"),
        Decimal("3.0"),
    )
    assert rating.source == "CMS Star Ratings 2026"
    assert report.notes["Changes by kind"][3] == "star ratings: 0 added, 0 changed, 0 unchanged"
    # One blank cell keeps its old value; the others take the file's.
    run(
        write_landscape(
            tmp_path / "nov.csv", [dsnp(stars="Plan too new to be measured", stars_c="")]
        )
    )
    rating.refresh_from_db()
    assert (rating.overall, rating.overall_text) == (None, "Plan too new to be measured")
    assert (rating.part_c, rating.part_d) == (Decimal("4.0"), Decimal("3.5"))


def test_star_ratings_that_disagree_within_a_contract(geography: None, tmp_path: Path) -> None:
    path = write_landscape(
        tmp_path / "stars.csv", [dsnp(stars="4.0"), dsnp(plan="002", stars="3.0")]
    )
    report = run(path)
    assert not ContractRating.objects.exists()
    assert report.notes[
        "Star ratings differ between rows of one contract (ratings left unchanged)"
    ] == ["H1001 2026: 4.0 / 3.5 / 4.0 (row 2) vs 4.0 / 3.5 / 3.0 (row 3)"]


def test_real_data_refuses_to_mix_with_the_demo_catalog(
    demo_catalog: None, geography: None
) -> None:
    samples = Plan.objects.filter(is_sample=True).count()
    with pytest.raises(ImportRefused, match="--remove-demo"):
        run(SMALL)
    assert Plan.objects.filter(is_sample=True).count() == samples
    # A dry run says what would happen once the demo is gone, and keeps the demo.
    dry = run(SMALL, dry_run=True)
    assert dry.added == 36 and "Sample catalog" in dry.notes
    assert Plan.objects.filter(is_sample=True).count() == samples
    report = run(SMALL, remove_demo=True)
    assert not report.rejected and report.added == 36
    assert not Plan.objects.filter(is_sample=True).exists()
    assert Plan.objects.count() == 8


def test_no_geography_refuses_to_start(db: None) -> None:
    with pytest.raises(ImportRefused, match="load_geography"):
        run(SMALL)


def landscape_of(path: Path, plans: int, counties: list[str], premium: str) -> Path:
    rows = [
        dsnp(
            contract=f"H{2000 + n:04d}",
            contract_name=f"SPONSOR {n}, INC.",
            parent=f"Parent {n % 3}",
            county=county,
            premium=premium,
        )
        for n in range(plans)
        for county in counties
    ]
    return write_landscape(path, rows)


def test_queries_do_not_grow_with_the_rows(geography: None, tmp_path: Path) -> None:
    florida = list(
        County.objects.filter(state_id="FL").order_by("fips").values_list("name", flat=True)
    )
    counts = {}
    for plans in (2, 20):
        Plan.objects.all().delete()
        first = landscape_of(tmp_path / f"first{plans}.csv", plans, florida[:10], "$38.40")
        # Second file: every plan changes premium and trades a county for another.
        second = landscape_of(tmp_path / f"second{plans}.csv", plans, florida[1:11], "$40.00")
        with CaptureQueriesContext(connection) as loading:
            report = run(first)
        assert report.rows_kept == plans * 10 and report.added >= plans
        with CaptureQueriesContext(connection) as updating:
            report = run(second)
        assert report.notes["Changes by kind"][0] == f"plans: 0 added, {plans} changed, 0 unchanged"
        counts[plans] = (len(loading), len(updating))
    assert counts[2] == counts[20], counts


def test_command(geography: None, tmp_path: Path) -> None:
    out = StringIO()
    call_command("import_landscape", str(SMALL), "--states", "fl, va", "--dry-run", stdout=out)
    assert "States: FL, VA." in out.getvalue() and "Would make" in out.getvalue()
    assert not Plan.objects.exists()
    call_command("import_landscape", str(SMALL), "--states", "FL", stdout=out)
    assert set(Plan.objects.values_list("contract_id", flat=True)) == {"H1001"}
    with pytest.raises(CommandError, match="Unknown or not loaded states in --states: ZZ"):
        call_command("import_landscape", str(SMALL), "--states", "FL,ZZ")
    with pytest.raises(CommandError, match="--states needs USPS codes"):
        call_command("import_landscape", str(SMALL), "--states", "Florida")
    with pytest.raises(CommandError, match="Import rejected: 10 bad rows"):
        call_command("import_landscape", str(FILES / "landscape_bad_rows.csv"), stdout=out)


def test_a_plan_in_two_years_files_is_two_plans(geography: None, tmp_path: Path) -> None:
    run(write_landscape(tmp_path / "2026.csv", [dsnp()]))
    report = run(write_landscape(tmp_path / "2027.csv", [dsnp(year="2027")]))
    # The 2027 file judges 2027 only: the 2026 plan stays published.
    assert report.plan_years == {2027} and report.unpublished == 0
    assert plan("H1001-001-000", 2026).status == PublicationStatus.PUBLISHED
    assert plan("H1001-001-000", 2027).status == PublicationStatus.PUBLISHED
    assert datetime.date.today().year > 2000  # the dates are the import's, not fixed


def test_the_integration_level_of_an_existing_plan_is_reported_not_flipped(
    geography: None, tmp_path: Path
) -> None:
    path = write_landscape(tmp_path / "level.csv", [dsnp(level="HIDE")])
    run(path)
    # The integrated D-SNP list (CMS's later classification) said FIDE.
    Plan.objects.update(integration_level="FIDE")
    report = run(path)
    assert report.changes == 0
    assert plan("H1001-001-000").integration_level == "FIDE"
    assert report.notes[
        "Integration level differs from the catalog's (kept: set by the integrated D-SNP "
        "list import or a reviewer)"
    ] == ["H1001-001-000: catalog FIDE, this file HIDE (row 2)"]


def test_benchmark_file_is_a_clean_landscape(geography: None, tmp_path: Path) -> None:
    from plans.imports.counties import CountyMatcher
    from plans.management.commands.bench_landscape_import import Generator

    generator = Generator(seed=7, year=2027, rows=3000, dsnp_plans=30, dsnp_rows=600)
    rows, dsnp_rows, plans = generator.write(tmp_path / "bench.csv")
    landscape, read = read_all(tmp_path / "bench.csv")
    assert not landscape.rejected
    assert landscape.rows_read == rows and len(read) == dsnp_rows and 500 < dsnp_rows < 700
    assert len({row.plan_key for row in read}) == plans == 30
    matcher = CountyMatcher.from_database()
    assert all(matcher.fips(row.state, row.county_name) for row in read)


def test_benchmark_needs_the_national_geography(geography: None) -> None:
    with pytest.raises(CommandError, match="run `manage.py load_geography` first"):
        call_command("bench_landscape_import", stdout=StringIO())


def test_rows_of_states_the_geography_lacks_are_counted_not_imported(
    geography: None, tmp_path: Path
) -> None:
    path = write_landscape(
        tmp_path / "texas.csv",
        [dsnp(), dsnp(state="TX", county="Harris", contract="H1002")] * 2,
    )
    report = run(path)
    assert report.states == {"FL"} and report.rows_kept == 2
    assert report.notes[
        "D-SNP rows of states not in the loaded geography (skipped: run manage.py load_geography)"
    ] == ["TX: 2 rows"]
    assert list(Plan.objects.values_list("contract_id", flat=True)) == ["H1001"]


def test_organization_names_that_differ_are_noted_once(geography: None, tmp_path: Path) -> None:
    path = write_landscape(
        tmp_path / "names.csv",
        [
            dsnp(),
            *(dsnp(plan="002", county=c, marketing_name="Sunrise") for c in ("Broward", "Lee")),
        ],
    )
    report = run(path)
    assert report.notes["Organization names differ between rows (the first is used)"] == [
        "SUNRISE HEALTH PLAN OF FLORIDA, INC.: 'Sunrise Health' / 'Sunrise Health Group, Inc.' "
        "(row 2) vs 'Sunrise' / 'Sunrise Health Group, Inc.' (row 3)"
    ]
    assert Organization.objects.get().marketing_name == "Sunrise Health"


# --- With the MA Contract Directory -----------------------------------------------
# The directory owns the contracts it lists and the organizations holding them; the
# Landscape finds a plan's organization through its contract, then by legal name with
# case and spacing ignored, and never undoes what the directory wrote.

DIRECTORY_ROW = {
    "Legal Entity Name": "Sunrise Health Plan of Florida, Inc.",
    "Organization\nMarketing Name": "Sunrise Medicare",
    "Contract\nNumber": "H1001",
    "Organization\nType": "Local CCP",
    "Plan Type": "HMO/HMOPOS",
    "Parent\nOrganization": "Sunrise Health Group, Inc.",
    "Enrollment": "1200",
    "Directory\nContact\nPhone": "1-800-555-0170",
    "Directory\nContact\nPhone\nExt": "",
}


def run_directory(tmp_path: Path, *rows: dict[str, str]) -> ImportReport:
    path = write_directory_csv(tmp_path, [[row[column] for column in HEADER] for row in rows])
    return run_import(
        kind=ImportRun.Kind.CONTRACT_DIRECTORY,
        path=path,
        apply=lambda report: apply_contract_directory(report, path),
        dry_run=False,
    )


def directory_row(**fields: str) -> dict[str, str]:
    row = dict(DIRECTORY_ROW)
    for name, value in fields.items():
        column = next(c for c in HEADER if " ".join(c.split()) == name)
        row[column] = value
    return row


def test_directory_then_landscape_makes_no_duplicate_for_a_case_different_name(
    geography: None, tmp_path: Path
) -> None:
    # The directory lists H1002 of the entity; the Landscape's H1001 is not listed yet, and
    # the Landscape writes the entity's name in capitals with a double space.
    run_directory(tmp_path, directory_row(**{"Contract Number": "H1002"}))
    sponsor = Organization.objects.get()
    path = write_landscape(
        tmp_path / "landscape.csv",
        [dsnp(contract_name="SUNRISE HEALTH PLAN OF  FLORIDA, INC.", parent="Sunrise Group")],
    )
    report = run(path)
    assert not report.rejected, report.text()
    assert Organization.objects.get() == sponsor  # found by legal name, folded
    assert plan("H1001-001-000").organization == sponsor
    sponsor.refresh_from_db()
    # The directory's organization is not the Landscape's to change.
    assert sponsor.legal_name == "Sunrise Health Plan of Florida, Inc."
    assert sponsor.marketing_name == "Sunrise Medicare"
    assert sponsor.parent.name == "Sunrise Health Group, Inc."
    assert sponsor.source == "CMS MA Contract Directory"
    assert not ParentOrganization.objects.filter(name="Sunrise Group").exists()
    # The Landscape records H1001 for its organization, without the directory's facts.
    new = Contract.objects.get(contract_id="H1001")
    assert new.organization == sponsor and not new.listed_in_directory
    assert report.notes["Changes by kind"][1] == "organizations: 0 added, 0 changed, 1 unchanged"
    assert run(path).changes == 0


def test_landscape_finds_the_organization_through_the_directory_contract(
    geography: None, tmp_path: Path
) -> None:
    # CMS names the contract's holder differently in the two files: the directory wins.
    run_directory(tmp_path, directory_row(**{"Legal Entity Name": "Sunrise Holdings, LLC"}))
    holder = Organization.objects.get()
    path = write_landscape(tmp_path / "landscape.csv", [dsnp()])
    report = run(path)
    assert plan("H1001-001-000").organization == holder
    assert Organization.objects.count() == 1
    assert report.notes[NOTE_DIRECTORY_HOLDER] == [
        "H1001: this file 'SUNRISE HEALTH PLAN OF FLORIDA, INC.' (row 2), the directory "
        "'Sunrise Holdings, LLC'"
    ]
    contract = Contract.objects.get()
    assert (contract.organization_type, contract.marketing_name) == (
        "Local CCP",
        "Sunrise Medicare",
    )
    assert run(path).changes == 0


def test_landscape_then_directory_do_not_flip_values(geography: None, tmp_path: Path) -> None:
    landscape = write_landscape(tmp_path / "landscape.csv", [dsnp()])
    run(landscape)
    sponsor = Organization.objects.get()
    assert sponsor.marketing_name == "Sunrise Health"

    # The directory spells the entity in mixed case and has its own marketing name.
    first = run_directory(tmp_path, DIRECTORY_ROW)
    assert not first.rejected, first.text()
    assert Organization.objects.get() == sponsor  # the spelling the catalog had is kept
    # The organization and its contract (now listed: CMS's facts); the parent is found.
    assert (first.added, first.changed) == (0, 2)
    sponsor.refresh_from_db()
    assert sponsor.legal_name == "SUNRISE HEALTH PLAN OF FLORIDA, INC."
    assert sponsor.marketing_name == "Sunrise Medicare"
    assert sponsor.phone == "1-800-555-0170"
    contract = Contract.objects.get()
    assert contract.listed_in_directory and contract.organization == sponsor
    assert contract.marketing_name == "Sunrise Medicare" and contract.enrollment == 1200

    snapshot = catalog_snapshot()
    again = run(landscape)
    assert again.changes == 0, again.text()
    assert catalog_snapshot() == snapshot
    assert run_directory(tmp_path, DIRECTORY_ROW).changes == 0
    assert run(landscape).changes == 0
    assert catalog_snapshot() == snapshot


def test_a_landscape_contract_moves_when_the_file_names_another_entity(
    geography: None, tmp_path: Path
) -> None:
    run(write_landscape(tmp_path / "first.csv", [dsnp()]))
    report = run(
        write_landscape(tmp_path / "second.csv", [dsnp(contract_name="Sunrise Holdings, LLC")])
    )
    moved = Contract.objects.get()
    assert moved.organization.legal_name == "Sunrise Holdings, LLC"
    assert plan("H1001-001-000").organization == moved.organization
    assert report.notes[NOTE_CONTRACT_MOVED] == [
        "H1001: from 'SUNRISE HEALTH PLAN OF FLORIDA, INC.' to 'Sunrise Holdings, LLC' (row 2)"
    ]


def test_landscape_parents_are_found_with_case_and_spacing_ignored(
    geography: None, tmp_path: Path
) -> None:
    existing = ParentOrganization.objects.create(name="Sunrise Health Group, Inc.")
    run(write_landscape(tmp_path / "caps.csv", [dsnp(parent="SUNRISE HEALTH  GROUP, INC.")]))
    assert list(ParentOrganization.objects.all()) == [existing]
    assert Organization.objects.get().parent == existing


def test_a_blank_marketing_name_never_erases_a_contracts(geography: None, tmp_path: Path) -> None:
    run(write_landscape(tmp_path / "first.csv", [dsnp()]))
    report = run(write_landscape(tmp_path / "blank.csv", [dsnp(marketing_name="")]))
    assert Contract.objects.get().marketing_name == "Sunrise Health"
    assert report.changes == 0
