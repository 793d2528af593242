"""The eligibility rules: small functions, each returning its findings, all of them run.

In the spirit of 18F/dsnap_rules: every rule is a plain function of the answers and the
facts, with its citation in a comment and in each finding, and the engine collects every
rule's findings so the person sees every reason, not just the first.

What may fail (not eligible): only facts the person cannot be wrong about in a way that
hurts them - outside the service area (including a PACE ZIP limit when the ZIP is known),
an age band clearly outside the plan's limits, a plan under an enrollment sanction, and a
Medicaid plan lock-in that stops the move an aligned plan needs. Everything else that is
uncertain is a "check" (may qualify) with a next step and who can help. "Not sure" is
never stricter than a definite answer: it is at most a check.

End-stage renal disease (ESRD) is deliberately absent: 42 CFR 422.50(a)(2) limits the old
ESRD bar to coverage before January 1, 2021, so the finder asks no ESRD question and no
rule may mention it as a reason to leave a plan out (tests/eligibility/test_esrd.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Final

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from finder.eligibility.answers import (
    AGE_BANDS,
    ALL_CATEGORIES,
    FULL_CATEGORIES,
    NOT_SURE,
    PARTIAL_CATEGORIES,
    Answers,
    may_be_full_benefit,
)
from finder.eligibility.facts import MedicaidPlanFacts, PlanFacts, StateFacts
from finder.eligibility.outcomes import Finding, Helper, Message, Outcome


@dataclass(frozen=True, slots=True)
class StateIndex:
    """Lookups over a state's facts, built once per results page rather than per plan."""

    state: StateFacts
    medicaid_plans: Mapping[str, MedicaidPlanFacts] = field(default_factory=dict)
    # Parent organization → its Medicaid plans that enroll full-benefit duals.
    full_benefit_plans_by_parent: Mapping[str, tuple[MedicaidPlanFacts, ...]] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, state: StateFacts) -> StateIndex:
        by_parent: dict[str, list[MedicaidPlanFacts]] = {}
        for medicaid_plan in state.medicaid_plans:
            if medicaid_plan.parent_id is not None and medicaid_plan.enrolls_full_benefit_duals:
                by_parent.setdefault(medicaid_plan.parent_id, []).append(medicaid_plan)
        return cls(
            state=state,
            medicaid_plans={mp.id: mp for mp in state.medicaid_plans},
            full_benefit_plans_by_parent={k: tuple(v) for k, v in by_parent.items()},
        )


@dataclass(frozen=True, slots=True)
class Context:
    answers: Answers
    plan: PlanFacts
    index: StateIndex

    @property
    def state(self) -> StateFacts:
        return self.index.state


Rule = Callable[[Context], tuple[Finding, ...]]

NONE: Final[tuple[Finding, ...]] = ()

# Each rule is split in two: the rule itself reads the answers and facts and reduces them
# to a few plain values (the predicate), and a cached ``_worded`` function turns those
# values into findings. Findings and lazy messages are immutable and resolved only when a
# page renders them, so one object serves every plan alike and every language: a results
# page of hundreds of plans words each distinct finding once.
_worded = lru_cache(maxsize=4096)


def _finding(
    rule: str,
    outcome: Outcome,
    message: Message,
    citations: tuple[str, ...],
    next_step: Message | None = None,
    who: Helper | None = None,
) -> tuple[Finding, ...]:
    return (
        Finding(
            rule=rule,
            outcome=outcome,
            message=message,
            citations=citations,
            next_step=next_step,
            who_can_help=who,
        ),
    )


# --- Words shared by several rules ------------------------------------------------

CATEGORY_LABELS: Final[Mapping[str, Message]] = {
    "qmb_plus": _("QMB Plus"),
    "slmb_plus": _("SLMB Plus"),
    "fbde": _("full Medicaid that is not QMB or SLMB, called FBDE"),
    "qmb": _("QMB only"),
    "slmb": _("SLMB only"),
    "qi": _("QI"),
    "qdwi": _("QDWI"),
}
# A stable order for lists shown to people: full categories first, as on the card table.
_CATEGORY_ORDER: Final = ("qmb_plus", "slmb_plus", "fbde", "qmb", "slmb", "qi", "qdwi")


# The helpers below are cached: a lazy message is resolved only when rendered, so one
# proxy serves every plan and every language, and a results page of hundreds of plans
# builds each distinct message once.


@cache
def category_list(categories: frozenset[str]) -> Message:
    """A lazy, translatable list of category names, e.g. "QMB Plus, SLMB Plus"."""
    labels = [CATEGORY_LABELS[c] for c in _CATEGORY_ORDER if c in categories]
    if not labels:
        return _("no group we know")
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


def _plan_names(names: tuple[str, ...]) -> Message:
    if len(names) == 1:
        return names[0]
    return format_lazy(_("{plans} or {last}"), plans=", ".join(names[:-1]), last=names[-1])


@cache
def _age_range(low: int | None, high: int | None) -> Message:
    if low is not None and high is not None:
        return format_lazy(_("aged {low} to {high}"), low=low, high=high)
    if low is not None:
        return format_lazy(_("aged {low} or older"), low=low)
    return format_lazy(_("aged {high} or younger"), high=high)


_ASK_PLAN = _("Ask the plan.")
_ASK_MEDICAID = _(
    "Your Medicaid card or letter may say. Your state Medicaid agency can tell you for sure."
)
_ASK_BROKER = _(
    "The state's Medicaid enrollment broker or Medicaid agency can move your Medicaid plan."
)


# --- Rules for every plan ---------------------------------------------------------


def service_area(ctx: Context) -> tuple[Finding, ...]:
    """Live in the plan's service area: 42 CFR 422.50(a)(3)(i) (MA), 460.150(b)(3) (PACE).

    A PACE organization may serve only some ZIP codes of a county: a known ZIP outside
    the list fails, an unknown ZIP is a check.
    """
    county = ctx.answers.county
    zip_code = ctx.answers.zip
    if county is None:
        return _service_area(ctx.plan.kind, "no_county", None)
    zips = ctx.plan.service_area.get(county)
    if zips is None:
        return _service_area(ctx.plan.kind, "outside", None)
    if not zips:
        return _service_area(ctx.plan.kind, "whole_county", None)
    if zip_code is None:
        return _service_area(ctx.plan.kind, "zip_unknown", None)
    if zip_code in zips:
        return _service_area(ctx.plan.kind, "zip_served", None)
    return _service_area(ctx.plan.kind, "zip_not_served", zip_code)


@_worded
def _service_area(kind: str, case: str, zip_code: str | None) -> tuple[Finding, ...]:
    rule = "service_area"
    pace = kind == "pace"
    cites = ("pace_service_area",) if pace else ("ma_service_area",)
    who: Helper = "pace_organization" if pace else "plan"
    if case == "no_county":
        return _finding(
            rule,
            "check",
            _("Tell us your county to see whether this plan serves where you live."),
            cites,
        )
    if case == "outside":
        return _finding(rule, "fail", _("This plan does not serve your county."), cites)
    if case == "whole_county":
        return _finding(rule, "pass", _("This plan serves your county."), cites)
    if case == "zip_unknown":
        return _finding(
            rule,
            "check",
            _("This plan serves only some ZIP codes in your county."),
            cites,
            _("Tell us your ZIP code, or ask the PACE organization whether it serves your address.")
            if pace
            else _("Tell us your ZIP code, or ask the plan whether it serves your address."),
            who,
        )
    if case == "zip_served":
        return _finding(rule, "pass", _("This plan serves your ZIP code."), cites)
    return _finding(
        rule,
        "fail",
        format_lazy(
            _("This plan serves only some ZIP codes in your county, and not {zip}."),
            zip=zip_code,
        ),
        cites,
    )


def sanction(ctx: Context) -> tuple[Finding, ...]:
    """A plan under an enrollment sanction takes no new members: 42 CFR 422.750(a)(1) (MA),
    42 CFR 460.42 (PACE)."""
    if not ctx.plan.sanctioned:
        return NONE
    return _sanction(ctx.plan.kind)


@_worded
def _sanction(kind: str) -> tuple[Finding, ...]:
    cites = ("pace_enrollment_suspension",) if kind == "pace" else ("ma_sanction",)
    return _finding(
        "sanction",
        "fail",
        _("This plan is not taking new members now: Medicare has stopped its enrollment."),
        cites,
    )


def age(ctx: Context) -> tuple[Finding, ...]:
    """Age limits: PACE is for people 55 or older (42 CFR 460.150(b)(1)); some D-SNPs have
    their own limits under the state's contract (42 CFR 422.107(c)(2)), e.g. 21-64 or 65+.

    Band inside the limits: pass. Band wholly outside: fail. Band across a limit, or "not
    sure": check.
    """
    plan = ctx.plan
    if plan.kind == "pace":
        low: int | None = max(55, plan.age_min or 55)
    else:
        low = plan.age_min
    if low is None and plan.age_max is None:
        return NONE
    return _age(plan.kind, low, plan.age_max, ctx.answers.age)


@_worded
def _age(kind: str, low: int | None, high: int | None, age: str) -> tuple[Finding, ...]:
    rule = "age"
    if kind == "pace":
        cites: tuple[str, ...] = ("pace_age",)
        who: Helper = "pace_organization"
    else:
        cites = ("dsnp_state_contract",)
        who = "plan"
    limits = _age_range(low, high)
    band = AGE_BANDS.get(age)
    if band is None:
        return _finding(
            rule,
            "check",
            format_lazy(_("This plan is for people {limits}."), limits=limits),
            cites,
            _("Check that your age fits."),
            who,
        )
    band_low, band_high = band
    if (high is not None and band_low > high) or (
        low is not None and band_high is not None and band_high < low
    ):
        return _finding(
            rule,
            "fail",
            format_lazy(_("This plan is only for people {limits}."), limits=limits),
            cites,
        )
    inside_low = low is None or band_low >= low
    inside_high = high is None or (band_high is not None and band_high <= high)
    if inside_low and inside_high:
        return _finding(
            rule,
            "pass",
            format_lazy(_("This plan is for people {limits}, like you."), limits=limits),
            cites,
        )
    return _finding(
        rule,
        "check",
        format_lazy(
            _("This plan is for people {limits}. Part of your age group is outside that."),
            limits=limits,
        ),
        cites,
        _("Check that your age fits."),
        who,
    )


# --- D-SNP rules ------------------------------------------------------------------


def medicare_parts(ctx: Context) -> tuple[Finding, ...]:
    """A D-SNP is a Medicare Advantage plan: Part A and Part B are needed
    (42 CFR 422.50(a)(1)). Never a bare refusal: the person is told how to get the missing
    part (Social Security enrolls; the state's buy-in or Savings Program can pay premiums).
    PACE does not need Medicare (42 CFR 460.150(d)), so this rule is for D-SNPs only.
    """
    if ctx.plan.kind != "dsnp":
        return NONE
    return _medicare_parts(
        ctx.answers.medicare, ctx.state.has_medicare_savings_programs, ctx.state.covers_qmb
    )


@_worded
def _medicare_parts(medicare: str, msp: bool, covers_qmb: bool) -> tuple[Finding, ...]:
    rule = "medicare_parts"
    cites = ("ma_parts_a_b",)
    if medicare == "ab":
        return _finding(rule, "pass", _("You have Part A and Part B, as D-SNPs need."), cites)
    if medicare == "a_only":
        message = _("D-SNPs need both Part A and Part B. You said you have only Part A.")
        step = (
            _(
                "Sign up for Part B with Social Security. If you have Medicaid or a Medicare "
                "Savings Program, the state can pay your Part B premium."
            )
            if msp
            else _("Sign up for Part B with Social Security.")
        )
    elif medicare == "b_only":
        message = _("D-SNPs need both Part A and Part B. You said you have only Part B.")
        step = (
            _(
                "Ask Social Security about Part A. If you would have to pay a premium for "
                "Part A, the state's Medicare Savings Program (QMB) can pay it."
            )
            if msp and covers_qmb
            else _("Ask Social Security about Part A.")
        )
    elif medicare == "neither":
        message = _("D-SNPs need both Part A and Part B. You said you don't have Medicare yet.")
        step = (
            _(
                "Social Security signs people up for Medicare. If you have Medicaid, the "
                "state may pay your Medicare premiums."
            )
            if msp
            else _("Social Security signs people up for Medicare.")
        )
    else:
        return _finding(
            rule,
            "check",
            _("D-SNPs need both Part A and Part B."),
            cites,
            _("Look at your red, white and blue Medicare card: it lists the parts you have."),
            "social_security",
        )
    return _finding(
        rule,
        "check",
        message,
        (*cites, "state_buy_in") if msp else cites,
        step,
        "social_security",
    )


def plan_categories(plan: PlanFacts, state: StateFacts) -> frozenset[str]:
    """The dual categories a D-SNP enrolls: its own, else the state's default; an
    exclusively aligned plan enrolls full-benefit duals only (42 CFR 422.2), whatever its
    list says."""
    own = plan.dual_categories
    categories = (own if own is not None else state.dsnp_default_categories) & ALL_CATEGORIES
    if plan.exclusively_aligned:
        categories &= FULL_CATEGORIES
    return categories


@cache
def _full_only(categories: frozenset[str]) -> Message:
    return format_lazy(
        _(
            "This plan is only for people with full Medicaid: {groups}. Many people don't "
            "know their Medicaid group, so check which one you have."
        ),
        groups=category_list(categories),
    )


@cache
def _partial_only(categories: frozenset[str]) -> Message:
    return format_lazy(
        _(
            "This plan is only for people whose Medicaid pays only Medicare costs, through a "
            "Medicare Savings Program: {groups}. Check which group you are in."
        ),
        groups=category_list(categories),
    )


def dual_category(ctx: Context) -> tuple[Finding, ...]:
    """Who the D-SNP enrolls, as the state's contract allows (42 CFR 422.107(c)(2)); EAE plans
    are for full-benefit duals only (42 CFR 422.2). People often do not know their
    category, so a mismatch is a check naming the groups to ask about, never a fail."""
    if ctx.plan.kind != "dsnp":
        return NONE
    return _dual_category(
        ctx.answers.medicaid,
        plan_categories(ctx.plan, ctx.state),
        ctx.plan.exclusively_aligned,
        ctx.state.has_medicare_savings_programs,
    )


@_worded
def _dual_category(
    medicaid: str, categories: frozenset[str], exclusively_aligned: bool, msp: bool
) -> tuple[Finding, ...]:
    rule = "dual_category"
    cites: tuple[str, ...] = ("dsnp_state_contract",)
    if exclusively_aligned:
        cites = (*cites, "aligned_enrollment")
    if medicaid == "none":
        return _finding(
            rule,
            "check",
            _(
                "D-SNPs are only for people who get help from Medicaid. Many people qualify "
                "for a Medicare Savings Program without knowing it."
            )
            if msp
            # The territories have no Medicare Savings Programs: do not promise one.
            else _("D-SNPs are only for people who get help from Medicaid."),
            ("dsnp_definition", *cites),
            _("Ask your state Medicaid agency whether you qualify."),
            "medicaid",
        )
    if not categories:
        return _finding(
            rule,
            "check",
            _("We don't know which people with Medicaid this plan takes."),
            cites,
            _ASK_PLAN,
            "plan",
        )
    listed = category_list(categories)
    if medicaid == NOT_SURE:
        return _finding(
            rule,
            "check",
            format_lazy(_("This plan takes people with: {groups}."), groups=listed),
            cites,
            _ASK_MEDICAID,
            "medicaid",
        )
    if medicaid in ALL_CATEGORIES:
        label = CATEGORY_LABELS[medicaid]
        if medicaid in categories:
            return _finding(
                rule,
                "pass",
                format_lazy(_("This plan takes people with {group}, as you said."), group=label),
                cites,
            )
        same_kind = FULL_CATEGORIES if medicaid in FULL_CATEGORIES else PARTIAL_CATEGORIES
        message: Message
        if categories & same_kind:
            message = format_lazy(
                _(
                    "This plan takes only people with: {groups}. You said {group}. States "
                    "name these groups differently, so check which one you have."
                ),
                groups=listed,
                group=label,
            )
        else:
            message = (
                _full_only(categories)
                if medicaid in PARTIAL_CATEGORIES
                else _partial_only(categories)
            )
        return _finding(rule, "check", message, cites, _ASK_MEDICAID, "medicaid")
    # "full" or "msp": the kind is known, the exact group is not.
    kind = FULL_CATEGORIES if medicaid == "full" else PARTIAL_CATEGORIES
    if kind <= categories:
        return _finding(
            rule,
            "pass",
            _("This plan takes people with full Medicaid.")
            if medicaid == "full"
            else _("This plan takes people with a Medicare Savings Program."),
            cites,
        )
    if categories & kind:
        return _finding(
            rule,
            "check",
            format_lazy(
                _("This plan takes only some groups: {groups}. Check which group you are in."),
                groups=category_list(categories & kind),
            ),
            cites,
            _ASK_MEDICAID,
            "medicaid",
        )
    return _finding(
        rule,
        "check",
        _partial_only(categories) if medicaid == "full" else _full_only(categories),
        cites,
        _ASK_MEDICAID,
        "medicaid",
    )


def aligned_medicaid_plan(ctx: Context) -> tuple[Finding, ...]:
    """Exclusively aligned enrollment: members get Medicaid through the aligned Medicaid
    plan (42 CFR 422.2). Joining both at once is normal, so a person in fee-for-service
    Medicaid or another plan may qualify by also moving their Medicaid - unless the state
    locks Medicaid plan changes now (42 CFR 438.56(c); the state's flag) and they are in
    another Medicaid plan. Fee-for-service Medicaid is not a plan, so no lock-in applies."""
    plan = ctx.plan
    if plan.kind != "dsnp" or not plan.exclusively_aligned:
        return NONE
    aligned = ctx.index.medicaid_plans.get(plan.aligned_medicaid_plan_id or "")
    if aligned is None:
        return _aligned("unknown", "", "", "")
    current = ctx.answers.medicaid_plan
    if current == aligned.id:
        return _aligned("in", aligned.name, "", "")
    other = ctx.index.medicaid_plans.get(current)
    if other is not None and ctx.state.medicaid_plan_lock_in:
        return _aligned("locked", aligned.name, other.name, ctx.state.name)
    # Fee-for-service, not sure, another plan where changes are allowed, or an id we
    # do not know (never a refusal on an id we cannot name).
    return _aligned("move", aligned.name, "", "")


@_worded
def _aligned(case: str, name: str, other: str, state: str) -> tuple[Finding, ...]:
    rule = "aligned_medicaid_plan"
    cites: tuple[str, ...] = ("aligned_enrollment",)
    if case == "unknown":
        return _finding(
            rule,
            "check",
            _(
                "Members of this plan must also get their Medicaid from its partner Medicaid "
                "plan. We don't know which plan that is."
            ),
            cites,
            _ASK_PLAN,
            "plan",
        )
    if case == "in":
        return _finding(
            rule,
            "pass",
            format_lazy(_("You are in {plan}, the Medicaid plan this plan works with."), plan=name),
            cites,
        )
    if case == "locked":
        return _finding(
            rule,
            "fail",
            format_lazy(
                _(
                    "Members of this plan must get their Medicaid through {plan}. You are in "
                    "{current}, and {state} does not let people change Medicaid plans now."
                ),
                plan=name,
                current=other,
                state=state,
            ),
            (*cites, "medicaid_lock_in"),
            _(
                "You may be able to change your Medicaid plan at the state's next Medicaid "
                "open enrollment. Ask the enrollment broker or the state Medicaid agency."
            ),
            "enrollment_broker",
        )
    return _finding(
        rule,
        "check",
        format_lazy(
            _(
                "Members of this plan get their Medicaid through {plan}. You would also move "
                "your Medicaid to {plan}."
            ),
            plan=name,
        ),
        cites,
        _ASK_BROKER,
        "enrollment_broker",
    )


def alignment_2027(ctx: Context) -> tuple[Finding, ...]:
    """From plan year 2027 (42 CFR 422.514(h)(1), CMS-4205-F), keyed to the plan year,
    never today's date: where the D-SNP's parent organization also has a Medicaid plan
    that enrolls full-benefit duals in the person's county, new enrollment of full-benefit
    duals is limited to people enrolled in, or in the process of enrolling in, that
    Medicaid plan. Skipped where the state requires more than one D-SNP (the exception).
    Checked for people who are, or may be, full-benefit duals.

    Unverified against the regulation's own words: see citations.py.
    """
    plan = ctx.plan
    county = ctx.answers.county
    if (
        plan.kind != "dsnp"
        or plan.plan_year < 2027
        or plan.parent_id is None
        or county is None
        or ctx.state.requires_multiple_dsnps
        or not may_be_full_benefit(ctx.answers.medicaid)
    ):
        return NONE
    affiliated = tuple(
        mp
        for mp in ctx.index.full_benefit_plans_by_parent.get(plan.parent_id, ())
        if county in mp.counties
    )
    if not affiliated:
        return NONE
    if plan.exclusively_aligned and any(
        mp.id == plan.aligned_medicaid_plan_id for mp in affiliated
    ):
        # The aligned-plan rule already asks for membership in this same Medicaid plan
        # (and may refuse under a lock-in): a second, near-identical check would only
        # repeat it to the person.
        return NONE
    is_member = any(mp.id == ctx.answers.medicaid_plan for mp in affiliated)
    return _alignment_2027(is_member, tuple(mp.name for mp in affiliated))


@_worded
def _alignment_2027(is_member: bool, names: tuple[str, ...]) -> tuple[Finding, ...]:
    rule = "alignment_2027"
    cites = ("dsnp_alignment_2027",)
    plans = _plan_names(names)
    if is_member:
        return _finding(
            rule,
            "pass",
            format_lazy(
                _(
                    "From 2027, new members of this plan with full Medicaid must also be in "
                    "{plans}. You are."
                ),
                plans=plans,
            ),
            cites,
        )
    return _finding(
        rule,
        "check",
        format_lazy(
            _(
                "From 2027, this plan takes new members with full Medicaid only if they are "
                "in, or are joining, {plans}, a Medicaid plan from the same company. You would "
                "also join {plans}."
            ),
            plans=plans,
        ),
        cites,
        _ASK_BROKER,
        "enrollment_broker",
    )


def dsnp_level_of_care(ctx: Context) -> tuple[Finding, ...]:
    """Some D-SNPs (by the state's contract, 42 CFR 422.107(c)(2)) take only people who need
    nursing-home level of care; only an assessment can say, so this is always a check."""
    if ctx.plan.kind != "dsnp" or not ctx.plan.requires_nursing_home_level_of_care:
        return NONE
    return _dsnp_level_of_care()


@_worded
def _dsnp_level_of_care() -> tuple[Finding, ...]:
    return _finding(
        "level_of_care",
        "check",
        _("This plan is only for people who need the care a nursing home gives."),
        ("dsnp_state_contract",),
        _("Ask the plan how they check this."),
        "plan",
    )


# --- PACE rules -------------------------------------------------------------------


def pace_level_of_care(ctx: Context) -> tuple[Finding, ...]:
    """PACE needs the state to certify nursing-home level of care (42 CFR 460.150(b)(2)).
    A wizard answer cannot stand in for that, so PACE is at best "may qualify"; the
    person's answer about daily help only changes the wording, never the status."""
    if ctx.plan.kind != "pace":
        return NONE
    return _pace_level_of_care(ctx.answers.care_needs)


@_worded
def _pace_level_of_care(care: str) -> tuple[Finding, ...]:
    if care == "yes":
        message = _(
            "PACE is for people who need the care a nursing home gives but can live at home "
            "with help. The state must check and certify this."
        )
    elif care == "no":
        message = _(
            "PACE is only for people the state finds need the care a nursing home gives. You "
            "said you don't need help with daily activities, so you may not qualify, but the "
            "state's check decides."
        )
    else:
        message = _(
            "PACE is only for people the state finds need the care a nursing home gives. The "
            "state decides after a check."
        )
    return _finding(
        "pace_level_of_care",
        "check",
        message,
        ("pace_level_of_care",),
        _("Call the PACE organization: it arranges the state's check."),
        "pace_organization",
    )


def pace_community(ctx: Context) -> tuple[Finding, ...]:
    """When joining PACE a person must be able to live safely in the community
    (42 CFR 460.150(c)(1))."""
    if ctx.plan.kind != "pace":
        return NONE
    return _pace_community(ctx.answers.nursing_home)


@_worded
def _pace_community(nursing_home: str) -> tuple[Finding, ...]:
    rule = "pace_community"
    cites = ("pace_community",)
    if nursing_home == "yes":
        return _finding(
            rule,
            "check",
            _(
                "To join PACE you must be able to live safely at home or in the community, "
                "with PACE's help. You said you live in a nursing home now."
            ),
            cites,
            _("Ask the PACE organization whether you could move home with PACE's help."),
            "pace_organization",
        )
    if nursing_home == "no":
        return _finding(
            rule,
            "pass",
            _("PACE is for people who live in the community, as you do."),
            cites,
        )
    return _finding(
        rule,
        "note",
        _("To join PACE you must be able to live safely in the community, with PACE's help."),
        cites,
    )


def pace_waiting_list(ctx: Context) -> tuple[Finding, ...]:
    """States may cap PACE enrollment (Social Security Act §1934(a)(1)): a waiting list
    delays joining, it does not rule anyone out."""
    if ctx.plan.kind != "pace" or not ctx.plan.pace_waiting_list:
        return NONE
    return _pace_waiting_list()


@_worded
def _pace_waiting_list() -> tuple[Finding, ...]:
    return _finding(
        "pace_waiting_list",
        "check",
        _("This PACE organization has a waiting list."),
        ("pace_enrollment_limit",),
        _("Ask the PACE organization how long the wait is."),
        "pace_organization",
    )


def pace_costs(ctx: Context) -> tuple[Finding, ...]:
    """PACE needs neither Medicare nor Medicaid (42 CFR 460.150(d)); without Medicaid the
    person pays the Medicaid part as a monthly premium (42 CFR 460.186, unverified)."""
    if ctx.plan.kind != "pace":
        return NONE
    medicaid = ctx.answers.medicaid
    if medicaid in FULL_CATEGORIES or medicaid == "full":
        return NONE
    return _pace_costs(medicaid == "none")


@_worded
def _pace_costs(no_medicaid: bool) -> tuple[Finding, ...]:
    if no_medicaid:
        message = _(
            "You don't need Medicaid to join PACE. Without Medicaid, you pay the part "
            "Medicaid would pay as a monthly premium."
        )
    else:
        message = _(
            "You don't need Medicaid to join PACE. If you don't have full Medicaid, you pay "
            "the part Medicaid would pay as a monthly premium."
        )
    return _finding(
        "pace_costs",
        "note",
        message,
        ("pace_medicare_medicaid_optional", "pace_premiums"),
        _("Ask the PACE organization what you would pay."),
        "pace_organization",
    )


def pace_only_source(ctx: Context) -> tuple[Finding, ...]:
    """In PACE all Medicare and Medicaid care comes from the PACE organization
    (42 CFR 460.90(b)) and drugs too (42 CFR 423.30(c)): joining ends a Medicare
    Advantage or drug plan."""
    if ctx.plan.kind != "pace":
        return NONE
    return _pace_only_source()


@_worded
def _pace_only_source() -> tuple[Finding, ...]:
    return _finding(
        "pace_only_source",
        "note",
        _(
            "In PACE, all your Medicare and Medicaid care and your drugs come through the PACE "
            "organization. Joining PACE ends any Medicare Advantage plan (such as a D-SNP) or "
            "drug plan you have."
        ),
        ("pace_sole_source", "pace_part_d"),
    )


def qmb_billing(ctx: Context) -> tuple[Finding, ...]:
    """Providers may not bill a QMB for Medicare cost-sharing, in Original Medicare or in
    a Medicare Advantage plan (Social Security Act §1902(n)(3)(B)). Puerto Rico is exempt
    from covering QMBs (§1905(p)(4)(A)), so the note is left out where ``covers_qmb`` is off."""
    if ctx.plan.kind != "dsnp" or not ctx.state.covers_qmb:
        return NONE
    if ctx.answers.medicaid not in ("qmb", "qmb_plus"):
        return NONE
    return _qmb_billing()


@_worded
def _qmb_billing() -> tuple[Finding, ...]:
    return _finding(
        "qmb_billing",
        "note",
        _(
            "You have QMB, so doctors, hospitals and other providers in this plan must not "
            "bill you for deductibles, copays or coinsurance for Medicare Part A and Part B "
            "care. Drug copays still apply. If you get such a bill, call the plan or "
            "1-800-MEDICARE."
        ),
        ("qmb_billing",),
    )


RULES: Final[tuple[Rule, ...]] = (
    service_area,
    sanction,
    medicare_parts,
    dual_category,
    aligned_medicaid_plan,
    alignment_2027,
    age,
    dsnp_level_of_care,
    pace_level_of_care,
    pace_community,
    pace_waiting_list,
    pace_costs,
    pace_only_source,
    qmb_billing,
)
