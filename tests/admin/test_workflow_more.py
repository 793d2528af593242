"""More of the review workflow: revert, send back, unpublish, the 12-month review clock,
stale approvals, rejections and withdrawals, the plan form's messages, and the dashboard.

The demo catalog and the users are loaded once for the module (inside a transaction
rolled back at its end); each test runs in its own savepoint of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import models as db_models
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans import models as m
from plans.models import PendingChange, Plan, PublicationStatus
from tests.conftest import DEMO_GEOGRAPHY

from .conftest import client_for, make_user
from .formdata import form_data

pytestmark = pytest.mark.django_db

DEMO_DAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def module_users(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, User]]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for code, (fips, name, counties) in DEMO_GEOGRAPHY.items():
                state = m.State.objects.create(
                    code=code, fips=fips, name=name, is_territory=code == "PR"
                )
                for county_fips, (county_name, zips) in counties.items():
                    county = m.County.objects.create(
                        fips=county_fips, state=state, name=county_name
                    )
                    for zip_code in zips:
                        m.ZipCounty.objects.create(zip_code=zip_code, county=county)
            from plans.demo import load_demo_catalog

            with mock.patch.object(
                db_models.Model, "validate_constraints", lambda self, exclude=None: None
            ):
                load_demo_catalog(today=DEMO_DAY)
            yield {
                "national": make_user("national", [], superuser=True),
                "fl_editor": make_user("fl_editor", [("FL", "editor")]),
                "fl_editor2": make_user("fl_editor2", [("FL", "editor")]),
                "fl_reviewer": make_user("fl_reviewer", [("FL", "reviewer")]),
                "fl_reviewer2": make_user("fl_reviewer2", [("FL", "reviewer")]),
                "ca_editor": make_user("ca_editor", [("CA", "editor")]),
                "ca_reviewer": make_user("ca_reviewer", [("CA", "reviewer")]),
                "no_role": make_user("no_role", []),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def users(module_users: dict[str, User], db: None) -> dict[str, User]:
    """The module's users, in this test's savepoint (overrides the conftest fixture)."""
    return module_users


# --- helpers --------------------------------------------------------------------


def fl_plans(status: str = PublicationStatus.PUBLISHED, kind: str = "dsnp") -> list[Plan]:
    return list(
        Plan.objects.filter(status=status, kind=kind, plan_year=DEMO_DAY.year)
        .filter(service_areas__county__state="FL")
        .exclude(service_areas__county__state__in=["CA", "PR"])
        .order_by("contract_id", "pbp")
        .distinct()
    )


def change_url(obj: Any) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def save_form(client: Client, obj: Any, **changes: Any) -> Any:
    """Post the object's change form as the browser would, with ``changes``."""
    url = change_url(obj)
    data = form_data(client, url)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    data["_save"] = "Save"
    return client.post(url, data)


def act(client: Client, obj: Any, action: str) -> Any:
    return client.post(
        changelist_url(type(obj)),
        {"action": action, "_selected_action": [str(obj.pk)], "index": "0"},
        follow=True,
    )


def decide(client: Client, change: PendingChange, decision: str, note: str = "") -> Any:
    return client.post(
        reverse("admin:plans_pendingchange_decide", args=[change.pk]),
        {"decision": decision, "note": note},
        follow=True,
    )


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def propose_rename(client: Client, plan: Plan, name: str) -> PendingChange:
    response = save_form(client, plan, name=name)
    assert response.status_code == 302, response.content.decode()[:3000]
    return PendingChange.objects.latest("pk")


def public_page(plan: Plan) -> Any:
    return Client().get(f"/en/plans/{plan.plan_year}/{plan.cms_id}/")


# --- revert -------------------------------------------------------------------------


def test_revert_of_a_draft_is_applied_directly(users: dict[str, User]) -> None:
    contact = m.StateContact.objects.create(
        state_id="FL", kind="ship", name="Draft contact", phone="1-800-555-0100"
    )
    editor = client_for(users["fl_editor"])
    assert save_form(editor, contact, name="First edit").status_code == 302
    assert save_form(editor, contact, name="Second edit").status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Second edit"
    first = contact.history.filter(name="First edit").get()

    history = editor.get(reverse("admin:plans_statecontact_history", args=[contact.pk]))
    assert history.status_code == 200
    assert "First edit" in history.content.decode()
    revert_url = reverse("admin:plans_statecontact_simple_history", args=[contact.pk, first.pk])
    data = form_data(editor, revert_url)
    assert data["name"] == "First edit"
    response = editor.post(revert_url, {**data, "_save": "Save"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "First edit"
    assert contact.status == PublicationStatus.DRAFT
    assert not PendingChange.objects.exists()


def test_revert_of_a_published_item_waits_for_review(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    original = plan.name
    plan.name = "Renamed by an import"
    plan.save()
    version = plan.history.filter(name=original).latest("history_id")

    editor = client_for(users["fl_editor"])
    revert_url = reverse("admin:plans_plan_simple_history", args=[plan.pk, version.pk])
    data = form_data(editor, revert_url)
    response = editor.post(revert_url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    change = PendingChange.objects.get()
    assert response["Location"] == reverse("admin:plans_pendingchange_change", args=[change.pk])
    assert change.via == PendingChange.Via.REVERT
    assert change.status == PendingChange.Status.PENDING
    plan.refresh_from_db()
    assert plan.name == "Renamed by an import"
    # The page's own heading (next year's plan of the same name may be linked below it).
    assert f"<h1>{original}</h1>" not in public_page(plan).content.decode()
    assert "<h1>Renamed by an import</h1>" in public_page(plan).content.decode()

    response = decide(client_for(users["fl_reviewer"]), change, "approve")
    assert "Approved and published" in " ".join(messages_of(response))
    plan.refresh_from_db()
    change.refresh_from_db()
    assert plan.name == original
    assert change.status == PendingChange.Status.APPROVED
    assert plan.status == PublicationStatus.PUBLISHED


def test_revert_of_published_medicaid_plan_does_not_change_its_service_area_before_review(
    users: dict[str, User],
) -> None:
    """BUG: simple-history's revert view calls ``form.save_m2m()`` itself, after
    ``WorkflowAdmin.save_model`` stored the edit as a PendingChange instead of saving,
    so the many-to-many service area of a published Medicaid plan changes at once."""
    medicaid_plan = m.MedicaidPlan.objects.filter(
        state="FL", status=PublicationStatus.PUBLISHED, service_area="12086"
    ).first()
    before = set(medicaid_plan.service_area.values_list("fips", flat=True))
    assert "12011" not in before
    version = medicaid_plan.history.latest("history_id")
    editor = client_for(users["fl_editor"])
    revert_url = reverse(
        "admin:plans_medicaidplan_simple_history", args=[medicaid_plan.pk, version.pk]
    )
    data = form_data(editor, revert_url)
    data["service_area"] = ["12011"]  # a Florida county: the editor may propose it
    response = editor.post(revert_url, {**data, "_save": "Save"})
    assert response.status_code == 302
    assert PendingChange.objects.filter(object_id=str(medicaid_plan.pk)).exists()
    after = set(medicaid_plan.service_area.values_list("fips", flat=True))
    assert after == before, "the published service area changed without review"


# --- send back, unpublish, the review clock -------------------------------------------


def test_send_back_returns_an_item_in_review_to_draft(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    Plan.objects.filter(pk=plan.pk).update(
        status=PublicationStatus.IN_REVIEW, submitted_by=users["fl_editor"]
    )
    act(client_for(users["fl_editor2"]), plan, "send_back")  # editors cannot
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.IN_REVIEW
    act(client_for(users["ca_reviewer"]), plan, "send_back")  # nor another state's reviewer
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.IN_REVIEW
    response = act(client_for(users["fl_reviewer"]), plan, "send_back")
    assert "Sent back to draft: 1." in messages_of(response)
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.DRAFT
    assert plan.history.first().history_change_reason == "Sent back to draft"


def test_unpublish_takes_the_plan_off_the_public_pages(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    assert public_page(plan).status_code == 200
    act(client_for(users["fl_editor"]), plan, "unpublish")  # editors cannot
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.PUBLISHED
    response = act(client_for(users["fl_reviewer"]), plan, "unpublish")
    assert "Unpublished: 1." in messages_of(response)
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.DRAFT
    assert public_page(plan).status_code == 404


def test_unpublish_from_the_change_form(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    reviewer = client_for(users["fl_reviewer"])
    response = reviewer.post(
        change_url(plan),
        {"CHANGE_FORM-action": "unpublish", "_selected_action": [str(plan.pk)], "index": "0"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.DRAFT


def test_confirm_still_correct_resets_last_reviewed(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    long_ago = timezone.localdate() - datetime.timedelta(days=500)
    Plan.objects.filter(pk=plan.pk).update(last_reviewed=long_ago)
    act(client_for(users["fl_editor"]), plan, "confirm_still_correct")  # editors cannot
    plan.refresh_from_db()
    assert plan.last_reviewed == long_ago
    response = act(client_for(users["fl_reviewer"]), plan, "confirm_still_correct")
    assert "Confirmed still correct: 1." in messages_of(response)
    plan.refresh_from_db()
    assert plan.last_reviewed == timezone.localdate()
    assert plan.reviewed_by == users["fl_reviewer"]
    assert not plan.review_overdue()


def test_review_overdue_in_the_filter_and_the_dashboard(users: dict[str, User]) -> None:
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    fl_contacts = list(m.StateContact.objects.filter(state="FL").order_by("pk"))
    m.StateContact.objects.filter(pk=fl_contacts[0].pk).update(last_reviewed=long_ago)
    m.StateContact.objects.filter(state="CA").update(last_reviewed=long_ago)
    # 11 months is not overdue yet.
    m.StateContact.objects.filter(pk=fl_contacts[1].pk).update(
        last_reviewed=timezone.localdate() - datetime.timedelta(days=330)
    )
    editor = client_for(users["fl_editor"])

    page = editor.get(changelist_url(m.StateContact) + "?review=overdue")
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert listed == [fl_contacts[0]]
    assert fl_contacts[0].name in page.content.decode()

    form = editor.get(change_url(fl_contacts[0])).content.decode()
    assert "Not reviewed for 12 months: please check it." in form
    assert (
        "Not reviewed for 12 months" not in editor.get(change_url(fl_contacts[1])).content.decode()
    )

    board = editor.get(reverse("admin:index")).context["dashboard"]
    contacts = next(row for row in board.rows if row.label == "Contacts")
    assert contacts.overdue == 1
    ca_board = client_for(users["ca_editor"]).get(reverse("admin:index")).context["dashboard"]
    assert next(row for row in ca_board.rows if row.label == "Contacts").overdue == 2


# --- deciding pending changes ---------------------------------------------------------


def test_stale_approval_is_refused(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    original = plan.name
    change = propose_rename(client_for(users["fl_editor"]), plan, "Sample Stale Rename")
    # The item changes after the edit was proposed (here: a reviewer confirms it).
    act(client_for(users["fl_reviewer"]), plan, "confirm_still_correct")
    response = decide(client_for(users["fl_reviewer2"]), change, "approve")
    assert any("changed after this edit was proposed" in text for text in messages_of(response))
    change.refresh_from_db()
    plan.refresh_from_db()
    assert change.status == PendingChange.Status.PENDING
    assert plan.name == original


def test_reject_with_a_note(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    original = plan.name
    change = propose_rename(client_for(users["fl_editor"]), plan, "Sample Rejected Rename")
    decide(client_for(users["fl_editor2"]), change, "reject", "no")  # editors cannot
    change.refresh_from_db()
    assert change.status == PendingChange.Status.PENDING
    reviewer = client_for(users["fl_reviewer"])
    response = decide(reviewer, change, "reject", "  The name on the contract is unchanged.  ")
    assert "Rejected: " in " ".join(messages_of(response))
    change.refresh_from_db()
    plan.refresh_from_db()
    assert change.status == PendingChange.Status.REJECTED
    assert change.review_note == "The name on the contract is unchanged."
    assert change.reviewer == users["fl_reviewer"]
    assert plan.name == original
    page = client_for(users["fl_editor"]).get(change_url(change)).content.decode()
    assert "The name on the contract is unchanged." in page
    other_reviewer = client_for(users["fl_reviewer2"])
    assert "Approve and publish" not in other_reviewer.get(change_url(change)).content.decode()


@pytest.mark.parametrize("decision", ["reject", "withdraw"])
def test_a_rejected_or_withdrawn_change_cannot_be_approved_later(
    users: dict[str, User], decision: str
) -> None:
    """BUG: ``apply_pending_change`` never checks that the change is still pending, so a
    POST of "approve" publishes a change a reviewer rejected (or its author withdrew):
    the page hides the button, the decide view does not refuse."""
    plan = fl_plans()[0]
    original = plan.name
    change = propose_rename(client_for(users["fl_editor"]), plan, "Sample Decided Rename")
    decider = users["fl_reviewer"] if decision == "reject" else users["fl_editor"]
    decide(client_for(decider), change, decision, "No.")
    change.refresh_from_db()
    assert change.status != PendingChange.Status.PENDING
    response = decide(client_for(users["fl_reviewer2"]), change, "approve")
    assert "This change is no longer waiting for review." in messages_of(response)
    plan.refresh_from_db()
    change.refresh_from_db()
    assert plan.name == original
    assert change.status != PendingChange.Status.APPROVED


def test_only_the_author_may_withdraw(users: dict[str, User]) -> None:
    plan = fl_plans()[0]
    change = propose_rename(client_for(users["fl_editor"]), plan, "Sample Withdrawn Rename")
    for other in ("fl_editor2", "fl_reviewer", "national"):
        response = decide(client_for(users[other]), change, "withdraw")
        assert "Only its author may withdraw a change." in messages_of(response), other
        change.refresh_from_db()
        assert change.status == PendingChange.Status.PENDING
    # Another state's editor does not even find it.
    response = client_for(users["ca_editor"]).post(
        reverse("admin:plans_pendingchange_decide", args=[change.pk]), {"decision": "withdraw"}
    )
    assert response.status_code == 404
    # The author sees the button, and may.
    author = client_for(users["fl_editor"])
    assert "Withdraw my change" in author.get(change_url(change)).content.decode()
    response = decide(author, change, "withdraw")
    assert "Withdrawn: " in " ".join(messages_of(response))
    change.refresh_from_db()
    assert change.status == PendingChange.Status.WITHDRAWN


# --- the plan form's messages ------------------------------------------------------


def draft_plan() -> Plan:
    return fl_plans(PublicationStatus.DRAFT)[0]


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, f"saved ({response.status_code}): expected an error"
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


PLAIN = [
    (
        "contract ID",
        {"contract_id": "X123"},
        "contract_id",
        "A contract ID is H or R followed by 4 digits, e.g. H1234.",
    ),
    ("PBP", {"pbp": "12"}, "pbp", "A plan (PBP) number is 3 digits, e.g. 005."),
    (
        "PACE age",
        {
            "kind": "pace",
            "integration_level": "",
            "is_aip": None,
            "exclusively_aligned": None,
            "age_min": "50",
        },
        "age_min",
        "PACE enrolls people 55 and older: set the minimum age to 55 or more.",
    ),
    (
        "ages",
        {"age_min": "70", "age_max": "60"},
        "age_max",
        "The maximum age must not be below the minimum age.",
    ),
    (
        "aligned enrollment",
        {"exclusively_aligned": "on", "dual_categories_from_state": None, "enrolls_qmb": "on"},
        "exclusively_aligned",
        "Exclusively aligned enrollment is only for full-benefit duals: choose the plan's own "
        "categories and leave out QMB only, SLMB only, QI and QDWI.",
    ),
    (
        "phone",
        {"phone": "12345"},
        "phone",
        "Enter a US phone number as 1-800-633-4227 or 800-633-4227 (an extension may follow).",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), [case[1:] for case in PLAIN], ids=[c[0] for c in PLAIN]
)
def test_plan_form_says_what_is_wrong_plainly(
    users: dict[str, User], changes: dict[str, Any], field: str, message: str
) -> None:
    plan = draft_plan()
    before = Plan.objects.filter(pk=plan.pk).values().get()
    response = save_form(client_for(users["fl_editor"]), plan, **changes)
    errors = form_errors(response)
    assert errors.get(field) == [message], errors
    page = response.content.decode()
    # The message is the person's, not the database's.
    assert "Constraint" not in page
    assert "violated" not in page
    assert Plan.objects.filter(pk=plan.pk).values().get() == before


def test_fide_without_ltss_needs_the_carve_out_reason(users: dict[str, User]) -> None:
    plan = draft_plan()
    editor = client_for(users["fl_editor"])
    fide = {"integration_level": "FIDE", "covers_ltss": None, "covers_behavioral_health": "on"}
    errors = form_errors(save_form(editor, plan, **fide, carve_outs=""))
    assert list(errors) == ["carve_outs"], errors
    assert errors["carve_outs"][0].startswith(
        "A FIDE SNP normally covers long-term services and supports."
    )
    reason = "Florida carves long-term care out of D-SNPs (state Medicaid policy 2026-1)."
    response = save_form(editor, plan, **fide, carve_outs=reason)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.integration_level == "FIDE"
    assert plan.carve_outs == reason
    assert not plan.covers_ltss
    page = editor.get(change_url(plan)).content.decode()
    assert f"FIDE SNP with services carved out: {reason}" in page


def test_coordination_only_aip_is_valid(users: dict[str, User]) -> None:
    plan = draft_plan()
    response = save_form(client_for(users["fl_editor"]), plan, integration_level="CO", is_aip="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.integration_level == "CO"
    assert plan.is_aip


# --- the dashboard ------------------------------------------------------------------


def test_dashboard_counts_only_the_users_states(users: dict[str, User]) -> None:
    # A California draft and item in review: California's numbers, not Florida's.
    m.StateContact.objects.create(state_id="CA", kind="ship", name="CA draft contact")
    m.StateContact.objects.create(
        state_id="CA", kind="medicaid", name="CA contact in review", status="in_review"
    )
    ca_plan = Plan.objects.filter(service_areas__county__state="CA").first()
    propose_rename(client_for(users["ca_editor"]), ca_plan, "Sample CA Rename")

    def expected_rows(code: str) -> dict[str, tuple[int, int, int]]:
        plans = Plan.objects.filter(
            pk__in=Plan.objects.filter(service_areas__county__state=code).values("pk")
        )
        kinds = {
            "D-SNPs": plans.filter(kind="dsnp"),
            "PACE": plans.filter(kind="pace"),
            "Medicaid plans": m.MedicaidPlan.objects.filter(state=code),
            "State policy": m.StatePolicy.objects.filter(state=code),
            "Contacts": m.StateContact.objects.filter(state=code),
            "Articles": m.Article.objects.filter(state=code),
        }
        return {
            label: (
                qs.filter(status="draft").count(),
                qs.filter(status="in_review").count(),
                qs.filter(status="published").count(),
            )
            for label, qs in kinds.items()
        }

    for role, code, other in (("fl_editor", "FL", "CA"), ("ca_editor", "CA", "FL")):
        page = client_for(users[role]).get(reverse("admin:index"))
        board = page.context["dashboard"]
        assert board.states == [code]
        shown = {row.label: (row.draft, row.in_review, row.published) for row in board.rows}
        assert shown == expected_rows(code), role
        assert board.pending_changes == (1 if code == "CA" else 0)
        html = page.content.decode()
        assert f"Your states: {code}" in html
        assert other not in html.split('id="dashboard"')[1].split("</table>")[0]
    fl = client_for(users["fl_editor"]).get(reverse("admin:index")).content.decode()
    assert "Nothing is waiting for review." in fl


def test_deleting_a_draft_medicaid_plan_leaves_published_plans_alone(
    users: dict[str, User],
) -> None:
    """BUG: a Medicaid plan taken off the public pages (a draft again) may be deleted by
    an editor, and the delete sets ``aligned_medicaid_plan`` of the published D-SNPs
    aligned with it to nothing (``on_delete=SET_NULL``): published plans change without
    review. The delete should be refused while published plans point at it."""
    dsnp = Plan.objects.filter(
        status=PublicationStatus.PUBLISHED, aligned_medicaid_plan__state="FL"
    ).first()
    medicaid_plan = dsnp.aligned_medicaid_plan
    act(client_for(users["fl_reviewer"]), medicaid_plan, "unpublish")
    medicaid_plan.refresh_from_db()
    assert medicaid_plan.status == PublicationStatus.DRAFT
    editor = client_for(users["fl_editor"])
    editor.post(
        reverse("admin:plans_medicaidplan_delete", args=[medicaid_plan.pk]), {"post": "yes"}
    )
    dsnp.refresh_from_db()
    assert dsnp.aligned_medicaid_plan_id == medicaid_plan.pk, (
        "a published D-SNP lost its aligned Medicaid plan without review"
    )
