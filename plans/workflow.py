"""Draft → in review → published: the transitions, who may make them, and what is recorded.

Plain functions with keyword-only arguments, called by admin actions, buttons and
commands alike. Each returns a refusal message (``str``) or ``None`` when it did the
transition; a refusal changes nothing. Saving goes through the model so the history
records who did it (django-simple-history) and the catalog version moves on.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from plans import roles
from plans.models import PendingChange, PublicationStatus, Reviewed

DRAFT = PublicationStatus.DRAFT
IN_REVIEW = PublicationStatus.IN_REVIEW
PUBLISHED = PublicationStatus.PUBLISHED


def _save(obj: Reviewed, *, user: AbstractBaseUser, reason: str, fields: list[str]) -> None:
    obj._history_user = user  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(update_fields=fields)


def submit_for_review(*, obj: Reviewed, user: AbstractBaseUser) -> str | None:
    if obj.status != DRAFT:
        return f"“{obj}” is not a draft ({obj.get_status_display()})."
    if not roles.can_edit(user, obj):
        return f"You may not edit “{obj}”."
    obj.status = IN_REVIEW
    obj.submitted_by = user
    _save(obj, user=user, reason="Submitted for review", fields=["status", "submitted_by"])
    return None


def publish(*, obj: Reviewed, user: AbstractBaseUser) -> str | None:
    """Publish an item in review. Its last-reviewed date becomes today."""
    if obj.status != IN_REVIEW:
        return f"“{obj}” is not waiting for review ({obj.get_status_display()})."
    if not roles.can_approve(user, obj, author_id=obj.submitted_by_id):
        if roles.can_review(user, obj):
            return f"“{obj}” was submitted by you: another reviewer must publish it."
        return f"You may not publish “{obj}”."
    if PendingChange.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
        status=PendingChange.Status.PENDING,
    ).exists():
        return f"“{obj}” has an edit waiting for review: approve or reject it first."
    now = timezone.now()
    obj.status = PUBLISHED
    obj.reviewed_by = user
    obj.reviewed_at = now
    obj.last_reviewed = timezone.localdate()
    _save(
        obj,
        user=user,
        reason="Published",
        fields=["status", "reviewed_by", "reviewed_at", "last_reviewed"],
    )
    return None


def send_back(*, obj: Reviewed, user: AbstractBaseUser) -> str | None:
    """A reviewer returns an item in review to its editors."""
    if obj.status != IN_REVIEW:
        return f"“{obj}” is not waiting for review ({obj.get_status_display()})."
    if not roles.can_review(user, obj):
        return f"You may not review “{obj}”."
    obj.status = DRAFT
    _save(obj, user=user, reason="Sent back to draft", fields=["status"])
    return None


def unpublish(*, obj: Reviewed, user: AbstractBaseUser) -> str | None:
    """Take an item off the public pages at once (a reviewer's decision)."""
    if obj.status != PUBLISHED:
        return f"“{obj}” is not published."
    if not roles.can_review(user, obj):
        return f"You may not unpublish “{obj}”."
    obj.status = DRAFT
    _save(obj, user=user, reason="Unpublished", fields=["status"])
    return None


def confirm_still_correct(*, obj: Reviewed, user: AbstractBaseUser) -> str | None:
    """A reviewer checked a published item and it is still right: reset its review clock."""
    if obj.status != PUBLISHED:
        return f"“{obj}” is not published."
    if not roles.can_review(user, obj):
        return f"You may not review “{obj}”."
    obj.last_reviewed = timezone.localdate()
    obj.reviewed_by = user
    obj.reviewed_at = timezone.now()
    _save(
        obj,
        user=user,
        reason="Checked and still correct",
        fields=["last_reviewed", "reviewed_by", "reviewed_at"],
    )
    return None


def reject_change(
    *, change: PendingChange, target: Reviewed, user: AbstractBaseUser, note: str
) -> str | None:
    if change.status != PendingChange.Status.PENDING:
        return "This change is no longer waiting for review."
    if not roles.can_review(user, target):
        return "You may not review this change."
    with transaction.atomic():
        change.status = PendingChange.Status.REJECTED
        change.reviewer = user
        change.reviewed_at = timezone.now()
        change.review_note = note
        change.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
    return None


def withdraw_change(*, change: PendingChange, user: AbstractBaseUser) -> str | None:
    if change.status != PendingChange.Status.PENDING:
        return "This change is no longer waiting for review."
    if change.author_id != user.pk:
        return "Only its author may withdraw a change."
    change.status = PendingChange.Status.WITHDRAWN
    change.save(update_fields=["status"])
    return None
