"""The admin site: its front page is the state dashboard.

Installed through ``plans.admin_config.FinderAdminConfig`` (in INSTALLED_APPS instead of
``django.contrib.admin``) so every ``@admin.register`` lands on this site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin import AdminSite
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from plans import models, roles

# What the dashboard counts: label, model, extra filter.
KINDS: list[tuple[str, type[models.Reviewed], dict[str, Any]]] = [
    ("D-SNPs", models.Plan, {"kind": models.PlanKind.DSNP}),
    ("PACE", models.Plan, {"kind": models.PlanKind.PACE}),
    ("Medicaid plans", models.MedicaidPlan, {}),
    ("State policy", models.StatePolicy, {}),
    ("Contacts", models.StateContact, {}),
    ("Articles", models.Article, {}),
]

_STATE_PATHS = {models.Plan: "service_areas__county__state"}


@dataclass
class KindRow:
    label: str
    changelist: str
    draft: int = 0
    in_review: int = 0
    published: int = 0
    overdue: int = 0


@dataclass
class Dashboard:
    states: list[str]
    national: bool
    rows: list[KindRow] = field(default_factory=list)
    pending_changes: int = 0
    imports: list[models.ImportRun] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(row.in_review for row in self.rows) + self.pending_changes


def build_dashboard(user: Any) -> Dashboard:
    national = roles.is_national(user)
    states = sorted(roles.editor_states(user))
    board = Dashboard(states=states, national=national)
    for label, model, extra in KINDS:
        queryset = model._default_manager.filter(**extra)
        if not national:
            path = _STATE_PATHS.get(model, "state")
            queryset = model._default_manager.filter(
                pk__in=queryset.filter(**{f"{path}__in": states}).values("pk")
            )
        counts = queryset.aggregate(
            draft=Count("pk", filter=Q(status=models.PublicationStatus.DRAFT)),
            in_review=Count("pk", filter=Q(status=models.PublicationStatus.IN_REVIEW)),
            published=Count("pk", filter=Q(status=models.PublicationStatus.PUBLISHED)),
        )
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if extra:
            changelist += "?" + "&".join(f"{k}__exact={v}" for k, v in extra.items())
        board.rows.append(
            KindRow(
                label=label,
                changelist=changelist,
                overdue=queryset.review_overdue().count(),
                **counts,
            )
        )
    pending = models.PendingChange.objects.filter(status=models.PendingChange.Status.PENDING)
    if not national:
        pending = pending.within_states(states)
    board.pending_changes = pending.count()
    runs = models.ImportRun.objects.select_related("user").order_by("-started_at")[:50]
    board.imports = [run for run in runs if roles.may_see_run(user, run)][:10]
    return board


class FinderAdminSite(AdminSite):
    site_header = "Integrated Care Finder — catalog admin"
    site_title = "Integrated Care Finder admin"
    index_title = "Dashboard"
    index_template = "admin/finder_index.html"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        extra = dict(extra_context or {})
        if roles.has_any_role(request.user):
            extra["dashboard"] = build_dashboard(request.user)
        return super().index(request, extra)
