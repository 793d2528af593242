"""Draft → in review → published, edits of published items held for review, revert."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import PendingChange, Plan, PublicationStatus

from .conftest import client_for

pytestmark = pytest.mark.django_db


def fl_plan() -> Plan:
    return (
        Plan.objects.published()
        .filter(kind="dsnp", service_areas__county__state="FL")
        .exclude(service_areas__county__state="CA")
        .distinct()
        .first()
    )


def plan_form_data(client, plan: Plan) -> dict[str, object]:
    """The change form as the browser would submit it, read from the page."""
    from html.parser import HTMLParser

    url = reverse("admin:plans_plan_change", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, list[str]] = {}

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.select: str | None = None
            self.textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in {"submit", "button"}:
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        data.setdefault(name, []).append(a.get("value", "on"))
                else:
                    data.setdefault(name, []).append(a.get("value", ""))
            elif tag == "select" and name:
                self.select = name
                data.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in a:
                data[self.select].append(a.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = name
                data[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea][0] += text

    Reader().feed(page.content.decode())
    data.pop("action", None)
    return {k: v if len(v) != 1 else v[0] for k, v in data.items() if k != "csrfmiddlewaretoken"}


def test_editor_edit_of_published_plan_waits_for_review(users: dict[str, User]) -> None:
    plan = fl_plan()
    editor = client_for(users["fl_editor"])
    data = plan_form_data(editor, plan)
    old_name = plan.name
    data["name"] = "Sample Renamed Plan"
    data["_save"] = "Save"
    response = editor.post(reverse("admin:plans_plan_change", args=[plan.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.name == old_name
    change = PendingChange.objects.get()
    assert change.status == PendingChange.Status.PENDING
    assert {
        "what": "Plan name",
        "before": old_name,
        "after": "Sample Renamed Plan",
    } in change.changes

    # The public plan page still shows the old name.
    public = client_for(users["no_role"])
    page = public.get(f"/en/plans/{plan.plan_year}/{plan.cms_id}/")
    assert old_name in page.content.decode()

    # The editor cannot approve; a reviewer can.
    decide = reverse("admin:plans_pendingchange_decide", args=[change.pk])
    assert editor.post(decide, {"decision": "approve"}).status_code == 403
    reviewer = client_for(users["fl_reviewer"])
    response = reviewer.post(decide, {"decision": "approve"})
    assert response.status_code == 302
    plan.refresh_from_db()
    change.refresh_from_db()
    assert plan.name == "Sample Renamed Plan"
    assert change.status == PendingChange.Status.APPROVED
    assert change.reviewer == users["fl_reviewer"]
    assert plan.reviewed_by == users["fl_reviewer"]
    latest = plan.history.first()
    assert latest.history_user == users["fl_reviewer"]
    assert "approved by fl_reviewer" in latest.history_change_reason


def test_reviewer_cannot_approve_own_change(users: dict[str, User]) -> None:
    plan = fl_plan()
    reviewer = client_for(users["fl_reviewer"])
    data = plan_form_data(reviewer, plan)
    data["name"] = "Sample Own Change"
    data["_save"] = "Save"
    reviewer.post(reverse("admin:plans_plan_change", args=[plan.pk]), data)
    change = PendingChange.objects.get()
    reviewer.post(
        reverse("admin:plans_pendingchange_decide", args=[change.pk]), {"decision": "approve"}
    )
    change.refresh_from_db()
    assert change.status == PendingChange.Status.PENDING
    plan.refresh_from_db()
    assert plan.name != "Sample Own Change"
    other = client_for(users["fl_reviewer2"])
    other.post(
        reverse("admin:plans_pendingchange_decide", args=[change.pk]), {"decision": "approve"}
    )
    plan.refresh_from_db()
    assert plan.name == "Sample Own Change"


def test_draft_submit_publish(users: dict[str, User]) -> None:
    plan = fl_plan()
    Plan.objects.filter(pk=plan.pk).update(status=PublicationStatus.DRAFT)
    editor = client_for(users["fl_editor"])
    changelist = reverse("admin:plans_plan_changelist")
    editor.post(changelist, {"action": "publish", "_selected_action": [plan.pk]})
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.DRAFT  # editors cannot publish
    editor.post(changelist, {"action": "submit_for_review", "_selected_action": [plan.pk]})
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.IN_REVIEW
    assert plan.submitted_by == users["fl_editor"]
    reviewer = client_for(users["fl_reviewer"])
    reviewer.post(changelist, {"action": "publish", "_selected_action": [plan.pk]})
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.PUBLISHED
    assert plan.reviewed_by == users["fl_reviewer"]


def test_other_state_plan_is_not_found_and_unchanged(users: dict[str, User]) -> None:
    plan = fl_plan()
    ca = client_for(users["ca_editor"])
    response = ca.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert response.status_code == 302  # admin redirects "does not exist" to the index
    response = ca.post(
        reverse("admin:plans_plan_changelist"),
        {"action": "submit_for_review", "_selected_action": [plan.pk]},
    )
    plan.refresh_from_db()
    assert plan.status == PublicationStatus.PUBLISHED
