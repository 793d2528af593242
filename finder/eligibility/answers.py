"""The answers vocabulary (docs/answers.md) and a parser that never raises.

The wizard, the API and the engine share these names and values. ``parse_answers``
takes a query string already reduced to one value per name (the caller keeps the last
of repeated keys) and returns either a clean ``Answers`` or plain messages per
parameter, so a tampered URL re-renders a page with a message instead of a 500.

Checks that need the database are the caller's: that the ZIP reaches the county (or
the county is another county of that state), and that a ``medicaid_plan`` id is one of
the state's Medicaid plans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, cast

from django.utils.translation import gettext_lazy as _

from finder.eligibility.outcomes import Message

NOT_SURE: Final = "not_sure"

MEDICARE_VALUES: Final = ("ab", "a_only", "b_only", "neither", NOT_SURE)
COVERAGE_VALUES: Final = ("new", "original", "ma", "dsnp", "pace", NOT_SURE)

# Dual categories (CMS MMCO fact sheet; NASEM NBK609447 Table C-1). "full" and "msp" are
# the person's "I know the kind but not the name" answers.
FULL_CATEGORIES: Final = frozenset({"qmb_plus", "slmb_plus", "fbde"})
PARTIAL_CATEGORIES: Final = frozenset({"qmb", "slmb", "qi", "qdwi"})
ALL_CATEGORIES: Final = FULL_CATEGORIES | PARTIAL_CATEGORIES
FULL_ANSWERS: Final = FULL_CATEGORIES | {"full"}
PARTIAL_ANSWERS: Final = PARTIAL_CATEGORIES | {"msp"}
MEDICAID_VALUES: Final = (
    "qmb_plus",
    "slmb_plus",
    "fbde",
    "full",
    "qmb",
    "slmb",
    "qi",
    "qdwi",
    "msp",
    "none",
    NOT_SURE,
)
YES_NO_VALUES: Final = ("yes", "no", NOT_SURE)

# Age bands: (youngest, oldest) in whole years; None = no upper bound.
AGE_BANDS: Final[Mapping[str, tuple[int, int | None]]] = {
    "under18": (0, 17),
    "18-20": (18, 20),
    "21-54": (21, 54),
    "55-59": (55, 59),
    "60-64": (60, 64),
    "65plus": (65, None),
}
AGE_VALUES: Final = (*AGE_BANDS, NOT_SURE)

PARAMETERS: Final = (
    "zip",
    "county",
    "medicare",
    "coverage",
    "current_plan",
    "medicaid",
    "medicaid_plan",
    "medicaid_change",
    "age",
    "care_needs",
    "nursing_home",
    "date",
)

# Longer than any valid value; a longer one is tampering and is never echoed back.
MAX_VALUE_LENGTH: Final = 64
# A date outside these years is tampering; the bounds also keep date arithmetic
# ("first of next month") far from date.min and date.max.
EARLIEST_YEAR: Final = 2000
LATEST_YEAR: Final = 2099

_FIVE_DIGITS = re.compile(r"[0-9]{5}", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
# Medicaid plan ids are the caller's (database) ids: short, ASCII, no spaces.
_PLAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", re.ASCII)
# A Medicare plan's contract-PBP(-segment) ID, as on a member card: H1234-005.
_CMS_PLAN_ID = re.compile(r"[HR][0-9]{4}-[0-9]{3}(-[0-9]{3})?", re.ASCII)

Medicare = Literal["ab", "a_only", "b_only", "neither", "not_sure"]
Coverage = Literal["new", "original", "ma", "dsnp", "pace", "not_sure"]
Medicaid = Literal[
    "qmb_plus",
    "slmb_plus",
    "fbde",
    "full",
    "qmb",
    "slmb",
    "qi",
    "qdwi",
    "msp",
    "none",
    "not_sure",
]
YesNo = Literal["yes", "no", "not_sure"]
Age = Literal["under18", "18-20", "21-54", "55-59", "60-64", "65plus", "not_sure"]


@dataclass(frozen=True, slots=True)
class Answers:
    """Cleaned answers. An answer not given is "not_sure"; the date defaults to today.

    ``zip`` and ``county`` are None when not given (the county is required by the API;
    the wizard parses earlier steps without it). ``medicaid_plan`` is a Medicaid plan id
    of the state, "none" (fee-for-service Medicaid) or "not_sure".
    """

    zip: str | None
    county: str | None
    medicare: Medicare
    coverage: Coverage
    medicaid: Medicaid
    medicaid_plan: str
    medicaid_change: YesNo
    age: Age
    care_needs: YesNo
    nursing_home: YesNo
    date: date
    # The D-SNP or PACE plan the person is in now (H1234-005), "none" or "not_sure": it
    # decides no status, only what the results say about that plan's next year.
    current_plan: str = NOT_SURE


type ParsedAnswers = Answers | dict[str, Message]
"""Either clean answers, or parameter name → a plain message saying what is wrong."""


def is_full_benefit(medicaid: str) -> bool:
    """The person said they have full Medicaid (a full-benefit dual)."""
    return medicaid in FULL_ANSWERS


def is_partial_benefit(medicaid: str) -> bool:
    """The person said they have a Medicare Savings Program only (a partial dual)."""
    return medicaid in PARTIAL_ANSWERS


def is_unknown_benefit(medicaid: str) -> bool:
    """The person is not sure what help Medicaid gives them."""
    return medicaid == NOT_SURE


def may_be_full_benefit(medicaid: str) -> bool:
    """Full Medicaid, or not sure: the answers that cannot rule full Medicaid out."""
    return medicaid in FULL_ANSWERS or medicaid == NOT_SURE


def categories_of(medicaid: str) -> frozenset[str]:
    """The dual categories an answer could mean ("full" means any full category)."""
    if medicaid in ALL_CATEGORIES:
        return frozenset({medicaid})
    if medicaid == "full":
        return FULL_CATEGORIES
    if medicaid == "msp":
        return PARTIAL_CATEGORIES
    if medicaid == NOT_SURE:
        return ALL_CATEGORIES
    return frozenset()


def age_band(value: str) -> tuple[int, int | None] | None:
    """The band's bounds, or None for "not_sure"."""
    return AGE_BANDS.get(value)


_REQUIRED = _("Please answer this question.")
_TOO_LONG = _("This answer is too long. Please choose it again.")
_NOT_A_CHOICE = _("This is not one of the answers we know. Please choose it again.")
_ERRORS: Mapping[str, Message] = {
    "zip": _("A ZIP code is 5 numbers, for example 33125."),
    "county": _("Please choose your county from the list."),
    "medicaid_plan": _("Please choose your Medicaid plan from the list."),
    "current_plan": _("Please choose your plan from the list."),
    "date": _("Enter a date as year-month-day, for example 2026-10-15."),
}
_CHOICES: Mapping[str, tuple[str, ...]] = {
    "medicare": MEDICARE_VALUES,
    "coverage": COVERAGE_VALUES,
    "medicaid": MEDICAID_VALUES,
    "medicaid_change": YES_NO_VALUES,
    "age": AGE_VALUES,
    "care_needs": YES_NO_VALUES,
    "nursing_home": YES_NO_VALUES,
}


def parse_answers(
    params: Mapping[str, str],
    *,
    today: date,
    require: Iterable[str] = ("county",),
) -> ParsedAnswers:
    """Clean the answers of a query string; never raises.

    Missing or empty answers are "not sure" (zip and county: None; date: ``today``),
    unless their name is in ``require``. Unknown parameter names are ignored (a link may
    carry ``lang`` or tracking parameters); unknown values, overlong or non-ASCII
    strings, impossible dates and malformed ZIP or county codes are errors.
    """
    errors: dict[str, Message] = {}
    # A bare string would otherwise be read as its letters.
    required = {require} if isinstance(require, str) else set(require)
    raw: dict[str, str | None] = {}
    for name in PARAMETERS:
        value = params.get(name) if isinstance(params, Mapping) else None
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raw[name] = None
            if name in required:
                errors[name] = _REQUIRED
            continue
        if not isinstance(value, str):
            errors[name] = _NOT_A_CHOICE
            continue
        value = value.strip()
        if len(value) > MAX_VALUE_LENGTH:
            errors[name] = _TOO_LONG
            continue
        raw[name] = value

    zip_code = _five_digits("zip", raw.get("zip"), errors)
    county = _five_digits("county", raw.get("county"), errors)
    choices: dict[str, str] = {}
    for name, allowed in _CHOICES.items():
        if name in errors:
            continue
        value = raw.get(name)
        if value is None:
            choices[name] = NOT_SURE
        elif value in allowed:
            choices[name] = value
        else:
            errors[name] = _NOT_A_CHOICE
    medicaid_plan = _medicaid_plan(raw.get("medicaid_plan"), errors)
    current_plan = _current_plan(raw.get("current_plan"), errors)
    on = _date(raw.get("date"), today, errors)

    if errors:
        return errors
    # No errors means each of these parsed.
    assert on is not None and medicaid_plan is not None and current_plan is not None
    return Answers(
        zip=zip_code,
        county=county,
        medicare=_as_medicare(choices["medicare"]),
        coverage=_as_coverage(choices["coverage"]),
        medicaid=_as_medicaid(choices["medicaid"]),
        medicaid_plan=medicaid_plan,
        medicaid_change=_as_yes_no(choices["medicaid_change"]),
        age=_as_age(choices["age"]),
        care_needs=_as_yes_no(choices["care_needs"]),
        nursing_home=_as_yes_no(choices["nursing_home"]),
        date=on,
        current_plan=current_plan,
    )


def _five_digits(name: str, value: str | None, errors: dict[str, Message]) -> str | None:
    if name in errors or value is None:
        return None
    if _FIVE_DIGITS.fullmatch(value) is None:
        errors[name] = _ERRORS[name]
        return None
    return value


def _medicaid_plan(value: str | None, errors: dict[str, Message]) -> str | None:
    if "medicaid_plan" in errors:
        return None
    if value is None:
        return NOT_SURE
    if value in ("none", NOT_SURE) or _PLAN_ID.fullmatch(value) is not None:
        return value
    errors["medicaid_plan"] = _ERRORS["medicaid_plan"]
    return None


def _current_plan(value: str | None, errors: dict[str, Message]) -> str | None:
    if "current_plan" in errors:
        return None
    if value is None:
        return NOT_SURE
    if value in ("none", NOT_SURE) or _CMS_PLAN_ID.fullmatch(value) is not None:
        return value
    errors["current_plan"] = _ERRORS["current_plan"]
    return None


def _date(value: str | None, today: date, errors: dict[str, Message]) -> date | None:
    if "date" in errors:
        return None
    if value is None:
        return today
    match = _ISO_DATE.fullmatch(value)
    if match is None:
        errors["date"] = _ERRORS["date"]
        return None
    year, month, day = (int(part) for part in match.groups())
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        errors["date"] = _ERRORS["date"]
        return None
    try:
        return date(year, month, day)
    except ValueError:
        errors["date"] = _ERRORS["date"]
        return None


# The values were checked against the choices above: the casts only restore the Literal
# types that a dict of plain strings loses.


def _as_medicare(value: str) -> Medicare:
    return cast(Medicare, value)


def _as_coverage(value: str) -> Coverage:
    return cast(Coverage, value)


def _as_medicaid(value: str) -> Medicaid:
    return cast(Medicaid, value)


def _as_yes_no(value: str) -> YesNo:
    return cast(YesNo, value)


def _as_age(value: str) -> Age:
    return cast(Age, value)
