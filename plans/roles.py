"""Who may do what, in which states: the one place admin permissions are decided.

National admins are superusers and may do everything. Everyone else acts only through
``StateRole`` rows: a state editor edits and submits for review; a state reviewer also
publishes, sends back and approves edits — never their own (four eyes). Staff users
with no role see nothing. The admin classes ask these functions; they never decide
on their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model

from plans import models

AnyUser = AbstractBaseUser | AnonymousUser

_CACHE_ATTR = "_finder_state_roles"


def is_national(user: AnyUser) -> bool:
    return bool(user.is_active and user.is_staff and user.is_superuser)


def _roles(user: AnyUser) -> dict[str, frozenset[str]]:
    """Role → state codes, read once per user object (a request's user lives one request)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: dict[str, set[str]] = {
        models.StateRole.Role.EDITOR: set(),
        models.StateRole.Role.REVIEWER: set(),
    }
    if user.is_authenticated and user.is_active and user.is_staff:
        for state_id, role in models.StateRole.objects.filter(user=user).values_list(
            "state_id", "role"
        ):
            roles[role].add(state_id)
    frozen = {role: frozenset(codes) for role, codes in roles.items()}
    setattr(user, _CACHE_ATTR, frozen)
    return frozen


def editor_states(user: AnyUser) -> frozenset[str]:
    """States the user may edit in (reviewers edit too)."""
    roles = _roles(user)
    return roles[models.StateRole.Role.EDITOR] | roles[models.StateRole.Role.REVIEWER]


def reviewer_states(user: AnyUser) -> frozenset[str]:
    return _roles(user)[models.StateRole.Role.REVIEWER]


def has_any_role(user: AnyUser) -> bool:
    return is_national(user) or bool(editor_states(user))


def object_states(obj: Model) -> frozenset[str]:
    """The states an item belongs to. Empty means national (or not yet placed)."""
    if isinstance(obj, models.Plan):
        if obj.pk is None:
            return frozenset()
        return frozenset(
            models.ServiceArea.objects.filter(plan_id=obj.pk).values_list(
                "county__state_id", flat=True
            )
        )
    if isinstance(obj, models.PendingChange):
        return frozenset(obj.states.values_list("code", flat=True))
    if isinstance(obj, models.ImportRun):
        return frozenset(obj.states or ())
    if isinstance(obj, models.State):
        return frozenset({obj.code})
    if isinstance(obj, models.ZipCounty):
        return frozenset({obj.county.state_id})
    state_id = getattr(obj, "state_id", None)
    return frozenset({state_id}) if state_id else frozenset()


def _within(states: Iterable[str], allowed: frozenset[str]) -> bool:
    states = frozenset(states)
    return bool(states) and states <= allowed


def can_view(user: AnyUser, obj: Model) -> bool:
    if is_national(user):
        return True
    return bool(object_states(obj) & editor_states(user))


def can_edit(user: AnyUser, obj: Model) -> bool:
    """Edit: every state the item touches must be one of the user's."""
    return is_national(user) or _within(object_states(obj), editor_states(user))


def can_review(user: AnyUser, obj: Model) -> bool:
    return is_national(user) or _within(object_states(obj), reviewer_states(user))


def can_approve(user: AnyUser, obj: Model, *, author_id: int | None) -> bool:
    """Publishing someone's work: a reviewer of every state it touches, and not its author.

    National admins may approve their own work (there is nobody above them); everyone
    else needs a second person.
    """
    if is_national(user):
        return True
    return can_review(user, obj) and author_id != user.pk


def may_import(user: AnyUser) -> bool:
    """National admins import any file; state reviewers import Landscape files limited to
    their states (the one importer with a states limit; see docs/decisions.md)."""
    return is_national(user) or bool(reviewer_states(user))


def may_see_run(user: AnyUser, run: models.ImportRun) -> bool:
    """A run is a state user's when they started it or every state it touched is theirs."""
    if is_national(user):
        return True
    if run.user_id is not None and run.user_id == user.pk:
        return True
    return _within(run.states or (), editor_states(user))
