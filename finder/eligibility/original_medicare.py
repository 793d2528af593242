"""The Original Medicare option: always shown, worded for the person's answers.

With Medicaid and a standalone drug plan (full duals; Extra Help where it exists), with
help from a Medicare Savings Program (partial duals; the QMB billing protection where the
state covers QMBs), how to get Part A and Part B when the person lacks them, and the
monthly period duals and people with Extra Help have to switch to Original Medicare with
a drug plan (42 CFR 423.38(c)(4), unverified). Territories: no Extra Help, and in Puerto
Rico no QMB coverage - the wording follows the state's flags.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from finder.eligibility.answers import (
    NOT_SURE,
    PARTIAL_ANSWERS,
    Answers,
    is_full_benefit,
)
from finder.eligibility.facts import StateFacts
from finder.eligibility.outcomes import Helper, Message, OriginalMedicareOption

# QMB, SLMB and QI (and every full-benefit dual) get Extra Help automatically; QDWI does
# not (DOMAIN.md, 42 CFR 423.773(c), unverified).
_DEEMED_PARTIAL = frozenset({"qmb", "slmb", "qi"})


def original_medicare_option(answers: Answers, state: StateFacts) -> OriginalMedicareOption:
    medicaid = answers.medicaid
    points: list[Message] = []
    cites: list[str] = ["part_d_eligibility"]
    helpers: list[Helper] = ["ship"]

    if is_full_benefit(medicaid):
        title = _("Original Medicare with Medicaid and a drug plan")
        summary = _(
            "Keep Original Medicare and your Medicaid, and get your drugs from a separate "
            "Medicare drug plan (Part D). Medicaid pays for care Medicare doesn't cover, like "
            "long-term care."
        )
        points.append(_extra_help_automatic(state))
    elif medicaid in PARTIAL_ANSWERS:
        title = _("Original Medicare with help from a Medicare Savings Program")
        summary = _(
            "Keep Original Medicare. Your Medicare Savings Program pays some Medicare costs. "
            "Add a Medicare drug plan (Part D) for your drugs."
        )
        if state.has_extra_help:
            if medicaid in _DEEMED_PARTIAL:
                points.append(_("You get Extra Help with drug costs automatically."))
            elif medicaid == "qdwi":
                points.append(
                    _(
                        "QDWI does not give Extra Help automatically. You can apply for Extra "
                        "Help with Social Security."
                    )
                )
                helpers.append("social_security")
            else:
                points.append(
                    _("Most people in a Medicare Savings Program get Extra Help automatically.")
                )
            cites.append("extra_help_deemed")
        else:
            points.append(_no_extra_help(state))
            cites.append("extra_help_territories")
    elif medicaid == "none":
        title = _("Original Medicare with a drug plan")
        summary = _("Keep Original Medicare and add a Medicare drug plan (Part D) for your drugs.")
        if state.has_medicare_savings_programs:
            points.append(
                _(
                    "You may qualify for a Medicare Savings Program, which pays Medicare "
                    "premiums. Ask your state Medicaid agency."
                )
            )
            helpers.append("medicaid")
        if state.has_extra_help:
            points.append(_("You may qualify for Extra Help with drug costs. Ask Social Security."))
            helpers.append("social_security")
    else:  # not sure
        title = _("Original Medicare")
        summary = _(
            "Keep Original Medicare and add a Medicare drug plan (Part D) for your drugs. If "
            "you have Medicaid, it pays for care Medicare doesn't cover."
        )
        if state.has_extra_help:
            points.append(
                _("If you have Medicaid or a Medicare Savings Program, you get Extra Help.")
            )
            cites.append("extra_help_deemed")
        else:
            points.append(_no_extra_help(state))
            cites.append("extra_help_territories")
        helpers.append("medicaid")

    if is_full_benefit(medicaid) and state.has_extra_help:
        cites.append("extra_help_deemed")
    elif is_full_benefit(medicaid):
        cites.append("extra_help_territories")

    # QMB billing protection: QMB and QMB Plus are both QMBs (Social Security Act
    # §1902(n)(3)(B)); not where the state does not cover QMBs (Puerto Rico).
    if medicaid in ("qmb", "qmb_plus") and state.covers_qmb:
        points.append(
            _(
                "As a QMB, doctors and hospitals may not bill you for Medicare-covered care "
                "(the QMB billing protection)."
            )
        )
        cites.append("qmb_billing")
    elif medicaid in ("qmb", "qmb_plus", "msp", "full", NOT_SURE) and not state.covers_qmb:
        points.append(
            format_lazy(
                _(
                    "In {state}, Medicaid does not pay Medicare deductibles and copays for QMBs "
                    "the way it does in the 50 states and DC."
                ),
                state=state.name,
            )
        )
        cites.append("puerto_rico_qmb")

    if answers.medicare != "ab":
        points.append(_how_to_get_a_and_b(state))
        cites.append("state_buy_in")
        if "social_security" not in helpers:
            helpers.append("social_security")

    # The monthly switch for duals and people with Extra Help (42 CFR 423.38(c)(4)); with
    # no Medicaid it may still apply through Extra Help, where Extra Help exists.
    if medicaid != "none" or state.has_extra_help:
        sure = medicaid not in (NOT_SURE, "none")
        points.append(_monthly_switch(state.has_extra_help, sure=sure))
        cites.append("dual_lis_monthly_sep")

    return OriginalMedicareOption(
        title=title,
        summary=summary,
        points=tuple(points),
        citations=tuple(dict.fromkeys(cites)),
        who_can_help=tuple(dict.fromkeys(helpers)),
    )


def _monthly_switch(has_extra_help: bool, *, sure: bool) -> Message:
    # Extra Help is named only where it exists; "not sure" gets an "if".
    if has_extra_help and sure:
        return _(
            "With Medicaid or Extra Help you can leave a Medicare Advantage plan for Original "
            "Medicare with a drug plan, or change drug plans, once a month. Coverage starts "
            "the first of the next month."
        )
    if has_extra_help:
        return _(
            "If you have Medicaid or Extra Help, you can leave a Medicare Advantage plan for "
            "Original Medicare with a drug plan, or change drug plans, once a month. Coverage "
            "starts the first of the next month."
        )
    if sure:
        return _(
            "With Medicaid you can leave a Medicare Advantage plan for Original Medicare with "
            "a drug plan, or change drug plans, once a month. Coverage starts the first of the "
            "next month."
        )
    return _(
        "If you have Medicaid, you can leave a Medicare Advantage plan for Original Medicare "
        "with a drug plan, or change drug plans, once a month. Coverage starts the first of "
        "the next month."
    )


def _extra_help_automatic(state: StateFacts) -> Message:
    if state.has_extra_help:
        return _(
            "With Medicaid you get Extra Help automatically: it pays most of your drug plan "
            "premium and drug costs."
        )
    return _no_extra_help(state)


def _no_extra_help(state: StateFacts) -> Message:
    return format_lazy(
        _(
            "Extra Help with drug costs does not exist in {state}. Ask the Medicaid agency "
            "what help with drug costs there is."
        ),
        state=state.name,
    )


def _how_to_get_a_and_b(state: StateFacts) -> Message:
    if state.has_medicare_savings_programs:
        return _(
            "To get Part A or Part B, contact Social Security. If you have Medicaid or a "
            "Medicare Savings Program, the state can pay the premiums (state buy-in)."
        )
    return _("To get Part A or Part B, contact Social Security.")
