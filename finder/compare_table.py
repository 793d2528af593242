"""The rows of the compare table that depend on the plans compared: extra benefits and
how each plan treats its members. One row per fact, one cell per plan, so facts line up
across plans; a plan without the fact gets a dash, never a shifted row.

The fixed rows (kind, integration, who can join, premium, …) are written in
``compare.html`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from finder.quality import QUALITY_MEASURES, PlanQuality
from plans.models import Plan, SupplementalBenefit

NONE = "—"


@dataclass(frozen=True)
class FactRow:
    label: str
    cells: list[str]


def benefit_rows(plans: Sequence[Plan]) -> list[FactRow]:
    """One row per kind of extra benefit that any of the plans lists (with its source)."""
    by_plan = [
        {b.kind: b for b in plan.supplemental_benefits.all()} for plan in plans
    ]  # prefetched by _published_plan
    rows = []
    for kind, label in SupplementalBenefit.Kind.choices:
        if not any(kind in benefits for benefits in by_plan):
            continue
        cells = []
        for benefits in by_plan:
            benefit = benefits.get(kind)
            cells.append(
                f"{benefit.description} ({_('source:')} {benefit.source})" if benefit else NONE
            )
        rows.append(FactRow(str(label), cells))
    return rows


def quality_rows(qualities: Sequence[PlanQuality]) -> list[FactRow]:
    """Where each plan's ratings come from, then the summary ratings and each measure, in
    the plan page's order. Unrated plans (PACE, new contracts) say why in the first row."""
    source = []
    for quality in qualities:
        contract = quality.plan.contract_id
        if quality.is_pace:
            source.append(
                _(
                    "PACE is not rated: PACE organizations are not part of Medicare's Star "
                    "Ratings, so there are no complaint, appeal or member survey results to show."
                )
            )
        elif quality.rating is None:
            source.append(
                _(
                    "We have no Medicare Star Ratings for contract %(contract)s. New contracts "
                    "are rated only once they have enough data."
                )
                % {"contract": contract}
            )
        else:
            source.append(
                _("From Medicare's %(year)s Star Ratings for contract %(contract)s.")
                % {"year": quality.rating.star_year, "contract": contract}
            )
    rows = [FactRow(_("Star Ratings"), source)]
    if not any(q.rating for q in qualities):
        return rows
    labels = next(q for q in qualities if q.rating).summary
    for index, (label, _words) in enumerate(labels):
        rows.append(FactRow(label, [q.summary[index][1] if q.summary else NONE for q in qualities]))
    for index, spec in enumerate(QUALITY_MEASURES):
        cells = []
        for quality in qualities:
            if not quality.lines:
                cells.append(NONE)
                continue
            line = quality.lines[index]
            words = [line.value]
            if line.stars:
                words.append(line.stars)
            if line.median:
                words.append(f"{_('National middle value')}: {line.median}")
            cells.append("; ".join(words))
        rows.append(FactRow(str(spec.title), cells))
    return rows
