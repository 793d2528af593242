"""The wizard's questions: wording, hints, "why we ask", and when each one applies.

The names and values are those of docs/answers.md (the engine parses them); this
module holds only what a person reads. One question per screen, each with an
"I'm not sure" choice, in plain words (aim: grade 8 or below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Choice:
    value: str
    label: str | Promise
    hint: str | Promise = ""


@dataclass(frozen=True)
class Question:
    name: str
    title: str | Promise  # short, for <title> and the counselor form
    legend: str | Promise
    hint: str | Promise
    why: str | Promise
    choices: tuple[Choice, ...] = field(default=())


NOT_SURE = Choice("not_sure", _("I'm not sure"))

ZIP = Question(
    name="zip",
    title=_("Your ZIP code"),
    legend=_("What is your ZIP code?"),
    hint=_("5 numbers, for example 33125."),
    why=_("Plans serve only some places. Your ZIP code tells us which county you live in."),
)

COUNTY = Question(
    name="county",
    title=_("Your county"),
    legend=_("Which county do you live in?"),
    hint=_("Some ZIP codes cross county lines. Check that this is your county."),
    why=_("Plans are sold by county. The wrong county would show you the wrong plans."),
)

MEDICARE = Question(
    name="medicare",
    title=_("Medicare"),
    legend=_("Which parts of Medicare do you have?"),
    hint=_("Look at your red, white and blue Medicare card. It lists Part A and Part B."),
    why=_(
        "To join a Medicare Advantage plan, including a D-SNP, you need both Part A "
        "(hospital) and Part B (medical)."
    ),
    choices=(
        Choice("ab", _("Both Part A and Part B")),
        Choice("a_only", _("Only Part A (hospital insurance)")),
        Choice("b_only", _("Only Part B (medical insurance)")),
        Choice("neither", _("I don't have Medicare yet")),
        NOT_SURE,
    ),
)

COVERAGE = Question(
    name="coverage",
    title=_("Your Medicare coverage now"),
    legend=_("How do you get your Medicare now?"),
    hint=_("Choose the one that fits best."),
    why=_("When you can change plans depends on how you get Medicare today."),
    choices=(
        Choice(
            "new", _("I'm just getting Medicare"), _("Your Medicare starts soon or just started.")
        ),
        Choice(
            "original",
            _("Original Medicare"),
            _("You use your red, white and blue card at the doctor."),
        ),
        Choice(
            "ma",
            _("A Medicare Advantage plan"),
            _("You get your Medicare through a private plan, like an HMO or PPO."),
        ),
        Choice(
            "dsnp",
            _("A plan for people with Medicare and Medicaid (D-SNP)"),
            _("A Medicare Advantage plan only for people who also have Medicaid."),
        ),
        Choice("pace", _("PACE"), _("A program that gives all your care through one center.")),
        NOT_SURE,
    ),
)

MEDICAID = Question(
    name="medicaid",
    title=_("Medicaid"),
    legend=_("What help do you get from Medicaid?"),
    hint=_("Your Medicaid card or letter may say. If you don't know, choose \"I'm not sure\"."),
    why=_(
        "Some plans are only for people with full Medicaid. Others also take people whose "
        "Medicaid pays only their Medicare costs."
    ),
    choices=(
        Choice(
            "full",
            _("Full Medicaid"),
            _("Medicaid covers things like long-term care. Not sure which kind? Choose this."),
        ),
        Choice(
            "qmb_plus", _("QMB Plus"), _("Full Medicaid, and Medicaid pays your Medicare costs.")
        ),
        Choice(
            "slmb_plus",
            _("SLMB Plus"),
            _("Full Medicaid, and Medicaid pays your Part B premium."),
        ),
        Choice(
            "fbde",
            _("Full Medicaid, but not QMB or SLMB"),
            _("Sometimes called a full-benefit dual eligible."),
        ),
        Choice(
            "msp",
            _("A Medicare Savings Program only"),
            _("Medicaid pays some Medicare costs, but no other care. Not sure which? Choose this."),
        ),
        Choice(
            "qmb",
            _("QMB only"),
            _("Medicaid pays your Medicare premiums, deductibles and copays."),
        ),
        Choice("slmb", _("SLMB only"), _("Medicaid pays your Part B premium.")),
        Choice("qi", _("QI"), _("Medicaid pays your Part B premium.")),
        Choice("qdwi", _("QDWI"), _("Medicaid pays your Part A premium while you work.")),
        Choice("none", _("I don't get Medicaid")),
        NOT_SURE,
    ),
)

CURRENT_PLAN = Question(
    name="current_plan",
    title=_("Your plan now"),
    legend=_("Are you in one of these plans now?"),
    hint=_("The plan's name and ID are on your member card, for example H1234-005."),
    why=_(
        "Plans can change or end on January 1. If you tell us your plan, we can say what "
        "happens to it and what you can do. This question is optional."
    ),
)

MEDICAID_PLAN = Question(
    name="medicaid_plan",
    title=_("Your Medicaid plan"),
    legend=_("Which Medicaid plan are you in?"),
    hint=_("Your Medicaid plan's name is on your Medicaid plan card."),
    why=_(
        "Some plans work only with one Medicaid plan. If you join one, you may also need "
        "to move your Medicaid to its partner plan."
    ),
)

MEDICAID_CHANGE = Question(
    name="medicaid_change",
    title=_("Recent changes"),
    legend=_("In the last 3 months, did your Medicaid or Extra Help start or change?"),
    hint=_("For example, you got Medicaid for the first time, or your Medicaid level changed."),
    why=_("A recent change can give you a special time to change plans."),
    choices=(Choice("yes", _("Yes")), Choice("no", _("No")), NOT_SURE),
)

AGE = Question(
    name="age",
    title=_("Your age"),
    legend=_("How old are you?"),
    hint=_("Choose your age group. We never ask for your birth date."),
    why=_("Some plans are only for some ages. PACE is for people 55 and older."),
    choices=(
        Choice("under18", _("Under 18")),
        Choice("18-20", _("18 to 20")),
        Choice("21-54", _("21 to 54")),
        Choice("55-59", _("55 to 59")),
        Choice("60-64", _("60 to 64")),
        Choice("65plus", _("65 or older")),
        NOT_SURE,
    ),
)

CARE_NEEDS = Question(
    name="care_needs",
    title=_("Needs help with daily activities"),
    legend=_("Do you need help with daily activities, like bathing, dressing or eating?"),
    hint=_("Think about the help you need most days."),
    why=_(
        "PACE is for people who need the kind of care a nursing home gives, but who can "
        "live at home with help."
    ),
    choices=(Choice("yes", _("Yes")), Choice("no", _("No")), NOT_SURE),
)

NURSING_HOME = Question(
    name="nursing_home",
    title=_("Lives in a nursing home"),
    legend=_("Do you live in a nursing home now?"),
    hint=_("Or another long-term care home, like a skilled nursing facility."),
    why=_("People who live in a nursing home can change plans at more times of the year."),
    choices=(Choice("yes", _("Yes")), Choice("no", _("No")), NOT_SURE),
)

QUESTIONS: tuple[Question, ...] = (
    ZIP,
    COUNTY,
    MEDICARE,
    COVERAGE,
    CURRENT_PLAN,
    MEDICAID,
    MEDICAID_PLAN,
    MEDICAID_CHANGE,
    AGE,
    CARE_NEEDS,
    NURSING_HOME,
)
BY_NAME: Mapping[str, Question] = {q.name: q for q in QUESTIONS}
