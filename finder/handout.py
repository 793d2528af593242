"""The counselor's printed summary (``/results/print/``): which of a person's results it
lists, and the QR code that reopens those results.

Everything comes from the URL: the answers and ``plan=YEAR:CONTRACT-PBP`` for each plan
ticked on the results page. Nothing is asked for or kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from finder.eligibility import Decision
from finder.results import ResultsContext
from plans.models import PlanKind

if TYPE_CHECKING:
    from finder.views import PlanRow

ENDING = "ending"


def pick_rows(ctx: ResultsContext, wanted: Sequence[str]) -> list[tuple[Decision, str]] | str:
    """The decisions (with their results group) of the plans named by ``wanted``, in the
    order named; or a plain message naming the first that is not among these results."""
    by_param: dict[str, tuple[Decision, str]] = {}
    for status, decisions in (
        ("eligible", ctx.results.eligible),
        ("may_qualify", ctx.results.may_qualify),
        ("not_eligible", ctx.results.not_eligible),
        (ENDING, ctx.results.ending),
    ):
        for decision in decisions:
            plan = ctx.catalog.plans[decision.plan_id]
            by_param[f"{plan.plan_year}:{plan.cms_id}"] = (decision, status)
    picked = []
    for item in wanted:
        found = by_param.get(item)
        if found is None:
            return _("This link names a plan that is not among these results: %(plan)s") % {
                "plan": item[:40]
            }
        picked.append(found)
    return picked


def kinds_to_join(rows: Sequence[tuple[str, PlanRow]]) -> list[str]:
    """The kinds of plan (D-SNP, PACE) the handout says how to join: those of the plans
    listed that the person could join."""
    kinds = {row.plan.kind for status, row in rows if status in ("eligible", "may_qualify")}
    return [kind for kind in (PlanKind.DSNP, PlanKind.PACE) if kind in kinds]


def qr_svg(url: str) -> SafeString:
    """The URL as a QR code in inline SVG, drawn by segno: one ``<path>`` with a
    ``stroke`` attribute, no ``style`` attribute or element (the pages' CSP allows no inline
    style) and no size, so the stylesheet sizes it. Error correction M survives a crease
    or a smudge on paper; the code stays small enough to scan from a printed inch."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None)
    return mark_safe(svg)  # noqa: S308 - segno's own markup: the URL is only encoded in the path
