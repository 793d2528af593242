"""The JSON API: GET /api/v1/eligibility with the answers of docs/answers.md.

Described by finder/openapi.json (served at /api/v1/openapi.json). Any invalid
parameter, or a zip and county that disagree, is a 400 naming the parameter(s).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from finder import results as results_module
from finder.eligibility import (
    CITATIONS,
    Decision,
    EnrollmentWindow,
    Finding,
    default_plan_year,
)
from finder.open_data import plan_identity
from finder.results import ResultsContext
from finder.transition import current_plan_notice
from plans.models import Plan

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def _text(message: object) -> str | None:
    return None if message is None else str(message)


def _window(window: EnrollmentWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {
        "code": window.code,
        "label": str(window.label),
        "opens": window.opens.isoformat(),
        "closes": window.closes.isoformat() if window.closes else None,
        "effective": window.effective.isoformat(),
        "open_now": window.open_now,
        "condition": _text(window.condition),
        "citations": list(window.citations),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "outcome": finding.outcome,
        "message": str(finding.message),
        "citations": list(finding.citations),
        "next_step": _text(finding.next_step),
        "who_can_help": finding.who_can_help,
    }


def _plan(decision: Decision, plan: Plan) -> dict[str, Any]:
    return {
        **plan_identity(plan),
        "status": decision.status.value,
        "can_join_now": decision.can_join_now,
        "coverage_starts": (
            decision.coverage_starts.isoformat() if decision.coverage_starts else None
        ),
        "ends_on": decision.ends_on.isoformat() if decision.ending else None,
        "reasons": [_finding(f) for f in decision.findings],
        "next_steps": [str(step) for step in decision.next_steps],
        "premium": _text(decision.premium_text),
        "window": _window(decision.window),
        "windows": [_window(w) for w in decision.windows],
    }


def _contact(contact: Any) -> dict[str, Any]:
    return {
        "kind": contact.kind,
        "name": contact.name,
        "phone": contact.phone or None,
        "tty": contact.tty or None,
        "website": contact.website or None,
        "hours": contact.hours or None,
        "verified": contact.verified,
    }


def _errors(errors: dict[str, Any]) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: str(message) for name, message in sorted(errors.items())}},
        status=400,
    )


def _single_values(request: HttpRequest) -> dict[str, str]:
    # Repeated keys never get here: finder/repeated.py answers them with a 400.
    return {key: request.GET[key] for key in request.GET}


@require_safe
def eligibility(request: HttpRequest) -> HttpResponse:
    params = _single_values(request)
    language = params.get("lang", "en")
    if language not in ("en", "es"):
        return _errors({"lang": "lang must be en or es."})
    with translation.override(language):
        outcome = results_module.build(params, today=timezone.localdate())
        if not isinstance(outcome, ResultsContext):
            return _errors(outcome)
        return JsonResponse(_body(outcome))


def _body(context: ResultsContext) -> dict[str, Any]:
    results = context.results
    plans = context.catalog.plans
    used = {
        citation
        for decision in results.all()
        for item in (*decision.findings, *decision.windows)
        for citation in item.citations
    } | set(results.original_medicare.citations)
    notice = current_plan_notice(context)
    if notice is not None:
        used |= set(notice.citations)
    state_help = context.help
    contacts = [_contact(c) for c in state_help.others]
    if state_help.ship:
        contacts.insert(0, _contact(state_help.ship))
    national = [state_help.ship_fallback, state_help.medicare]
    return {
        "date": results.on.isoformat(),
        "plan_years": list(context.plan_years),
        # What the results page shows unless the person chooses: from December 1, only
        # next year's plans (this year's are all in "ending").
        "default_plan_year": default_plan_year(results.on),
        "state": {"code": context.catalog.state.code, "name": context.catalog.state.name},
        "county": {"fips": context.catalog.county.fips, "name": context.catalog.county.name},
        "count": results.count,
        "eligible": [_plan(d, plans[d.plan_id]) for d in results.eligible],
        "may_qualify": [_plan(d, plans[d.plan_id]) for d in results.may_qualify],
        "not_eligible": [_plan(d, plans[d.plan_id]) for d in results.not_eligible],
        "ending": [_plan(d, plans[d.plan_id]) for d in results.ending],
        "current_plan": notice.as_json() if notice else None,
        "original_medicare": {
            "title": str(results.original_medicare.title),
            "summary": str(results.original_medicare.summary),
            "points": [str(p) for p in results.original_medicare.points],
            "citations": list(results.original_medicare.citations),
            "who_can_help": list(results.original_medicare.who_can_help),
        },
        "contacts": contacts,
        "national_help": [
            {
                "name": str(line.name),
                "phone": line.phone,
                "tty": line.tty or None,
                "website": line.website,
            }
            for line in national
        ],
        "citations": {
            cid: {
                "title": str(CITATIONS[cid].title),
                "source": CITATIONS[cid].source,
                "federal_register": CITATIONS[cid].federal_register or None,
                "verified": CITATIONS[cid].verified,
                "url": CITATIONS[cid].url,
            }
            for cid in sorted(used)
            if cid in CITATIONS
        },
        "data_as_of": _iso(context.data_as_of),
        "sample_data": context.sample_data,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@require_safe
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")))
