"""The two base classes every catalog admin uses: state scoping, and the review workflow.

``ScopedAdmin`` limits lists, forms, choices, inlines and actions to the user's states
(``plans.roles`` decides); anything else is refused with 403 or not found, and logged.

``WorkflowAdmin`` adds draft → in review → published. New items start as drafts; an
edit of a published item (by the edit form or by reverting to an earlier version) is
not saved: it becomes a ``PendingChange`` holding the submitted form, and the public
page keeps showing the published version until a reviewer approves it. Approving
replays that form through this same admin — the same form, inlines and validation —
so what is published is exactly what was reviewed. See docs/decisions.md.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models as db_models
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from simple_history.admin import SimpleHistoryAdmin

from plans import roles, workflow
from plans.models import PendingChange, PublicationStatus, Reviewed

logger = logging.getLogger("plans.admin")

_PROPOSED_ATTR = "_finder_proposed_change"
_APPLYING_ATTR = "_finder_applying_change"


def refuse(request: HttpRequest, what: str) -> PermissionDenied:
    """Log a refused attempt (who, what; never the submitted data) and return the 403."""
    logger.warning(
        "admin refused: user=%s path=%s %s",
        getattr(request.user, "pk", None),
        request.path,
        what,
    )
    return PermissionDenied(what)


def _states_label(states: frozenset[str]) -> str:
    return ", ".join(sorted(states)) or "none"


def states_of_user(request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The choices of a state-bound model (states, or anything with a ``state``) that lie
    in the user's states; other models' choices as they are."""
    if roles.is_national(request.user):
        return queryset
    states = roles.editor_states(request.user)
    model = queryset.model
    if model._meta.label == "plans.State":
        return queryset.filter(code__in=states)
    if any(f.name == "state" for f in model._meta.get_fields()):
        return queryset.filter(state__in=states)
    return queryset


def scope_field(request: HttpRequest, formfield: Any, limit: Any) -> Any:
    """Limit a form field's choices with ``limit(request, field, queryset)``; a choice
    outside them (a tampered form) gets a plain message naming the user's states."""
    if formfield is None or roles.is_national(request.user):
        return formfield
    queryset = getattr(formfield, "queryset", None)
    if queryset is None:
        return formfield
    scoped = limit(request, formfield, queryset)
    if scoped is not queryset:
        formfield.queryset = scoped
        states = _states_label(roles.editor_states(request.user))
        message = f"Choose one in your states ({states})."
        formfield.error_messages["invalid_choice"] = message
        formfield.error_messages["invalid_pk_value"] = message
    return formfield


class ScopedAdmin(admin.ModelAdmin):
    """An admin limited to the user's states.

    ``state_lookup`` is the ORM path from the model to its ``State`` (``None`` for
    national data). ``roles_may_view`` lets state roles see national reference data
    (sponsors) that their forms pick from; they never change it.
    """

    state_lookup: str | None = "state"
    roles_may_view = False
    # Reference data (geography) state roles may look at in their states but not change.
    national_edit_only = False

    # --- what the user sees ------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        user = request.user
        if roles.is_national(user):
            return queryset
        states = roles.editor_states(user)
        if not states:
            return queryset.none()
        if self.state_lookup is None:
            return queryset if self.roles_may_view else queryset.none()
        # A subquery, not a join, so a plan in two of the user's states is listed once.
        mine = self.model._default_manager.filter(**{f"{self.state_lookup}__in": states}).values(
            "pk"
        )
        return queryset.filter(pk__in=mine)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.has_any_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user = request.user
        if roles.is_national(user):
            return True
        if not roles.editor_states(user):
            return False
        if self.state_lookup is None:
            return self.roles_may_view
        return obj is None or roles.can_view(user, obj)

    def _state_edit_allowed(self, request: HttpRequest) -> bool:
        return (
            self.state_lookup is not None
            and not self.national_edit_only
            and bool(roles.editor_states(request.user))
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return roles.is_national(request.user) or self._state_edit_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if roles.is_national(request.user):
            return True
        if not self._state_edit_allowed(request):
            return False
        return obj is None or roles.can_edit(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if roles.is_national(request.user):
            return True
        if not self._state_edit_allowed(request):
            return False
        if obj is None:
            return True
        if isinstance(obj, Reviewed) and obj.status != PublicationStatus.DRAFT:
            # Published content leaves the public pages through review, not a delete.
            return False
        return roles.can_edit(request.user, obj)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.model._default_manager.filter(pk=object_id).exists():
            # It exists but is outside the user's states: log it; the admin answers
            # "not found" just as for an id that does not exist.
            logger.warning(
                "admin refused: user=%s path=%s %s %s outside the user's states",
                getattr(request.user, "pk", None),
                request.path,
                self.model._meta.label,
                object_id,
            )
        return obj

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        if not roles.is_national(request.user):
            # Bulk delete would skip the per-item checks (and delete published items).
            actions.pop("delete_selected", None)
        return actions

    # --- what the user may choose ----------------------------------------------
    def _limit_choices(self, request: HttpRequest, field: Any, queryset: QuerySet[Any]) -> Any:
        return states_of_user(request, queryset)

    def formfield_for_foreignkey(
        self, db_field: db_models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scope_field(request, formfield)

    def formfield_for_manytomany(
        self, db_field: db_models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scope_field(request, formfield)

    def _scope_field(self, request: HttpRequest, formfield: Any) -> Any:
        return scope_field(request, formfield, self._limit_choices)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        # The scoped choices already keep other states out; this is the last check, and
        # the only one on paths that check "view or change" (the history revert form).
        if not roles.is_national(request.user):
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
            if change and (stored is None or not self.has_change_permission(request, stored)):
                raise refuse(request, f"change of {obj._meta.label} {obj.pk}")
            if self.state_lookup == "state" and not roles.can_edit(request.user, obj):
                raise refuse(request, f"{obj._meta.label} outside the user's states")
        super().save_model(request, obj, form, change)


class ScopedInline(admin.StackedInline):
    """An inline whose choices (counties, Medicaid plans) are limited to the user's states.

    Stacked, not tabular: Django's tabular inline leaves each field without a label of
    its own (axe-core "label"), which screen-reader users need.
    """

    extra = 0

    def formfield_for_foreignkey(
        self, db_field: db_models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return scope_field(
            request, formfield, lambda request, _field, queryset: states_of_user(request, queryset)
        )

    # Inlines follow their parent: whoever may change the parent may change its rows.
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_editable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return roles.is_national(request.user) or (
            bool(roles.editor_states(request.user))
            and (obj is None or roles.can_view(request.user, obj))
        )

    def _parent_editable(self, request: HttpRequest, obj: Model | None) -> bool:
        if roles.is_national(request.user):
            return True
        if not roles.editor_states(request.user):
            return False
        return obj is None or roles.can_edit(request.user, obj)


class AtLeastOneOwnCounty(BaseInlineFormSet):
    """A state editor's plan must serve at least one county (of their states), so it
    stays theirs: a plan with no service area belongs to no state and only national
    admins could see it again."""

    require_one = False

    def clean(self) -> None:
        super().clean()
        if not self.require_one:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise forms.ValidationError("Add at least one county this plan serves.")


# --- the review workflow -----------------------------------------------------

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Not reviewed for 12 months"), ("waiting", "Waiting for review")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "waiting":
            return queryset.filter(status=PublicationStatus.IN_REVIEW)
        return queryset


class WorkflowAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """Draft → in review → published, with edits of published items held for review."""

    workflow_readonly = [
        "status",
        "submitted_by",
        "reviewed_by",
        "reviewed_at",
        "last_reviewed",
    ]
    actions = [
        "submit_for_review",
        "publish",
        "send_back",
        "unpublish",
        "confirm_still_correct",
    ]
    change_form_template = "admin/plans/workflow_change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_readonly]
        if not roles.is_national(request.user):
            fields.append("is_sample")
        return fields

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [ReviewDueFilter, *super().get_list_filter(request)]

    @admin.display(description="review due", boolean=True)
    def review_due(self, obj: Reviewed) -> bool:
        return obj.review_overdue()

    # --- review permission, used by the actions' ``permissions=["review"]`` -------
    def has_review_permission(self, request: HttpRequest) -> bool:
        return roles.is_national(request.user) or bool(roles.reviewer_states(request.user))

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return roles.is_national(request.user) or bool(roles.editor_states(request.user))

    def _transition(
        self, request: HttpRequest, queryset: QuerySet[Any], step: Any, done: str
    ) -> None:
        count = 0
        for obj in queryset:
            refusal = step(obj=obj, user=request.user)
            if refusal:
                self.message_user(request, refusal, messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, f"{done}: {count}.", messages.SUCCESS)

    @admin.action(description="Submit for review", permissions=["submit"], location=BOTH)
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._transition(request, queryset, workflow.submit_for_review, "Submitted for review")

    @admin.action(description="Publish (after review)", permissions=["review"], location=BOTH)
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._transition(request, queryset, workflow.publish, "Published")

    @admin.action(description="Send back to draft", permissions=["review"], location=BOTH)
    def send_back(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._transition(request, queryset, workflow.send_back, "Sent back to draft")

    @admin.action(
        description="Unpublish (take off the public pages)",
        permissions=["review"],
        location=BOTH,
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._transition(request, queryset, workflow.unpublish, "Unpublished")

    @admin.action(
        description="Checked: still correct (resets the 12-month review clock)",
        permissions=["review"],
        location=BOTH,
    )
    def confirm_still_correct(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._transition(
            request, queryset, workflow.confirm_still_correct, "Confirmed still correct"
        )

    # --- saving: drafts directly, published items through a PendingChange -------
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not change:
            obj.status = PublicationStatus.DRAFT
        elif not getattr(request, _APPLYING_ATTR, False):
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            # Checked here, before anything is proposed: the history revert form lets
            # anyone who may *view* an item post to it.
            if stored is None or not self.has_change_permission(request, stored):
                raise refuse(request, f"change of {obj._meta.label} {obj.pk}")
            current_status = stored.status
            if current_status == PublicationStatus.PUBLISHED:
                setattr(request, _PROPOSED_ATTR, self._propose(request, obj, form))
                # The revert view saves many-to-many fields itself after save_model:
                # nothing of a proposed change may be saved.
                form.save_m2m = lambda: None
                return
            if current_status == PublicationStatus.IN_REVIEW:
                # What the reviewer would publish changed: back to the editors' draft.
                obj.status = PublicationStatus.DRAFT
                messages.info(request, "Edited while in review: it is a draft again.")
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if getattr(request, _PROPOSED_ATTR, None) is not None:
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        if getattr(request, _PROPOSED_ATTR, None) is not None:
            # Nothing was saved, so the formsets have no saved objects to describe.
            return "Proposed a change for review"
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if getattr(request, _PROPOSED_ATTR, None) is not None:
            message = "Proposed a change for review"
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Model) -> HttpResponse:
        proposed: PendingChange | None = getattr(request, _PROPOSED_ATTR, None)
        if proposed is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            "Your change is waiting for review. The public pages keep showing the "
            "published version until a reviewer approves it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:plans_pendingchange_change", args=[proposed.pk]))

    def _propose(self, request: HttpRequest, obj: Model, form: Any) -> PendingChange:
        via = PendingChange.Via.REVERT if "/history/" in request.path else PendingChange.Via.EDIT
        data = {
            key: values
            for key, values in request.POST.lists()
            if key not in {"csrfmiddlewaretoken", "_save", "_continue", "_change_history"}
        }
        current = type(obj)._default_manager.get(pk=obj.pk)
        latest = obj.history.filter(id=obj.pk).order_by("-history_id").first()
        change = PendingChange.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(current)[:300],
            via=via,
            data=data,
            changes=describe_changes(form, self._formsets_for_description(request)),
            base_history_id=latest.history_id if latest else None,
            author=request.user,
        )
        change.states.set(roles.object_states(current))
        return change

    def _formsets_for_description(self, request: HttpRequest) -> list[Any]:
        return getattr(request, "_finder_formsets", [])

    def _create_formsets(self, request: HttpRequest, obj: Model, change: bool) -> Any:
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request._finder_formsets = formsets  # type: ignore[attr-defined]
        return formsets, inline_instances

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra["pending_changes"] = PendingChange.objects.filter(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                status=PendingChange.Status.PENDING,
            )
            extra["workflow_warning"] = self.workflow_warning(obj)
            extra["is_published"] = obj.status == PublicationStatus.PUBLISHED
        return super().change_view(request, object_id, form_url, extra)

    def workflow_warning(self, obj: Model) -> str:
        return ""


def describe_changes(form: Any, formsets: list[Any]) -> list[dict[str, str]]:
    """What an edit changes, field by field, in words a reviewer can check."""
    lines: list[dict[str, str]] = []
    for name in form.changed_data:
        field = form.fields[name]
        before = form.initial.get(name)
        after = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        lines.append(
            {
                "what": str(field.label or name),
                "before": _display(field, before),
                "after": _display(field, after),
            }
        )
    for formset in formsets:
        label = str(formset.model._meta.verbose_name)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not hasattr(inline_form, "cleaned_data"):
                continue
            data = inline_form.cleaned_data
            if data.get("DELETE"):
                lines.append(
                    {"what": label, "before": str(inline_form.instance), "after": "removed"}
                )
            else:
                shown = ", ".join(
                    f"{inline_form.fields[n].label}: {_display(inline_form.fields[n], data.get(n))}"
                    for n in inline_form.changed_data
                    if n in inline_form.fields
                )
                before = "(new)" if inline_form.instance.pk is None else str(inline_form.instance)
                lines.append({"what": label, "before": before, "after": shown})
    return lines


def _display(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(field, forms.ModelChoiceField) and not isinstance(value, Model):
        try:
            value = field.queryset.model._default_manager.get(pk=value)
        except (field.queryset.model.DoesNotExist, ValueError, TypeError):
            return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return ", ".join(str(v) for v in value) or "(empty)"
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


def apply_pending_change(
    request: HttpRequest, change: PendingChange, model_admin: WorkflowAdmin
) -> str | None:
    """Approve: replay the stored form through the admin, as the reviewer. Returns a
    refusal message, or None when the change was published."""
    if change.status != PendingChange.Status.PENDING:
        return "This change is no longer waiting for review."
    model = change.content_type.model_class()
    assert model is not None
    obj = model._default_manager.filter(pk=change.object_id).first()
    if obj is None:
        return "The item this change was made to no longer exists."
    if not roles.can_approve(request.user, obj, author_id=change.author_id):
        if roles.can_review(request.user, obj):
            return "You proposed this change: another reviewer must approve it."
        return "You may not review this change."
    latest = obj.history.filter(id=obj.pk).order_by("-history_id").first()
    if change.base_history_id and latest and latest.history_id != change.base_history_id:
        return (
            "The item changed after this edit was proposed, so approving it could undo "
            "that newer change. Reject it and ask for the edit to be made again."
        )
    replay = _replay_request(request, change.data)
    setattr(replay, _APPLYING_ATTR, True)
    fieldsets = model_admin.get_fieldsets(replay, obj)
    form_class = model_admin.get_form(
        replay, obj, change=True, fields=admin.utils.flatten_fieldsets(fieldsets)
    )
    form = form_class(replay.POST, instance=obj)
    formsets: list[Any] = []
    if change.via == PendingChange.Via.EDIT:
        formsets, _ = model_admin._create_formsets(replay, form.instance, change=True)
    valid = form.is_valid() and all(formset.is_valid() for formset in formsets)
    if not valid:
        problems = [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
        for formset in formsets:
            problems += [str(e) for e in formset.non_form_errors()]
            problems += [str(e) for e in formset.errors if e]
        return "This change no longer passes the checks: " + "; ".join(problems)
    with transaction.atomic():
        new_object = model_admin.save_form(replay, form, change=True)
        new_object._change_reason = (  # type: ignore[attr-defined]
            f"Change #{change.pk} by {change.author}, approved by {request.user}"
        )
        new_object.reviewed_by = request.user
        new_object.reviewed_at = timezone.now()
        new_object.last_reviewed = timezone.localdate()
        model_admin.save_model(replay, new_object, form, change=True)
        model_admin.save_related(replay, form, formsets, change=True)
        change.status = PendingChange.Status.APPROVED
        change.reviewer = request.user
        change.reviewed_at = timezone.now()
        change.save(update_fields=["status", "reviewer", "reviewed_at"])
    model_admin.log_change(
        replay, new_object, f"Published change #{change.pk} proposed by {change.author}"
    )
    return None


def _replay_request(request: HttpRequest, data: dict[str, list[str]]) -> HttpRequest:
    replay = HttpRequest()
    replay.method = "POST"
    replay.user = request.user
    replay.path = request.path
    replay.META = request.META
    replay.COOKIES = {}
    post = QueryDict(mutable=True)
    for key, values in data.items():
        post.setlist(key, values)
    replay.POST = post
    replay.GET = QueryDict()
    replay.FILES = MultiValueDict()
    replay._messages = getattr(request, "_messages", None)  # type: ignore[attr-defined]
    return replay
