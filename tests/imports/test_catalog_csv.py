"""The catalog CSV: import and export of what CMS does not publish, and their round trip."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from plans.imports.catalog_csv import (
    COLUMNS,
    CREATED_PACE,
    LANDSCAPE_NAMES,
    NEW_PARENTS,
    NOT_IN_FILE,
    NOT_PACE_ORGANIZATION,
    RECORDS,
    REMOVED,
    apply_catalog,
    export_catalog,
    parse_catalog,
)
from plans.imports.common import ImportReport, run_import
from plans.imports.contract_directory import apply_contract_directory
from plans.models import (
    CardTerm,
    Contract,
    ImportRun,
    MedicaidPlan,
    Organization,
    Plan,
    PlanKind,
    ServiceArea,
    StateContact,
    StatePolicy,
)
from tests.factories import CountyFactory, PlanFactory, ServiceAreaFactory, StateFactory

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
EXAMPLE = FILES / "catalog_example.csv"
DIRECTORY = FILES / "contract_directory_small.csv"
DOCS = Path(settings.BASE_DIR) / "docs" / "catalog-format.md"
REVIEW = {"status": "published", "source": "test", "last_reviewed": "2026-09-30"}


def run(path: Path, *, dry_run: bool = False) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.CATALOG,
        path=path,
        apply=lambda report: apply_catalog(report, path),
        dry_run=dry_run,
    )


def write_rows(tmp_path: Path, rows: list[dict[str, Any]], name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def world(db: None) -> Plan:
    """Florida with two counties, the sponsors of the small directory, and one Landscape
    D-SNP (H9902-001) of the Gulf sponsor."""
    florida = StateFactory(code="FL", name="Florida")
    for fips, name in [("12086", "Miami-Dade County"), ("12011", "Broward County")]:
        CountyFactory(fips=fips, name=name, state=florida)
    run_import(
        kind=ImportRun.Kind.CONTRACT_DIRECTORY,
        path=DIRECTORY,
        apply=lambda report: apply_contract_directory(report, DIRECTORY),
        dry_run=False,
    )
    plan = PlanFactory(
        contract_id="H9902",
        pbp="001",
        name="Gulf Test D-SNP",
        organization=Organization.objects.get(legal_name="Gulf Test Health Plan, Inc."),
        integration_level="HIDE",
    )
    ServiceAreaFactory(plan=plan, county_id="12086")
    return plan


def make_demo_real() -> None:
    """The demo's content as real rows: the import refuses sample rows, so a round trip
    of the demo needs its rows to be real ones first."""
    for model in (Plan, MedicaidPlan, StateContact, StatePolicy, Organization):
        model.objects.update(is_sample=False)
    for term in CardTerm.objects.all():
        term.says = term.says.replace(" (sample wording)", "")
        term.save()


def export_text(states: list[str] | None = None) -> str:
    out = io.StringIO()
    export_catalog(out=out, states=states)
    return out.getvalue()


# --- The example file --------------------------------------------------------


def test_the_example_file_imports_every_record_kind(world: Plan) -> None:
    report = run(EXAMPLE)
    assert not report.rejected, report.text()
    assert report.rows_read == report.rows_kept == 11  # one note holds a line break
    assert {row["record"] for row in example_rows()} == set(RECORDS)
    policy = StatePolicy.objects.get(state="FL")
    assert policy.dsnp_default_categories == ["qmb_plus", "slmb_plus", "fbde"]
    assert policy.medicaid_plan_lock_in and "\nA second line." in policy.notes
    contact = StateContact.objects.get(state="FL", kind="ship")
    assert (contact.phone, contact.tty, contact.verified) == ("1-800-555-0110", "711", True)
    assert list(CardTerm.objects.values_list("says", "category")) == [
        ("Full Medicaid", "fbde"),
        ("QMB Plus", "qmb_plus"),
    ]
    medicaid = MedicaidPlan.objects.get(state="FL", code="gulf", plan_year=2026)
    assert medicaid.parent.name == "Gulf Test Holdings"
    assert set(medicaid.service_area.values_list("fips", flat=True)) == {"12011", "12086"}

    world.refresh_from_db()
    assert world.aligned_medicaid_plan == medicaid
    assert world.exclusively_aligned and not world.dual_categories_from_state
    assert world.own_dual_categories() == {"qmb_plus", "slmb_plus", "fbde"}
    assert world.carve_outs.startswith("Dental")
    assert (world.phone, world.tty, world.phone_hours) == (
        "1-800-555-0120",
        "711",
        "8 a.m. to 8 p.m., 7 days a week",
    )
    assert world.integration_level == "HIDE"  # the Landscape's columns are not in the file

    pace = Plan.objects.get(contract_id="H9901")
    assert pace.kind == PlanKind.PACE and pace.pace_waiting_list and pace.age_min == 55
    # Found by contract: the directory import wrote H9901's Contract row.
    assert pace.organization.legal_name == "SUNRISE PACE OF TESTLAND, INC."
    assert dict(pace.service_areas.values_list("county_id", "zip_codes")) == {
        "12011": [],
        "12086": ["33125", "33126"],
    }
    assert report.states == {"FL"} and report.plan_years == {2026}


def test_reimporting_the_example_changes_nothing(world: Plan) -> None:
    run(EXAMPLE)
    again = run(EXAMPLE)
    assert not again.rejected
    assert "Made 0 changes" in again.text()


def test_dry_run_changes_nothing(world: Plan) -> None:
    report = run(EXAMPLE, dry_run=True)
    assert report.added > 0 and "Dry run: nothing was changed." in report.text()
    assert not StatePolicy.objects.exists()
    assert not Plan.objects.filter(kind=PlanKind.PACE).exists()


def test_the_command_refuses_sample_data(demo_catalog: None) -> None:
    with pytest.raises(CommandError, match="--remove-demo"):
        call_command("import_catalog", str(EXAMPLE), stdout=io.StringIO())
    assert StateContact.objects.filter(is_sample=False).count() == 0


# --- Round trip ----------------------------------------------------------------


def test_export_then_import_of_the_demo_made_real_changes_nothing(
    demo_catalog: None, tmp_path: Path
) -> None:
    make_demo_real()
    first = export_text()
    path = tmp_path / "catalog.csv"
    path.write_text(first, encoding="utf-8")
    report = run(path)
    assert not report.rejected, report.text()
    assert report.rows_read == 62 and "Made 0 changes (62 unchanged)." in report.text()
    assert export_text() == first
    # Every record kind of the demo went through the file.
    assert {line.split(",", 1)[0] for line in first.splitlines()[1:]} == set(RECORDS)


def test_editing_one_cell_makes_one_change(demo_catalog: None, tmp_path: Path) -> None:
    make_demo_real()
    text = export_text().replace("1-800-555-0101", "1-800-555-0199")
    path = tmp_path / "catalog.csv"
    path.write_text(text, encoding="utf-8")
    report = run(path)
    assert (report.added, report.changed) == (0, 1)
    assert StateContact.objects.filter(phone="1-800-555-0199").count() == 1


def test_export_leaves_sample_rows_out(demo_catalog: None) -> None:
    out = io.StringIO()
    summary = export_catalog(out=out)
    assert out.getvalue().splitlines() == [",".join(COLUMNS)]
    assert summary.total == 0 and summary.skipped_samples == 46


def test_export_of_some_states(demo_catalog: None) -> None:
    make_demo_real()
    lines = export_text(["PR"]).splitlines()[1:]
    assert lines and all(",PR," in line or line.startswith("plan,") for line in lines)
    plans = [line for line in lines if line.startswith("plan,")]
    assert len(plans) == 2 and all(",H9201," in line for line in plans)  # 2026 and 2027


def test_export_command_writes_a_file_excel_reads(demo_catalog: None, tmp_path: Path) -> None:
    make_demo_real()
    output = tmp_path / "out.csv"
    err = io.StringIO()
    call_command("export_catalog", "--states", "fl,CA", "--output", str(output), stderr=err)
    assert output.read_bytes().startswith(b"\xef\xbb\xbfrecord,")
    assert "Wrote" in err.getvalue()
    assert run(output).changes == 0
    with pytest.raises(CommandError, match="Not states in the catalog: ZZ"):
        call_command("export_catalog", "--states", "ZZ")


# --- Sets: service areas and Medicaid plan counties ----------------------------


def test_service_area_rows_create_a_pace_plan_found_by_contract(
    world: Plan, tmp_path: Path
) -> None:
    key = {"contract_id": "H9905", "pbp": "1", "segment": "0", "plan_year": "2026"}
    path = write_rows(tmp_path, [{"record": "service_area", **key, "county": "12011"}])
    report = run(path)
    assert not report.rejected, report.text()
    plan = Plan.objects.get(contract_id="H9905")
    assert (plan.kind, plan.pbp, plan.segment, plan.status) == ("pace", "001", "000", "draft")
    assert plan.name == "North Star PACE" and plan.age_min == 55
    assert plan.requires_nursing_home_level_of_care
    assert report.notes[CREATED_PACE] == ["H9905-001 (2026): North Star PACE"]


def test_a_pace_plan_is_named_after_its_contract(world: Plan, tmp_path: Path) -> None:
    # One PACE organization, two PACE contracts under two names (like InnovAge's).
    sunrise = Organization.objects.get(legal_name="SUNRISE PACE OF TESTLAND, INC.")
    Contract.objects.create(
        contract_id="H9907",
        organization=sunrise,
        organization_type="National PACE",
        marketing_name="Sunrise PACE West",
    )
    key = {"contract_id": "H9907", "pbp": "001", "segment": "000", "plan_year": "2026"}
    report = run(write_rows(tmp_path, [{"record": "service_area", **key, "county": "12011"}]))
    assert not report.rejected, report.text()
    plan = Plan.objects.get(contract_id="H9907")
    assert (plan.organization, plan.name) == (sunrise, "Sunrise PACE West")


def test_a_pace_organizations_other_contract_makes_no_pace_plan(
    world: Plan, tmp_path: Path
) -> None:
    # Like Fallon and CalOptima: a PACE organization also holds a D-SNP contract.
    sunrise = Organization.objects.get(legal_name="SUNRISE PACE OF TESTLAND, INC.")
    assert sunrise.is_pace
    Contract.objects.create(
        contract_id="H9906", organization=sunrise, organization_type="Local CCP"
    )
    key = {"contract_id": "H9906", "pbp": "001", "segment": "000", "plan_year": "2026"}
    report = run(write_rows(tmp_path, [{"record": "service_area", **key, "county": "12011"}]))
    assert report.rejected
    assert (
        "H9906-001-000 (2026) is not in the catalog and SUNRISE PACE OF TESTLAND, INC. is not a "
        "PACE organization for contract H9906 (the Contract Directory lists it as Local CCP): "
        "D-SNPs come from the CMS Landscape"
    ) in report.text()
    assert not Plan.objects.filter(contract_id="H9906").exists()
    # A plan row may still make it (a reviewer's call), and the report says to check it.
    row = _example(
        "plan",
        contract_id="H9906",
        kind="pace",
        name="Sunrise Extra",
        organization="",
        age_min="55",
    )
    report = run(write_rows(tmp_path, [row]))
    assert not report.rejected, report.text()
    assert Plan.objects.get(contract_id="H9906").organization == sunrise
    assert report.notes[NOT_PACE_ORGANIZATION] == [
        "H9906: SUNRISE PACE OF TESTLAND, INC. is not a PACE organization for contract H9906 "
        "(the Contract Directory lists it as Local CCP)"
    ]


def test_a_service_area_replaces_the_old_one_and_says_what_went(
    world: Plan, tmp_path: Path
) -> None:
    run(EXAMPLE)
    rows = [
        r for r in example_rows() if not (r["record"] == "service_area" and r["county"] == "12011")
    ]
    report = run(write_rows(tmp_path, rows))
    assert report.changed == 1
    assert report.notes[REMOVED] == ["H9901-001 (2026): 12011"]
    assert list(
        ServiceArea.objects.filter(plan__contract_id="H9901").values_list("county_id", flat=True)
    ) == ["12086"]


def test_medicaid_plan_counties_are_replaced(world: Plan, tmp_path: Path) -> None:
    run(EXAMPLE)
    rows = [
        r
        for r in example_rows()
        if not (r["record"] == "medicaid_plan_county" and r["county"] == "12086")
    ]
    report = run(write_rows(tmp_path, rows))
    assert report.changed == 1 and report.notes[REMOVED] == ["Gulf Test Medicaid (FL 2026): 12086"]
    medicaid = MedicaidPlan.objects.get(code="gulf")
    assert list(medicaid.service_area.values_list("fips", flat=True)) == ["12011"]


# --- Notes ---------------------------------------------------------------------


def test_what_the_file_leaves_out_and_landscape_names_are_noted(
    world: Plan, tmp_path: Path
) -> None:
    run(EXAMPLE)
    rows = [r for r in example_rows() if r["record"] != "card_term"]
    for row in rows:
        if row["record"] == "plan" and row["kind"] == "dsnp":
            row["name"] = "Another name"
        if row["record"] == "medicaid_plan":
            row["parent"] = "Brand New Parent"
    report = run(write_rows(tmp_path, rows))
    assert not report.rejected, report.text()
    assert report.notes[NOT_IN_FILE] == ["card_term FL Full Medicaid", "card_term FL QMB Plus"]
    assert report.notes[LANDSCAPE_NAMES] == ["row 7: H9902-001 name 'Another name'"]
    assert report.notes[NEW_PARENTS] == ["Brand New Parent"]
    world.refresh_from_db()
    assert world.name == "Gulf Test D-SNP"
    assert CardTerm.objects.count() == 2  # never deleted by an import


# --- Bad rows --------------------------------------------------------------------


def _example(record: str, **changes: str) -> dict[str, str]:
    row = next(r for r in example_rows() if r["record"] == record)
    if record == "plan":
        # Alone in a file, the plan row cannot name the example's Medicaid plan.
        row = {**row, "state": "", "aligned_medicaid_plan": "", "exclusively_aligned": "no"}
    return {**row, **changes}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"record": "state_law", "state": "FL"}, "column record: 'state_law' is not one of"),
        (_example("state_contact", pbp="001"), "column pbp: not used by state_contact rows"),
        (_example("state_contact", verified="maybe"), "column verified: write yes or no"),
        (_example("state_contact", verified=""), "column verified: write yes or no"),
        (_example("state_contact", phone="555-1234"), "column phone: Enter a US phone number"),
        (_example("state_contact", kind="helpline"), "column kind: Value 'helpline' is not"),
        (_example("state_contact", state="ZZ"), "column state: 'ZZ' is not a state"),
        (_example("state_contact", website="not a url"), "column website: Enter a valid URL"),
        (_example("state_policy", dual_categories="qmb dual"), "column dual_categories:"),
        (_example("state_policy", last_reviewed="30/09/2026"), "column last_reviewed:"),
        (_example("state_policy", status="live"), "column status: write draft, in_review"),
        (_example("card_term", category="rich"), "column category: Value 'rich' is not"),
        (_example("medicaid_plan", code="Not a slug!"), "column code: Enter a valid"),
        (_example("medicaid_plan_county", county="99999"), "column county: 99999 is not a"),
        (_example("plan", contract_id=""), "column contract_id: is blank"),
        (_example("plan", pbp="1234"), "column pbp: '1234' is not 3 digits"),
        (_example("plan", kind="mapd"), "column kind: write dsnp or pace"),
        (_example("plan", dual_categories=""), "column dual_categories: write state"),
        (
            _example("plan", dual_categories="state", exclusively_aligned="yes"),
            "column exclusively_aligned: Exclusively aligned enrollment is only for "
            "full-benefit duals",
        ),
        (
            _example("plan", dual_categories="qmb_plus qmb", exclusively_aligned="yes"),
            "column exclusively_aligned: Exclusively aligned enrollment is only for",
        ),
        (_example("plan", age_min="70", age_max="65"), "column age_max: The maximum age"),
        (_example("plan", age_min="sixty"), "column age_min: 'sixty' is not a whole number"),
        (
            _example("plan", aligned_medicaid_plan="nope", state="FL"),
            "column aligned_medicaid_plan: FL Medicaid plan 'nope' (2026): it is not in the "
            "catalog or in this file",
        ),
        (
            _example("plan", aligned_medicaid_plan="gulf"),
            "column state: name the state of the aligned",
        ),
        (_example("plan", state="FL"), "column state: on plan rows it names the aligned"),
        (
            _example("plan", contract_id="H9990"),
            "H9990-001-000 (2026) is not in the catalog: D-SNPs come from the CMS Landscape",
        ),
        (
            _example("plan", kind="pace"),
            "column kind: the catalog has H9902-001-000 (2026) as dsnp",
        ),
        (_example("plan", pace_waiting_list="yes"), "column pace_waiting_list: Only PACE"),
        (
            _example("plan", contract_id="H9901", kind="pace", age_min="50"),
            "column age_min: PACE enrolls people 55 and older",
        ),
        (
            _example("plan", contract_id="H9901", kind="pace", organization="Nobody, Inc."),
            "column organization: no organization with the legal name 'Nobody, Inc.'",
        ),
        (
            _example("plan", contract_id="H9990", kind="pace", organization="", age_min="55"),
            "column organization: no organization is known for contract H9990",
        ),
        (
            _example("service_area", contract_id="H9902", pbp="001"),
            "service_area rows are for PACE organizations",
        ),
        (
            _example("service_area", contract_id="H9902", pbp="005"),
            "is not in the catalog and Gulf Test Health Plan, Inc. is not a PACE organization",
        ),
        (_example("service_area", zip_codes="3312X"), "column zip_codes: '3312X' is not"),
        (_example("service_area", county="99999"), "column county: 99999 is not a county"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_rejects_the_file(
    world: Plan, tmp_path: Path, row: dict[str, str], message: str
) -> None:
    good = _example("state_contact", name="Another contact")
    report = run(write_rows(tmp_path, [good, row]))
    assert report.rejected, report.text()
    assert any(str(error).startswith("row 3: ") for error in report.rejected), report.text()
    assert message in report.text()
    assert "REJECTED" in report.text()
    assert not StateContact.objects.exists()  # the good row was rolled back


def test_a_repeated_key_is_rejected(world: Plan, tmp_path: Path) -> None:
    row = _example("card_term")
    report = run(write_rows(tmp_path, [row, {**row, "category": "qmb"}]))
    assert [str(e) for e in report.rejected] == [
        "row 3: This card_term row repeats the key of row 2."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"record,state,favourite_colour\n", "unknown columns 'favourite_colour'"),
        (b"state,name\n", "no 'record' column"),
        ("record,state\nstate_policy,FL\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_a_bad_header_or_encoding_is_rejected(
    world: Plan, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(content)
    report = run(path)
    assert len(report.rejected) == 1 and message in str(report.rejected[0])


def test_columns_may_be_left_out_and_reordered(world: Plan, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(
        "state,record,name,kind,verified,status\r\n"
        "FL,state_contact,Example broker,broker,no,draft\r\n",
        encoding="utf-8",
    )
    report = run(path)
    assert not report.rejected, report.text()
    assert StateContact.objects.get().kind == "broker"


# --- The documentation ---------------------------------------------------------


def test_every_example_in_the_format_document_parses(tmp_path: Path) -> None:
    blocks = re.findall(r"```csv\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= len(RECORDS)
    seen = set()
    for number, block in enumerate(blocks):
        path = tmp_path / f"example-{number}.csv"
        path.write_text(block, encoding="utf-8")
        parsed = parse_catalog(path)
        assert not parsed.rejected, (block, parsed.rejected)
        seen.update(row.record for row in parsed.rows)
    assert seen == set(RECORDS)


def test_header_is_exactly_the_columns_the_records_use() -> None:
    # COLUMNS (the documented, ordered header) and RECORDS (what each record reads) are
    # written out separately: this keeps them from drifting apart.
    used = {column for spec in RECORDS.values() for column in spec.used}
    assert set(COLUMNS) == used
    assert len(COLUMNS) == len(set(COLUMNS))
