"""How a plan treats its members: CMS Star Ratings measures in plain words.

Two uses. ``plan_quality`` builds the section "How this plan treats its members" of the
plan page and of compare, from each contract's newest Star Ratings year. ``state_quality``
is a public page listing every published D-SNP of a state with the same measures side by
side: sortable by a measure the person chooses, filterable by integration level, and
downloadable as CSV. Neither ranks plans: the default order is a seeded shuffle (plan
names start with the sponsor's brand, so alphabetical order would favour some), there is
no "best" badge, and every gap in CMS's data is said in plain words.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from finder.eligibility import plan_years_in_view
from plans.models import (
    ContractMeasure,
    ContractRating,
    IntegrationLevel,
    MeasureMedian,
    MeasurePart,
    MeasureUnit,
    Plan,
    PlanKind,
    State,
)


@dataclass(frozen=True)
class MeasureSpec:
    """A measure shown to people: its key in CMS's data and our plain words for it."""

    key: str  # ContractMeasure.measure_key
    title: Promise
    column: Promise  # the short heading of the state table
    explanation: Promise
    lower_is_better: bool = False


# The measures that tell how a plan treats its members, in the order a person reads them.
QUALITY_MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        "complaints_about_the_health_plan",
        _("Complaints to Medicare about the plan"),
        _("Complaints per 1,000 members a month"),
        _("Complaints members made to Medicare about the plan, per 1,000 members each month."),
        lower_is_better=True,
    ),
    MeasureSpec(
        "members_choosing_to_leave_the_plan",
        _("Members who chose to leave the plan"),
        _("Members who chose to leave"),
        _(
            "The share of members who chose to leave the plan during the year. People who left "
            "because they moved out of the plan's area are not counted."
        ),
        lower_is_better=True,
    ),
    MeasureSpec(
        "plan_makes_timely_decisions_about_appeals",
        _("Appeals decided on time"),
        _("Appeals decided on time"),
        _(
            "A member can ask the plan to look again when it says no to care or to paying for "
            "it. This is called an appeal. This is how often the plan answered appeals on time."
        ),
    ),
    MeasureSpec(
        "reviewing_appeals_decisions",
        _("Appeals where the independent reviewer agreed with the plan"),
        _("Independent reviewer agreed with the plan"),
        _(
            "If the plan still says no after an appeal, an independent reviewer looks at the "
            "case. This is how often that reviewer agreed with the plan's denial. CMS counts a "
            "higher share as better. It is not the share of all denials that were overturned: "
            "most denials are never appealed, and only cases that reach the reviewer count."
        ),
    ),
    MeasureSpec(
        "getting_needed_care",
        _("Getting needed care"),
        _("Getting needed care (survey)"),
        _(
            "Members' survey score, out of 100: how easy it was to get the care, tests and "
            "treatment they needed, and to see specialists."
        ),
    ),
    MeasureSpec(
        "care_coordination",
        _("Care coordination"),
        _("Care coordination (survey)"),
        _(
            "Members' survey score, out of 100: did their doctors have their records and test "
            "results, and help manage their care?"
        ),
    ),
    MeasureSpec(
        "customer_service",
        _("Customer service"),
        _("Customer service (survey)"),
        _(
            "Members' survey score, out of 100: did the plan's customer service give them the "
            "help they needed, and treat them with respect?"
        ),
    ),
    MeasureSpec(
        "special_needs_plan_snp_care_management",
        _("Checking each member's health needs"),
        _("Health needs checked (special needs plans)"),
        _(
            "How often the plan checked each member's health needs and risks in the past year. "
            "The plan uses this check to plan their care."
        ),
    ),
    MeasureSpec(
        "call_center_foreign_language_interpreter_and_tty_availability",
        _("Interpreters and TTY on the plan's phone line"),
        _("Interpreter and TTY available"),
        _(
            "Medicare made test calls to the plan's phone line in other languages and by TTY. "
            "This is how often an interpreter or TTY was there to help."
        ),
    ),
)
LEAVING_KEY = "members_choosing_to_leave_the_plan"
SUMMARY_SORTS = {"part_c": _("Health plan rating (Part C)"), "overall": _("Overall rating")}
MEASURE_KEYS = frozenset(spec.key for spec in QUALITY_MEASURES)


def _today() -> date:
    return timezone.localdate()


def number_text(value: Decimal) -> str:
    """76 rather than 76.0000, 0.16 rather than 0.1600."""
    return format(value.normalize(), "f")


def value_words(value: Decimal, unit: str) -> str:
    """A measure's number with its unit in words."""
    number = number_text(value)
    if unit == MeasureUnit.PERCENT:
        return gettext("%(number)s percent") % {"number": number}
    if unit in (MeasureUnit.CAHPS_SCORE, MeasureUnit.SCORE):
        return gettext("%(number)s out of 100") % {"number": number}
    if unit == MeasureUnit.COMPLAINTS:
        return gettext("%(number)s complaints per 1,000 members per month") % {"number": number}
    return number


def stars_words(stars: Decimal | int) -> str:
    return gettext("%(stars)s out of 5 stars") % {"stars": number_text(Decimal(stars))}


def cms_says(text: str) -> str:
    """CMS's own words, quoted, instead of a number."""
    return gettext("Medicare says: “%(text)s”") % {"text": text}


# --- The section on the plan page and in compare --------------------------------------


@dataclass(frozen=True)
class ReasonLine:
    name: str  # CMS's words for the reason
    value: str


@dataclass(frozen=True)
class MeasureLine:
    spec: MeasureSpec
    measure: ContractMeasure | None
    value: str  # the number in words, or CMS's words
    stars: str
    better: str
    median: str
    data_period: str
    reasons: list[ReasonLine] = field(default_factory=list)


@dataclass(frozen=True)
class PlanQuality:
    plan: Plan
    rating: ContractRating | None
    is_pace: bool
    lines: list[MeasureLine]
    summary: list[tuple[str, str]]  # (label, words): Part C summary and overall
    periods_given: bool  # whether CMS's file of that year states the data periods
    states: list[tuple[str, str]]  # (USPS code, name) for the state quality links

    @property
    def survey_year(self) -> int | None:
        return self.rating.star_year - 1 if self.rating else None

    @property
    def data_year(self) -> int | None:
        return self.rating.star_year - 2 if self.rating else None


def _state_name(state: State) -> str:
    return state.name_es if get_language() == "es" and state.name_es else state.name


def _medians(ratings: Iterable[ContractRating]) -> dict[tuple[int, str], MeasureMedian]:
    """The national medians of the shown measures for these Star Ratings years: one query."""
    years = {rating.star_year for rating in ratings}
    if not years:
        return {}
    return {
        (m.star_year, m.measure_key): m
        for m in MeasureMedian.objects.filter(star_year__in=years, measure_key__in=MEASURE_KEYS)
    }


def _line(
    spec: MeasureSpec,
    measure: ContractMeasure | None,
    median: MeasureMedian | None,
    reasons: Sequence[ContractMeasure],
) -> MeasureLine:
    if measure is None:
        return MeasureLine(
            spec, None, gettext("Not in Medicare's data for this year."), "", "", "", ""
        )
    if measure.value is not None:
        value = value_words(measure.value, measure.unit)
    else:
        value = cms_says(measure.value_text) if measure.value_text else "—"
    stars = stars_words(measure.stars) if measure.stars else measure.stars_text
    if stars == measure.value_text:
        stars = ""  # CMS's same words for the value and the stars: say them once
    better = ""
    if measure.higher_is_better is True:
        better = gettext("Higher is better")
    elif measure.higher_is_better is False:
        better = gettext("Lower is better")
    median_words = ""
    if median is not None:
        median_words = ngettext(
            "%(value)s: the middle of %(count)s Medicare Advantage contract with a number in "
            "the %(year)s Star Ratings",
            "%(value)s: the middle of %(count)s Medicare Advantage contracts with a number in "
            "the %(year)s Star Ratings",
            median.contracts,
        ) % {
            "value": value_words(median.median, measure.unit),
            "count": f"{median.contracts:,}",
            "year": median.star_year,
        }
    return MeasureLine(
        spec,
        measure,
        value,
        stars,
        better,
        median_words,
        measure.data_period,
        [
            ReasonLine(
                reason.measure_name,
                value_words(reason.value, reason.unit)
                if reason.value is not None
                else reason.value_text,
            )
            for reason in reasons
        ],
    )


def _summary(rating: ContractRating) -> list[tuple[str, str]]:
    rows = []
    for label, stars, text in (
        (gettext("Health plan rating (Part C summary)"), rating.part_c, rating.part_c_text),
        (gettext("Overall rating"), rating.overall, rating.overall_text),
    ):
        if stars is not None:
            rows.append((label, stars_words(stars)))
        else:
            rows.append((label, cms_says(text) if text else "—"))
    return rows


def plan_quality(
    plans: Sequence[Plan], ratings: Mapping[str, ContractRating]
) -> dict[int, PlanQuality]:
    """The quality section of each plan, by plan pk, in two queries whatever the number
    of plans or measures: the measures of the given ratings, then the national medians.
    Plans should come with ``service_areas__county__state`` prefetched (for the links)."""
    shown = [ratings[p.contract_id] for p in plans if p.contract_id in ratings]
    unique = list({rating.pk: rating for rating in shown}.values())
    prefetch_related_objects(unique, "measures")  # skips ratings that already have them
    medians = _medians(unique)
    result: dict[int, PlanQuality] = {}
    for plan in plans:
        states = sorted(
            {area.county.state for area in plan.service_areas.all()}, key=lambda s: s.name
        )
        links = [(s.code, _state_name(s)) for s in states] if plan.kind == PlanKind.DSNP else []
        rating = ratings.get(plan.contract_id)
        if plan.kind == PlanKind.PACE or rating is None:
            result[plan.pk] = PlanQuality(
                plan, None, plan.kind == PlanKind.PACE, [], [], False, links
            )
            continue
        measures = {m.measure_key: m for m in rating.measures.all()}
        reasons = [m for m in rating.measures.all() if m.part == MeasurePart.DISENROLLMENT]
        lines = [
            _line(
                spec,
                measures.get(spec.key),
                medians.get((rating.star_year, spec.key)),
                reasons if spec.key == LEAVING_KEY else (),
            )
            for spec in QUALITY_MEASURES
        ]
        periods_given = any(m.data_period for m in measures.values())
        result[plan.pk] = PlanQuality(
            plan, rating, False, lines, _summary(rating), periods_given, links
        )
    return result


# --- The state view --------------------------------------------------------------------

LEVELS = {level.value: level.label for level in IntegrationLevel}
FORMATS = ("", "html", "csv")
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StateRow:
    plan: Plan
    rating: ContractRating | None
    cells: list[str]  # every cell after the plan name, in column order
    sort_values: dict[str, Decimal | None]


def _neutral(plans: Sequence[Plan], seed_text: str) -> list[Plan]:
    """A stable shuffle seeded by the page's state and filter, never by sponsor name
    (the idea of ``finder.views.neutral_order``)."""
    seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "big")
    ordered = sorted(plans, key=lambda p: p.pk)
    random.Random(seed).shuffle(ordered)
    return ordered


def _cell(measure: ContractMeasure | None) -> str:
    """A table cell: CMS's value as written (the column heading gives the unit) and stars."""
    if measure is None:
        return "—"
    value = measure.value_text or "—"
    if measure.value is None:
        return value  # CMS's words; the stars say the same
    if measure.stars:
        return gettext("%(value)s (%(stars)s of 5 stars)") % {
            "value": value,
            "stars": measure.stars,
        }
    return value


def _rating_cell(stars: Decimal | None, text: str) -> str:
    if stars is not None:
        return gettext("%(stars)s of 5 stars") % {"stars": number_text(stars)}
    return text or "—"


def _headings() -> list[str]:
    headings = [
        gettext("Plan"),
        gettext("Plan ID"),
        gettext("Plan year"),
        gettext("How it works with Medicaid"),
        gettext("Star Ratings year"),
    ]
    for spec in QUALITY_MEASURES:
        better = gettext("lower is better") if spec.lower_is_better else gettext("higher is better")
        headings.append(f"{spec.column} ({better})")
    headings += [str(label) for label in SUMMARY_SORTS.values()]
    return headings


def _state_rows(plans: Sequence[Plan], ratings: Mapping[str, ContractRating]) -> list[StateRow]:
    rows = []
    for plan in plans:
        rating = ratings.get(plan.contract_id)
        measures = {m.measure_key: m for m in rating.measures.all()} if rating else {}
        cells = [
            plan.cms_id,
            str(plan.plan_year),
            str(LEVELS.get(plan.integration_level, plan.integration_level)),
            str(rating.star_year) if rating else gettext("No Star Ratings"),
        ]
        sort_values: dict[str, Decimal | None] = {}
        for spec in QUALITY_MEASURES:
            measure = measures.get(spec.key)
            cells.append(_cell(measure) if rating else "—")
            sort_values[spec.key] = measure.value if measure else None
        cells.append(_rating_cell(rating.part_c, rating.part_c_text) if rating else "—")
        cells.append(_rating_cell(rating.overall, rating.overall_text) if rating else "—")
        sort_values["part_c"] = rating.part_c if rating else None
        sort_values["overall"] = rating.overall if rating else None
        rows.append(StateRow(plan, rating, cells, sort_values))
    return rows


def _sorted(rows: list[StateRow], sort: str) -> list[StateRow]:
    """The chosen measure's better values first, rows without a number last; the neutral
    order breaks ties (the sort is stable)."""
    if not sort:
        return rows
    lower_first = any(spec.key == sort and spec.lower_is_better for spec in QUALITY_MEASURES)

    def key(row: StateRow) -> tuple[bool, Decimal]:
        value = row.sort_values.get(sort)
        if value is None:
            return (True, Decimal(0))
        return (False, value if lower_first else -value)

    return sorted(rows, key=key)


def _sort_choices() -> list[tuple[str, str]]:
    choices = [("", gettext("Neutral order (a fixed shuffle)"))]
    for spec in QUALITY_MEASURES:
        order = gettext("lowest first") if spec.lower_is_better else gettext("highest first")
        choices.append((spec.key, f"{spec.title} — {order}"))
    for key, label in SUMMARY_SORTS.items():
        choices.append((key, f"{label} — {gettext('highest first')}"))
    return choices


def _csv_safe(text: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: quote it as text.
    return f"'{text}" if text.startswith(CSV_FORMULA_START) else text


@require_safe
def state_quality(request: HttpRequest, state: str) -> HttpResponse:
    """Every published D-SNP of a state, current plan years, with the quality measures."""
    found = State.objects.filter(code=state.upper()[:2]).first() if len(state) == 2 else None
    if found is None:
        return render(
            request,
            "finder/quality_state.html",
            {"unknown_state": state[:10]},
            status=404,
        )
    level = request.GET.get("level", "")
    sort = request.GET.get("sort", "")
    output = request.GET.get("format", "")
    problems = []
    if level not in LEVELS and level != "":
        problems.append(
            gettext("We do not know the integration level “%(value)s”, so every level is shown.")
            % {"value": level[:20]}
        )
        level = ""
    if sort not in MEASURE_KEYS and sort not in SUMMARY_SORTS and sort != "":
        problems.append(
            gettext("We cannot sort by “%(value)s”, so the plans are in the neutral order.")
            % {"value": sort[:40]}
        )
        sort = ""
    if output not in FORMATS:
        problems.append(
            gettext("We cannot make a “%(value)s” file: the table can be downloaded as CSV.")
            % {"value": output[:20]}
        )
        output = ""

    years = plan_years_in_view(_today())
    plans = Plan.objects.published().filter(kind=PlanKind.DSNP).for_year_in(years).in_state(found)
    if level:
        plans = plans.filter(integration_level=level)
    plan_list = list(plans)
    ratings = ContractRating.objects.newest_for(p.contract_id for p in plan_list)
    ordered = _neutral(plan_list, f"quality:{found.code}:{level}:{','.join(map(str, years))}")
    rows = _sorted(_state_rows(ordered, ratings), sort)
    headings = _headings()

    if output == "csv" and not problems:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        for row in rows:
            writer.writerow([_csv_safe(c) for c in [row.plan.name, *row.cells]])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"dsnp-quality-{found.code}-{'-'.join(map(str, years))}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    medians = _medians(ratings.values())
    # A measure's unit is the same for every contract of a year: take it from any of them.
    units = {
        (r.star_year, m.measure_key): m.unit for r in ratings.values() for m in r.measures.all()
    }
    star_years = sorted({r.star_year for r in ratings.values()}, reverse=True)
    median_lines = [
        (
            year,
            [
                (spec, value_words(m.median, units.get((year, spec.key), "")), m.contracts)
                for spec in QUALITY_MEASURES
                if (m := medians.get((year, spec.key))) is not None
            ],
        )
        for year in star_years
    ]
    query = {k: v for k, v in (("level", level), ("sort", sort)) if v}
    return render(
        request,
        "finder/quality_state.html",
        {
            "state": found,
            "state_name": _state_name(found),
            "years": years,
            "years_text": get_text_list([str(y) for y in years], gettext("and")),
            "rows": rows,
            "headings": headings,
            "level": level,
            "levels": [("", gettext("All D-SNPs")), *LEVELS.items()],
            "sort": sort,
            "sort_label": dict(_sort_choices()).get(sort, ""),
            "sorts": _sort_choices(),
            "problems": problems,
            "median_lines": median_lines,
            "csv_url": f"{reverse('quality-state', args=[found.code])}?"
            + urlencode({**query, "format": "csv"}),
        },
        status=400 if problems else 200,
    )
