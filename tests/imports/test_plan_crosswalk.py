"""The CMS Plan Crosswalk: what happens on January 1 to last year's catalog plans.

No real crosswalk is in this project; the files are built here in CMS's layout
(docs/data-formats.md, "CMS Plan Crosswalk"): tab-separated, 11 columns, no segment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from plans import catalog_version
from plans.imports.common import ImportReport, run_import
from plans.imports.plan_crosswalk import (
    CHANGES,
    MOVED_AND_ENDED,
    NEW_PLANS,
    NOT_IN_CATALOG,
    NOT_NAMED,
    OUTSIDE_CATALOG,
    PUBLISHED,
    SPLIT,
    CrosswalkStatus,
    apply_plan_crosswalk,
    crosswalk_year_from_name,
    parse_plan_crosswalk,
)
from plans.models import ImportRun, NextYearChange, Plan, PublicationStatus
from plans.next_year import NextYearKind, next_year_change_info
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
HEADER = [
    "PREVIOUS_CONTRACT_ID",
    "PREVIOUS_PLAN_ID",
    "PREVIOUS_PLAN_NAME",
    "PREVIOUS_SNP_TYPE",
    "PREVIOUS_SNP_INSTITUTIONAL",
    "CURRENT_CONTRACT_ID",
    "CURRENT_PLAN_ID",
    "CURRENT_PLAN_NAME",
    "CURRENT_SNP_TYPE",
    "CURRENT_SNP_INSTITUTIONAL",
    "STATUS",
]
NAME = "PlanCrosswalk2027_10012026.txt"
DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo_plan_crosswalk.txt"


def line(previous: str, current: str, status: str, *, name: str = "", new_name: str = "") -> str:
    """One row; ``previous`` and ``current`` are "H1234-001", "NEW" or "TERMINATED"."""

    def ids(plan_id: str) -> list[str]:
        return plan_id.split("-") if "-" in plan_id else [plan_id, plan_id]

    cells = [*ids(previous), name, "Dual-Eligible", "", *ids(current), new_name, "", "", status]
    return "\t".join(cells)


def write(tmp_path: Path, lines: list[str], *, name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["\t".join(HEADER), *lines]) + "\n", encoding="utf-8")
    return path


def run(path: Path, *, dry_run: bool = False, year: int | None = None) -> ImportReport:
    return run_import(
        kind=ImportRun.Kind.PLAN_CROSSWALK,
        path=path,
        apply=lambda report: apply_plan_crosswalk(report, path, year=year),
        dry_run=dry_run,
    )


def plan(plan_id: str, year: int = 2026, **extra: object) -> Plan:
    contract, pbp = plan_id.split("-")
    return PlanFactory(contract_id=contract, pbp=pbp, plan_year=year, **extra)


def crosswalk_fields(p: Plan) -> tuple[object, ...]:
    p.refresh_from_db()
    return (
        p.renews,
        p.members_moved_to_id,
        p.next_year_change,
        p.moved_to_id_text,
        p.moved_to_name_text,
    )


def test_every_status_is_recorded(tmp_path: Path) -> None:
    renewal, sae, sar = plan("H9901-001"), plan("H9901-002"), plan("H9901-003")
    survivor, merged, ended = plan("H9901-004"), plan("H9901-005"), plan("H9901-006")
    ended_plan, ended_old = plan("H9901-007"), plan("H9901-008")
    nexts = {pbp: plan(f"H9901-{pbp}", 2027) for pbp in ("001", "002", "003", "004")}
    lines = [
        line("H9901-001", "H9901-001", "Renewal Plan", new_name="Renewed"),
        line("H9901-002", "H9901-002", "Renewal Plan with SAE", new_name="Larger"),
        line("H9901-003", "H9901-003", "Renewal Plan with SAR", new_name="Smaller"),
        line("H9901-004", "H9901-004", "Consolidated Renewal Plan", new_name="Survivor"),
        line("H9901-005", "H9901-004", "Consolidated Renewal Plan", new_name="Survivor"),
        line("H9901-006", "TERMINATED", "Terminated/Non-renewed Contract"),
        line("H9901-007", "TERMINATED", "Terminated/Non-renewed Plan"),
        line("H9901-008", "TERMINATED", "Terminated Plan"),
        line("NEW", "H9901-009", "New Plan", new_name="Brand new"),
        line("NEW", "H9999-001", "Initial Contract", new_name="New contract"),
    ]
    report = run(write(tmp_path, lines))
    assert not report.rejected, report.text()
    assert (report.rows_read, report.rows_kept) == (10, 10)
    assert (report.changed, report.unchanged, report.added) == (8, 0, 0)
    assert report.plan_years == {2026}
    assert report.notes[NEW_PLANS] == ["2 rows"]
    assert crosswalk_fields(renewal) == (True, None, "renews", "H9901-001", "Renewed")
    assert crosswalk_fields(sae) == (True, None, "renews", "H9901-002", "Larger")
    assert crosswalk_fields(sar) == (True, None, "renews_smaller_area", "H9901-003", "Smaller")
    # The surviving plan of a consolidation keeps its members (and takes in others').
    assert crosswalk_fields(survivor) == (True, None, "renews", "H9901-004", "Survivor")
    assert crosswalk_fields(merged) == (
        False,
        nexts["004"].pk,
        "consolidated",
        "H9901-004",
        "Survivor",
    )
    for gone in (ended, ended_plan, ended_old):
        assert crosswalk_fields(gone) == (False, None, "ends", "", "")
    merged.refresh_from_db()
    assert merged.last_import == report.run
    assert (
        "H9901-005 (2026): not known → consolidated, members move to H9901-004 (row 6)"
        in (report.notes[CHANGES])
    )
    assert len(report.notes[PUBLISHED]) == 8
    # The statuses the tests cover are every status the parser knows.
    used = {line.rsplit("\t", 1)[1] for line in lines}
    assert used == {s.value for s in CrosswalkStatus}


def test_consolidation_into_a_plan_the_catalog_does_not_have(tmp_path: Path) -> None:
    dsnp = plan("H9902-001", name="Gulf Dual Plan")
    report = run(
        write(
            tmp_path,
            [
                line(
                    "H9902-001",
                    "H9902-050",
                    "Consolidated Renewal Plan",
                    new_name="Gulf Value (HMO)",
                )
            ],
        )
    )
    assert not report.rejected, report.text()
    assert crosswalk_fields(dsnp) == (False, None, "consolidated", "H9902-050", "Gulf Value (HMO)")
    assert report.notes[OUTSIDE_CATALOG] == [
        "H9902-001 (2026) → H9902-050 Gulf Value (HMO) (row 2)"
    ]
    info = next_year_change_info(dsnp)
    assert info.kind == NextYearKind.MOVES and info.on == 2027
    assert info.next_plan is not None
    assert (info.next_plan.cms_id, info.next_plan.name, info.next_plan.plan) == (
        "H9902-050",
        "Gulf Value (HMO)",
        None,
    )
    assert info.next_plan.url == ""


def test_consolidation_into_a_catalog_plan_gives_its_public_page(tmp_path: Path) -> None:
    old = plan("H9903-002")
    target = plan("H9903-001", 2027, name="Sunrise Complete")
    report = run(write(tmp_path, [line("H9903-002", "H9903-001", "Consolidated Renewal Plan")]))
    assert report.changed == 1, report.text()
    old.refresh_from_db()
    assert old.members_moved_to == target and not old.renews
    with translation.override("en"):
        info = old.next_year_change_info()
    assert info.kind == NextYearKind.MOVES
    assert info.next_plan is not None and info.next_plan.plan == target
    assert info.next_plan.url == "/en/plans/2027/H9903-001/"
    # A draft successor has no public page to link to.
    Plan.objects.filter(pk=target.pk).update(status=PublicationStatus.DRAFT)
    old.refresh_from_db()
    with translation.override("en"):
        assert old.next_year_change_info().next_plans[0].url == ""


def test_next_year_info_without_a_crosswalk_and_for_each_change() -> None:
    unknown = plan("H9904-001")
    assert next_year_change_info(unknown).kind == NextYearKind.UNKNOWN
    ends = plan("H9904-002", renews=False, next_year_change=NextYearChange.ENDS)
    assert next_year_change_info(ends).kind == NextYearKind.ENDS
    assert next_year_change_info(ends).next_plans == ()
    smaller = plan("H9904-003", next_year_change=NextYearChange.RENEWS_SMALLER_AREA)
    same_next = plan("H9904-003", 2027)
    info = next_year_change_info(smaller)
    assert info.kind == NextYearKind.RENEWS_SMALLER_AREA
    assert info.next_plan is not None and info.next_plan.plan == same_next
    # An admin's own "does not renew" with no crosswalk still reads as ending.
    by_hand = plan("H9904-004", renews=False)
    assert next_year_change_info(by_hand).kind == NextYearKind.ENDS


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    old = plan("H9905-001")
    before = crosswalk_fields(old)
    report = run(
        write(tmp_path, [line("H9905-001", "TERMINATED", "Terminated Plan")]), dry_run=True
    )
    assert report.changed == 1
    text = report.text()
    assert "Would make 1 changes" in text and "Dry run: nothing was changed." in text
    assert crosswalk_fields(old) == before
    old.refresh_from_db()
    assert old.last_import is None
    assert report.run is not None and report.run.outcome == ImportRun.Outcome.DRY_RUN


@pytest.mark.django_db(transaction=True)
def test_applying_raises_the_catalog_version(tmp_path: Path) -> None:
    plan("H9905-002")
    before = catalog_version.current()
    run(write(tmp_path, [line("H9905-002", "TERMINATED", "Terminated Plan")]))
    assert catalog_version.current() > before


def test_reimport_makes_0_changes(tmp_path: Path) -> None:
    plan("H9906-001")
    plan("H9906-002")
    plan("H9906-001", 2027)
    path = write(
        tmp_path,
        [
            line("H9906-001", "H9906-001", "Renewal Plan"),
            line("H9906-002", "H9906-001", "Consolidated Renewal Plan"),
        ],
    )
    first = run(path)
    assert first.changed == 2, first.text()
    again = run(path)
    assert (again.changes, again.unchanged) == (0, 2)
    assert "Made 0 changes (2 unchanged)" in again.text()
    assert CHANGES not in again.notes


@pytest.mark.parametrize(
    ("broken", "row", "message"),
    [
        # Truncated: the last fields are missing.
        ("H9907\t002\tCut short\tDual-Eligible", 3, "has 4 fields where the header has 11"),
        # A quote left open swallows the rest of the file.
        (line("H9907-002", "H9907-002", "Renewal Plan", name='"Open quote'), 3, "quote"),
        (
            line("H9907-002", "H9907-002", "Renewal Plan with Merger"),
            3,
            "'Renewal Plan with Merger'",
        ),
        (line("H9907-002", "H9907-002", ""), 3, "STATUS is blank"),
        (line("H9907-002", "H9907-X2", "Renewal Plan"), 3, "CURRENT_PLAN_ID 'X2'"),
        (line("H9907-002", "TERMINATED", "Renewal Plan"), 3, "names no current plan"),
    ],
)
def test_a_broken_file_changes_nothing_and_names_the_row(
    tmp_path: Path, broken: str, row: int, message: str
) -> None:
    first = plan("H9907-001")
    second = plan("H9907-002")
    before = (crosswalk_fields(first), crosswalk_fields(second))
    lines = [
        line("H9907-001", "TERMINATED", "Terminated/Non-renewed Contract"),
        broken,
        line("H9907-003", "TERMINATED", "Terminated/Non-renewed Contract"),
    ]
    report = run(write(tmp_path, lines))
    assert report.rejected, report.text()
    assert report.rejected[0].row == row
    assert message in report.rejected[0].message
    assert "nothing was changed" in report.text()
    assert (crosswalk_fields(first), crosswalk_fields(second)) == before
    assert report.run is not None and report.run.outcome == ImportRun.Outcome.REJECTED


def test_an_unterminated_quote_on_the_last_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_text("\t".join(HEADER) + '\nH9908\t001\t"Open\n', encoding="utf-8")
    parsed = parse_plan_crosswalk(path)
    assert [(e.row, "quote" in e.message) for e in parsed.rejected] == [(2, True)]


def test_a_csv_saved_from_the_workbook_reads_the_same(tmp_path: Path) -> None:
    old = plan("H9909-001")
    path = tmp_path / "PlanCrosswalk2027.csv"
    path.write_text(
        ",".join(HEADER)
        + '\nH9909,1,"Plan, with comma",Dual-Eligible,,TERMINATED,TERMINATED,,,,'
        + "Terminated/Non-renewed Contract\n",
        encoding="utf-8",
    )
    report = run(path)
    assert not report.rejected, report.text()
    assert crosswalk_fields(old)[2] == "ends"


def test_the_year_comes_from_the_name_or_is_asked_for(tmp_path: Path) -> None:
    assert crosswalk_year_from_name("PlanCrosswalk2027_10012026.txt") == 2027
    assert crosswalk_year_from_name("plan_crosswalk_2026.csv") == 2026
    assert crosswalk_year_from_name("crosswalk.txt") is None
    old = plan("H9910-001", 2025)
    path = write(tmp_path, [line("H9910-001", "TERMINATED", "Terminated Plan")], name="cw.txt")
    refused = run(path)
    assert refused.rejected and "--year" in refused.rejected[0].message
    applied = run(path, year=2026)
    assert not applied.rejected and crosswalk_fields(old)[2] == "ends"


def test_split_moved_and_ended_and_other_plans_are_reported(tmp_path: Path) -> None:
    split = plan("H9911-001")
    moved = plan("H9911-002")
    plan("H9911-009")  # not in the file
    target = plan("H9912-001", 2027)
    report = run(
        write(
            tmp_path,
            [
                line("H9911-001", "H9911-001", "Renewal Plan with SAR"),
                line("H9911-001", "H9911-005", "Consolidated Renewal Plan", new_name="Other"),
                # Moved into another contract: ended in the old one, consolidated in the new.
                line("H9911-002", "TERMINATED", "Terminated/Non-renewed Contract"),
                line("H9911-002", "H9912-001", "Consolidated Renewal Plan"),
                line("H8000-001", "H8000-001", "Renewal Plan"),  # not a catalog plan
            ],
        )
    )
    assert not report.rejected, report.text()
    assert crosswalk_fields(split)[:3] == (True, None, "renews_smaller_area")
    assert len(report.notes[SPLIT]) == 1
    assert crosswalk_fields(moved)[:3] == (False, target.pk, "consolidated")
    assert report.notes[MOVED_AND_ENDED] == ["H9911-002 (2026): rows 4, 5"]
    assert report.notes[NOT_IN_CATALOG] == ["1 rows"]
    assert report.notes[NOT_NAMED] == [f"H9911-009 {Plan.objects.get(pbp='009').name} (2026)"]


def test_the_command(tmp_path: Path) -> None:
    old = plan("H9913-001")
    path = write(tmp_path, [line("H9913-001", "TERMINATED", "Terminated Plan")])
    call_command("import_plan_crosswalk", str(path), "--dry-run")
    assert crosswalk_fields(old)[2] == "unknown"
    call_command("import_plan_crosswalk", str(path))
    assert crosswalk_fields(old)[2] == "ends"
    bad = write(
        tmp_path, [line("H9913-001", "H9913-001", "Mystery")], name="PlanCrosswalk2027_b.txt"
    )
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_plan_crosswalk", str(bad))


def test_the_demo_catalog_is_crosswalked(demo_catalog: None) -> None:
    """The demo loader applies the sample crosswalk through this importer."""
    moved = Plan.objects.get(plan_year=2026, contract_id="H9003", pbp="004")
    ending = Plan.objects.get(plan_year=2026, contract_id="H9002", pbp="002")
    with translation.override("es"):
        info = moved.next_year_change_info()
    assert info.kind == NextYearKind.MOVES
    assert info.next_plan is not None
    assert (info.next_plan.cms_id, info.next_plan.plan_year) == ("H9003-001", 2027)
    assert info.next_plan.url == "/es/plans/2027/H9003-001/"
    assert next_year_change_info(ending).kind == NextYearKind.ENDS
    renewing = Plan.objects.get(plan_year=2026, contract_id="H9001", pbp="001")
    assert next_year_change_info(renewing).kind == NextYearKind.RENEWS
    # Real files never touch the sample catalog: a dry run of the demo file finds none
    # of its plans, and applying it is refused while the demo is loaded.
    dry = run(DEMO, dry_run=True, year=2027)
    assert not dry.rejected and dry.changes == 0
    assert dry.notes[NOT_IN_CATALOG] == ["12 rows"]
    with pytest.raises(Exception, match="sample"):
        run(DEMO, year=2027)


@pytest.fixture
def immediate_tasks() -> Iterator[None]:
    backend = "django.tasks.backends.immediate.ImmediateBackend"
    with override_settings(TASKS={"default": {"BACKEND": backend}}):
        yield


def test_the_admin_import_page_offers_it(
    client: Client, immediate_tasks: None, tmp_path: Path
) -> None:
    user = User.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
    client.force_login(user)
    page = client.get(reverse("admin:plans_importrun_import"))
    assert 'value="plan_crosswalk"' in page.text
    old = plan("H9914-001")
    path = write(tmp_path, [line("H9914-001", "TERMINATED", "Terminated Plan")])
    with path.open("rb") as handle:
        response = client.post(
            reverse("admin:plans_importrun_import"), {"kind": "plan_crosswalk", "file": handle}
        )
    assert response.status_code == 303
    run_row = ImportRun.objects.get(kind=ImportRun.Kind.PLAN_CROSSWALK)
    assert run_row.outcome == ImportRun.Outcome.DRY_RUN, run_row.report
    assert "Would make 1 changes" in run_row.report
    assert crosswalk_fields(old)[2] == "unknown"
