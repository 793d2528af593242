"""The review queue (edits of published items waiting for a reviewer) and state roles."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from simple_history.admin import SimpleHistoryAdmin

from plans import models, roles, workflow
from plans.admin_scoping import WorkflowAdmin, apply_pending_change, refuse


@admin.register(models.PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """Each edit of published content, with what it changes and Approve / Reject."""

    list_display = ["object_repr", "content_type", "author", "created_at", "status", "reviewer"]
    list_filter = ["status", "content_type"]
    list_select_related = ["author", "reviewer", "content_type"]
    search_fields = ["object_repr"]
    change_form_template = "admin/plans/pendingchange/change_form.html"
    readonly_fields = [
        "object_repr",
        "via",
        "author",
        "created_at",
        "status",
        "reviewer",
        "reviewed_at",
        "review_note",
    ]
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.PendingChange]:
        queryset = super().get_queryset(request)
        if roles.is_national(request.user):
            return queryset
        return queryset.within_states(roles.editor_states(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.has_any_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if roles.is_national(request.user):
            return True
        if not roles.editor_states(request.user):
            return False
        return obj is None or roles.can_edit(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:change_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="plans_pendingchange_decide",
            )
        ]
        return own + super().get_urls()

    def _target_admin(self, change: models.PendingChange) -> WorkflowAdmin:
        model = change.content_type.model_class()
        model_admin = self.admin_site._registry.get(model)  # type: ignore[arg-type]
        if not isinstance(model_admin, WorkflowAdmin):
            raise Http404("Not a reviewed item.")
        return model_admin

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        change = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if change is not None:
            model = change.content_type.model_class()
            target = model._default_manager.filter(pk=change.object_id).first() if model else None
            pending = change.status == models.PendingChange.Status.PENDING
            extra.update(
                change_lines=change.changes,
                target=target,
                target_url=(
                    reverse(
                        f"admin:{target._meta.app_label}_{target._meta.model_name}_change",
                        args=[target.pk],
                    )
                    if target is not None
                    else ""
                ),
                may_decide=pending
                and target is not None
                and roles.can_review(request.user, target),
                may_withdraw=pending and change.author_id == request.user.pk,
                own_change=change.author_id == request.user.pk
                and not roles.is_national(request.user),
            )
        return super().change_view(request, object_id, form_url, extra)

    def decide_view(self, request: HttpRequest, change_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:plans_pendingchange_change", args=[change_id])
            )
        change = get_object_or_404(self.get_queryset(request), pk=change_id)
        model = change.content_type.model_class()
        target = model._default_manager.filter(pk=change.object_id).first() if model else None
        decision = request.POST.get("decision", "")
        if decision == "withdraw":
            refusal = workflow.withdraw_change(change=change, user=request.user)
        elif target is None:
            refusal = "The item this change was made to no longer exists."
        elif not roles.can_review(request.user, target):
            raise refuse(request, f"review of pending change {change.pk}")
        elif decision == "approve":
            refusal = apply_pending_change(request, change, self._target_admin(change))
        elif decision == "reject":
            refusal = workflow.reject_change(
                change=change,
                target=target,
                user=request.user,
                note=request.POST.get("note", "").strip()[:2000],
            )
        else:
            refusal = "Choose approve, reject or withdraw."
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
        else:
            done = {"approve": "Approved and published", "reject": "Rejected"}.get(
                decision, "Withdrawn"
            )
            self.message_user(request, f"{done}: {change.object_repr}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:plans_pendingchange_change", args=[change.pk]))


@admin.register(models.StateRole)
class StateRoleAdmin(SimpleHistoryAdmin):
    """Who may edit and review which state: national admins only."""

    list_display = ["user", "state", "role"]
    list_filter = ["role", "state"]
    list_select_related = ["user", "state"]
    search_fields = ["user__username", "user__email", "state__code"]
    autocomplete_fields = ["user", "state"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.is_national(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return roles.is_national(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return roles.is_national(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return roles.is_national(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return roles.is_national(request.user)
