"""What the engine answers: statuses, findings, windows and decisions.

Every message is a lazy translation (``gettext_lazy``/``format_lazy``), resolved in the
reader's language when a template renders it, never when the engine runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, Protocol


class Message(Protocol):
    """Text shown to a person: a ``str`` or a lazy translation that renders to one.

    A Protocol rather than ``str | Promise`` because this package may import nothing from
    Django except the translation helpers (see ``__init__``).
    """

    def __str__(self) -> str: ...


Outcome = Literal["pass", "check", "fail", "note"]
"""``pass``: the rule is met. ``check``: may be met, the person or a helper must check.
``fail``: a fact rules the plan out. ``note``: something to know that never changes the
status (for example, that joining PACE ends a Medicare Advantage plan)."""

Helper = Literal[
    "ship", "medicaid", "enrollment_broker", "plan", "pace_organization", "social_security"
]
"""Who can help with a next step; the view turns these into the state's own contacts."""

HELPERS: tuple[Helper, ...] = (
    "ship",
    "medicaid",
    "enrollment_broker",
    "plan",
    "pace_organization",
    "social_security",
)


class Status(StrEnum):
    """A plan's status for a person, from the most to the least open."""

    ELIGIBLE = "eligible"
    MAY_QUALIFY = "may_qualify"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def strictness(self) -> int:
        """0 for eligible, 1 for may qualify, 2 for not eligible: higher is stricter."""
        return _STRICTNESS[self]


_STRICTNESS = {Status.ELIGIBLE: 0, Status.MAY_QUALIFY: 1, Status.NOT_ELIGIBLE: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's result for one plan, with the rule's citation and what to do next."""

    rule: str
    outcome: Outcome
    message: Message
    citations: tuple[str, ...]
    next_step: Message | None = None
    who_can_help: Helper | None = None


def status_of(findings: tuple[Finding, ...]) -> Status:
    """Not eligible if any rule fails, may qualify if any asks for a check, else eligible."""
    outcomes = {f.outcome for f in findings}
    if "fail" in outcomes:
        return Status.NOT_ELIGIBLE
    if "check" in outcomes:
        return Status.MAY_QUALIFY
    return Status.ELIGIBLE


@dataclass(frozen=True, slots=True)
class EnrollmentWindow:
    """A period in which the person can ask to join, and when coverage would start.

    ``closes`` is None when the period has no fixed end we can compute (for example it
    lasts as long as the person lives in a nursing home). ``condition`` is set when the
    period applies only if an answer the person was not sure of turns out a certain way:
    "not sure" shows the period with its condition rather than hiding it.
    """

    code: str
    label: Message
    opens: date
    closes: date | None
    effective: date
    citations: tuple[str, ...]
    open_now: bool
    condition: Message | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A plan's status for the person, every reason, and when they could join."""

    plan_id: str
    status: Status
    findings: tuple[Finding, ...]
    next_steps: tuple[Message, ...]
    window: EnrollmentWindow | None
    windows: tuple[EnrollmentWindow, ...] = ()
    premium_text: Message | None = None
    plan_year: int = 0

    @property
    def ending(self) -> bool:
        """No period can start coverage before the plan's year ends: nobody can join it
        any more (from December 1 for this year's plans), whatever the rules say."""
        return self.window is None

    @property
    def ends_on(self) -> date:
        return date(self.plan_year, 12, 31)

    @property
    def can_join_now(self) -> bool:
        """A period the answers say applies is open today (not one that depends on an
        answer the person was not sure of), and no rule rules the plan out."""
        window = self.window
        return (
            self.status is not Status.NOT_ELIGIBLE
            and window is not None
            and window.open_now
            and window.condition is None
            and window.code != "ask_ship"
        )

    @property
    def coverage_starts(self) -> date | None:
        """When coverage would start through the best period, if a known one applies."""
        window = self.window
        if self.status is Status.NOT_ELIGIBLE or window is None or window.code == "ask_ship":
            return None
        return window.effective

    @property
    def who_can_help(self) -> tuple[Helper, ...]:
        """The helpers named by the findings that are not a plain pass, in first-seen order."""
        seen: list[Helper] = []
        for finding in self.findings:
            helper = finding.who_can_help
            if helper is not None and finding.outcome != "pass" and helper not in seen:
                seen.append(helper)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Joining:
    """When a person could join one plan, without the rules about the person: what a
    plan page and the compare page show (the results page has the whole Decision)."""

    window: EnrollmentWindow | None
    windows: tuple[EnrollmentWindow, ...]
    plan_year: int

    @property
    def ending(self) -> bool:
        return self.window is None

    @property
    def ends_on(self) -> date:
        return date(self.plan_year, 12, 31)


@dataclass(frozen=True, slots=True)
class OriginalMedicareOption:
    """Original Medicare, always shown, worded for the person's answers."""

    title: Message
    summary: Message
    points: tuple[Message, ...]
    citations: tuple[str, ...]
    who_can_help: tuple[Helper, ...]


@dataclass(frozen=True, slots=True)
class Results:
    """Every plan of the person's county, by status, plus the Original Medicare option.

    Plans whose service area does not include the county are not here at all. A plan
    nobody can join any more (its year ends before any period could start coverage) is
    in ``ending`` whatever its status, never among the plans one can join. Within a group
    the order is the order the caller passed in: the view applies the neutral, disclosed
    order.
    """

    eligible: tuple[Decision, ...]
    may_qualify: tuple[Decision, ...]
    not_eligible: tuple[Decision, ...]
    original_medicare: OriginalMedicareOption
    on: date
    ending: tuple[Decision, ...] = ()

    @property
    def count(self) -> int:
        return len(self.all())

    def all(self) -> tuple[Decision, ...]:
        return self.eligible + self.may_qualify + self.not_eligible + self.ending
