"""Open data: the published catalog as JSON, CSV and FHIR (docs/open-data.md, docs/fhir.md).

    GET /api/v1/plans                    JSON, paginated
    GET /api/v1/plans.csv                the same rows as CSV, streamed
    GET /api/v1/fhir/InsurancePlan       a FHIR searchset Bundle, paginated
    GET /api/v1/fhir/InsurancePlan/<id>  one plan
    GET /api/v1/fhir/Organization/<id>   a sponsor, or its parent ("parent-<n>")

Only published plans, filtered by state, county, kind, integration_level and plan_year.
Every bad parameter is a 400 naming it, never a 500. A page costs a fixed number of
queries (prefetching), whatever the page size. Responses carry an ETag built from the
query and a cheap catalog version, so a client or cache revalidates with a 304 without
the catalog being read; they set no cookie and vary only on Accept-Encoding.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import batched
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils.http import http_date, parse_etags
from django.views.decorators.http import require_safe

from finder import fhir
from plans.models import (
    ContractRating,
    County,
    DualCategory,
    ImportRun,
    IntegrationLevel,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    ServiceArea,
    State,
    StatePolicy,
)

PAGE_SIZE = 100
# CSV rows are read this many plans at a time: memory stays flat for a national catalog.
CSV_BATCH = 500
# Part of every ETag: bump it whenever the shape of any response here changes, so
# caches do not keep serving the old shape after a deployment.
FORMAT_VERSION = "1"
CACHE_CONTROL = "public, max-age=300"
FHIR_CONTENT_TYPE = "application/fhir+json"
CSV_FILENAME = "integrated-care-plans.csv"

FILTERS = ("state", "county", "kind", "integration_level", "plan_year")
PARAMETERS = (*FILTERS, "page")
CATEGORY_ORDER = tuple(DualCategory.values)

_STATE = re.compile(r"^[A-Za-z]{2}$")
_COUNTY = re.compile(r"^[0-9]{5}$")
_YEAR = re.compile(r"^[0-9]{4}$")
_PAGE = re.compile(r"^[0-9]{1,7}$")
_ORG_ID = re.compile(r"^(?:(?P<org>[0-9]{1,18})|parent-(?P<parent>[0-9]{1,18}))$")
_PLAN_ID = re.compile(r"^[0-9]{1,18}$")


# --- Parameters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    county: str | None = None
    kind: str | None = None
    integration_level: str | None = None
    plan_year: int | None = None

    def query(self) -> dict[str, str]:
        """The filters as a canonical query string dictionary (fixed order, no blanks)."""
        return {
            name: str(getattr(self, name))
            for name in FILTERS
            if getattr(self, name) not in (None, "")
        }


type Errors = dict[str, str]


def _single(request: HttpRequest, allowed: tuple[str, ...]) -> tuple[dict[str, str], Errors]:
    """Each parameter's one value, and an error for any unknown or repeated parameter."""
    errors: Errors = {}
    values: dict[str, str] = {}
    for key in request.GET:
        if key not in allowed:
            # A mistyped filter must not quietly return the whole catalog.
            errors[key[:40]] = f"Unknown parameter. The parameters are {', '.join(allowed)}."
            continue
        given = request.GET.getlist(key)
        if len(given) > 1:
            errors[key] = f"Give {key} once."
            continue
        values[key] = given[0].strip()
    return values, errors


def parse_filters(request: HttpRequest) -> tuple[Filters, int] | Errors:
    """The filters and page of a request, or an error for every parameter at fault.

    Formats are checked first; a well-formed state or county must then exist (one small
    query each), and a county must lie in the state when both are given.
    """
    params, errors = _single(request, PARAMETERS)
    state = params.get("state", "")
    county = params.get("county", "")
    kind = params.get("kind", "").lower()
    level = params.get("integration_level", "").upper()
    year_text = params.get("plan_year", "")
    page_text = params.get("page", "1")

    if state and not _STATE.match(state):
        errors["state"] = "state must be a two-letter USPS code, for example FL."
    if county and not _COUNTY.match(county):
        errors["county"] = "county must be a 5-digit county FIPS code, for example 12086."
    if kind and kind not in PlanKind.values:
        errors["kind"] = "kind must be dsnp or pace."
    if level and level not in IntegrationLevel.values:
        errors["integration_level"] = "integration_level must be CO, HIDE or FIDE."
    plan_year = None
    if year_text:
        if _YEAR.match(year_text) and 2000 <= int(year_text) <= 2100:
            plan_year = int(year_text)
        else:
            errors["plan_year"] = "plan_year must be a year such as 2026."
    page = 1
    if not _PAGE.match(page_text) or int(page_text) < 1:
        errors["page"] = "page must be a whole number, 1 or more."
    else:
        page = int(page_text)
    if errors:
        return errors

    state = state.upper()
    if county:
        county_state = County.objects.filter(fips=county).values_list("state_id", flat=True)
        found = county_state.first()
        if found is None:
            errors["county"] = "No county has this FIPS code."
        elif state and found != state:
            message = "The county is not in the state."
            errors["county"] = errors["state"] = message
    elif state and not State.objects.filter(code=state).exists():
        errors["state"] = "No state or territory has this USPS code."
    if errors:
        return errors
    return (
        Filters(
            state=state or None,
            county=county or None,
            kind=kind or None,
            integration_level=level or None,
            plan_year=plan_year,
        ),
        page,
    )


# --- Queries ------------------------------------------------------------------------


def published_plans(filters: Filters) -> QuerySet[Plan]:
    """The published plans matching the filters, in a fixed order (no relations loaded)."""
    plans = Plan.objects.published()
    # A subquery, not a join: a plan serving several counties of a state appears once
    # without DISTINCT (which PostgreSQL cannot combine with every ORDER BY).
    if filters.county:
        plans = plans.filter(
            pk__in=ServiceArea.objects.filter(county_id=filters.county).values("plan_id")
        )
    elif filters.state:
        plans = plans.filter(
            pk__in=ServiceArea.objects.filter(county__state_id=filters.state).values("plan_id")
        )
    if filters.kind:
        plans = plans.filter(kind=filters.kind)
    if filters.integration_level:
        plans = plans.filter(integration_level=filters.integration_level)
    if filters.plan_year:
        plans = plans.filter(plan_year=filters.plan_year)
    # Contract and plan number, not name: names start with the sponsor's brand, and the
    # IDs are what data users join on. Stable, so pages never overlap or skip.
    return plans.order_by("plan_year", "contract_id", "pbp", "segment", "pk")


def with_facts(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Everything a record reads, in three queries whatever the number of plans."""
    return plans.select_related("organization__parent", "aligned_medicaid_plan").prefetch_related(
        Prefetch(
            "service_areas",
            queryset=ServiceArea.objects.select_related("county").order_by("county_id"),
        )
    )


def newest_ratings(contract_ids: Iterable[str]) -> dict[str, ContractRating]:
    """Each contract's newest Star Ratings year: one query, measures not loaded."""
    newest: dict[str, ContractRating] = {}
    for rating in ContractRating.objects.filter(contract_id__in=set(contract_ids)).order_by(
        "star_year"
    ):
        newest[rating.contract_id] = rating
    return newest


def state_defaults() -> dict[str, list[str]]:
    """Published state policies' default D-SNP categories (one small query, ≤ 57 rows)."""
    return {
        policy.state_id: _ordered(policy.dsnp_default_categories)
        for policy in StatePolicy.objects.published().only("state_id", "dsnp_default_categories")
    }


@dataclass(frozen=True)
class CatalogVersion:
    """What the ETag hashes: changes whenever anything the responses show may change."""

    published: int
    newest_pk: int | None
    imported: datetime | None
    edited: datetime | None

    @property
    def last_modified(self) -> datetime | None:
        known = [t for t in (self.imported, self.edited) if t is not None]
        return max(known, default=None)


def catalog_version() -> CatalogVersion:
    """Three small aggregate queries.

    Imports record their finish time (ImportRun) and admin edits their time (the admin
    log), so those two cover every audited change to plans, policies, Medicaid plans,
    organizations and Star Ratings. The count and newest id of published plans also
    catch what leaves no timestamp: the demo catalog being loaded or removed, a plan
    published or unpublished. An edit from a Django shell is the one change it misses;
    max-age=300 bounds how long a cache shows it late (docs/open-data.md).
    """
    plans = Plan.objects.published().aggregate(published=Count("pk"), newest=Max("pk"))
    imported = ImportRun.objects.aggregate(at=Max("finished_at"))["at"]
    edited = LogEntry.objects.aggregate(at=Max("action_time"))["at"]
    return CatalogVersion(plans["published"], plans["newest"], imported, edited)


# --- Records (JSON and CSV) ---------------------------------------------------------


def _ordered(categories: Iterable[str]) -> list[str]:
    wanted = set(categories)
    return [c for c in CATEGORY_ORDER if c in wanted]


def _money(value: Decimal | None) -> str | None:
    # Money as a decimal string: a JSON float would round cents for some readers.
    return None if value is None else f"{value:.2f}"


def _rating_value(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _rating(rating: ContractRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "star_year": rating.star_year,
        "overall": _rating_value(rating.overall),
        "overall_text": rating.overall_text or None,
        "part_c": _rating_value(rating.part_c),
        "part_c_text": rating.part_c_text or None,
        "part_d": _rating_value(rating.part_d),
        "part_d_text": rating.part_d_text or None,
    }


def _dual_categories(
    plan: Plan, states: list[str], defaults: dict[str, list[str]]
) -> dict[str, Any]:
    if plan.kind == PlanKind.PACE:
        # PACE enrolls by age, care needs and area, whatever the person's Medicaid (42 CFR
        # 460.150), as the eligibility engine reads it: no dual category applies.
        return {"source": "not_applicable", "categories": None}
    if not plan.dual_categories_from_state:
        return {"source": "plan", "categories": _ordered(plan.own_dual_categories())}
    # The state's default applies. A state without a published policy has no reviewed
    # list: null, never a guess. A plan in several states (rare for a D-SNP, which
    # contracts with each state) gets one list only when every state agrees.
    by_state = {code: defaults.get(code) for code in states}
    lists = {tuple(v) if v is not None else None for v in by_state.values()}
    categories = list(lists.pop()) if len(lists) == 1 and None not in lists else None
    return {"source": "state_default", "categories": categories, "state_defaults": by_state}


def plan_identity(plan: Plan) -> dict[str, Any]:
    """The fields that name a plan and its kind, the same in every API response."""
    return {
        "id": plan.pk,
        "cms_id": plan.cms_id,
        "contract_id": plan.contract_id,
        "pbp": plan.pbp,
        "segment": plan.segment,
        "plan_year": plan.plan_year,
        "name": plan.name,
        "kind": plan.kind,
        "integration_level": plan.integration_level or None,
        "aip": plan.is_aip,
        "exclusively_aligned": plan.exclusively_aligned,
    }


def plan_record(
    plan: Plan, defaults: dict[str, list[str]], ratings: dict[str, ContractRating]
) -> dict[str, Any]:
    """One published plan as open data (docs/open-data.md; the OpenAPI CatalogPlan)."""
    areas = list(plan.service_areas.all())
    states = sorted({area.county.state_id for area in areas})
    organization = plan.organization
    medicaid = plan.aligned_medicaid_plan
    return {
        **plan_identity(plan),
        "aligned_medicaid_plan": (
            None
            if medicaid is None
            else {"code": medicaid.code, "name": medicaid.name, "state": medicaid.state_id}
        ),
        "organization": {
            "id": organization.pk,
            "legal_name": organization.legal_name,
            "marketing_name": organization.marketing_name or None,
            "parent": organization.parent.name if organization.parent else None,
        },
        "sanctioned": plan.sanctioned,
        "pace_waiting_list": plan.pace_waiting_list,
        "requires_nursing_home_level_of_care": plan.requires_nursing_home_level_of_care,
        "age_limits": {
            "min": plan.age_min,
            "max": plan.age_max,
            "at_enrollment_only": plan.age_limits_at_enrollment,
        },
        "dual_categories": _dual_categories(plan, states, defaults),
        "premium": _money(plan.premium),
        "premium_with_extra_help": _money(plan.premium_with_extra_help),
        "zero_dollar_cost_sharing": plan.zero_dollar_cost_sharing,
        "links": {
            "website": plan.website or None,
            "provider_directory": plan.provider_directory_url or None,
            "pharmacy_directory": plan.pharmacy_directory_url or None,
            "drug_list": plan.drug_list_url or None,
            "summary_of_benefits": plan.summary_of_benefits_url or None,
            "evidence_of_coverage": plan.evidence_of_coverage_url or None,
        },
        "phones": {
            "phone": plan.phone or None,
            "tty": plan.tty or None,
            "hours": plan.phone_hours or None,
        },
        "states": states,
        "service_area": [
            {
                "county": area.county_id,
                "name": area.county.name,
                "state": area.county.state_id,
                "whole_county": not area.zip_codes,
                "zip_codes": sorted(area.zip_codes),
            }
            for area in areas
        ],
        "star_rating": _rating(ratings.get(plan.contract_id)),
        "source": plan.source or None,
        "last_reviewed": plan.last_reviewed.isoformat() if plan.last_reviewed else None,
        "sample_data": plan.is_sample,
    }


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _flag(value)
    return str(value)


def _get(*path: str) -> Callable[[dict[str, Any]], Any]:
    def read(record: dict[str, Any]) -> Any:
        value: Any = record
        for key in path:
            if value is None:
                return None
            value = value[key]
        return value

    return read


def _joined(*path: str) -> Callable[[dict[str, Any]], str]:
    read = _get(*path)
    return lambda record: ";".join(read(record) or [])


def _zip_limits(record: dict[str, Any]) -> str:
    return ";".join(
        f"{area['county']}={' '.join(area['zip_codes'])}"
        for area in record["service_area"]
        if area["zip_codes"]
    )


# One row per plan, read from the JSON record so the two formats cannot drift apart.
CSV_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("id", _get("id")),
    ("cms_id", _get("cms_id")),
    ("contract_id", _get("contract_id")),
    ("pbp", _get("pbp")),
    ("segment", _get("segment")),
    ("plan_year", _get("plan_year")),
    ("name", _get("name")),
    ("kind", _get("kind")),
    ("integration_level", _get("integration_level")),
    ("aip", _get("aip")),
    ("exclusively_aligned", _get("exclusively_aligned")),
    ("aligned_medicaid_plan_code", _get("aligned_medicaid_plan", "code")),
    ("aligned_medicaid_plan_name", _get("aligned_medicaid_plan", "name")),
    ("organization_id", _get("organization", "id")),
    ("organization_legal_name", _get("organization", "legal_name")),
    ("organization_marketing_name", _get("organization", "marketing_name")),
    ("parent_organization", _get("organization", "parent")),
    ("sanctioned", _get("sanctioned")),
    ("pace_waiting_list", _get("pace_waiting_list")),
    ("requires_nursing_home_level_of_care", _get("requires_nursing_home_level_of_care")),
    ("age_min", _get("age_limits", "min")),
    ("age_max", _get("age_limits", "max")),
    ("age_limits_at_enrollment_only", _get("age_limits", "at_enrollment_only")),
    ("dual_categories_source", _get("dual_categories", "source")),
    ("dual_categories", _joined("dual_categories", "categories")),
    ("premium", _get("premium")),
    ("premium_with_extra_help", _get("premium_with_extra_help")),
    ("zero_dollar_cost_sharing", _get("zero_dollar_cost_sharing")),
    ("website", _get("links", "website")),
    ("provider_directory", _get("links", "provider_directory")),
    ("pharmacy_directory", _get("links", "pharmacy_directory")),
    ("drug_list", _get("links", "drug_list")),
    ("summary_of_benefits", _get("links", "summary_of_benefits")),
    ("evidence_of_coverage", _get("links", "evidence_of_coverage")),
    ("phone", _get("phones", "phone")),
    ("tty", _get("phones", "tty")),
    ("phone_hours", _get("phones", "hours")),
    ("states", _joined("states")),
    ("counties", lambda r: ";".join(area["county"] for area in r["service_area"])),
    ("county_zip_limits", _zip_limits),
    ("star_year", _get("star_rating", "star_year")),
    ("overall_rating", _get("star_rating", "overall")),
    ("overall_rating_text", _get("star_rating", "overall_text")),
    ("part_c_rating", _get("star_rating", "part_c")),
    ("part_c_rating_text", _get("star_rating", "part_c_text")),
    ("part_d_rating", _get("star_rating", "part_d")),
    ("part_d_rating_text", _get("star_rating", "part_d_text")),
    ("source", _get("source")),
    ("last_reviewed", _get("last_reviewed")),
    ("sample_data", _get("sample_data")),
)
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(text: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: quote it as text.
    return f"'{text}" if text.startswith(CSV_FORMULA_START) else text


def csv_row(record: dict[str, Any]) -> list[str]:
    return [_csv_safe(_cell(read(record))) for _, read in CSV_COLUMNS]


# --- HTTP: errors, validators, headers ----------------------------------------------


def _mark_open_data(response: HttpResponseBase) -> HttpResponseBase:
    # Read by OpenDataHeadersMiddleware, after LocaleMiddleware has added its Vary.
    response.open_data = True  # type: ignore[attr-defined]
    return response


def _json_errors(errors: Errors) -> HttpResponseBase:
    # The same shape as /api/v1/eligibility's errors.
    return _mark_open_data(JsonResponse({"errors": dict(sorted(errors.items()))}, status=400))


def _fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = JsonResponse(resource, status=status, content_type=FHIR_CONTENT_TYPE)
    _mark_open_data(response)
    return response


def _fhir_errors(errors: Errors, *, status: int = 400, code: str = "invalid") -> HttpResponse:
    return _fhir_response(fhir.operation_outcome(errors, code=code), status=status)


def _etag(request: HttpRequest, version: CatalogVersion, extra: Iterable[object]) -> str:
    # The body depends on the path, the canonical query, the host (absolute links) and
    # the catalog; nothing else (no dates, no language), so equal inputs give equal bodies.
    parts = [
        FORMAT_VERSION,
        request.scheme,
        request.get_host(),
        request.path,
        *map(str, extra),
        str(version.published),
        str(version.newest_pk),
        version.imported.isoformat() if version.imported else "",
        version.edited.isoformat() if version.edited else "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    # Weak comparison, as RFC 9110 asks for If-None-Match.
    return tags == ["*"] or any(tag.removeprefix("W/") == etag for tag in tags)


def _validators(response: HttpResponseBase, etag: str, version: CatalogVersion) -> None:
    response["ETag"] = etag
    if version.last_modified is not None:
        # Informative only: 304s are decided by the ETag, because a change that leaves
        # no timestamp (a demo reload) would fool If-Modified-Since.
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    # Public read-only data, never with credentials: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    _mark_open_data(response)


def _conditional(
    request: HttpRequest, extra: Iterable[object], build: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """A 304 from three small queries when the client has this version; else build it."""
    version = catalog_version()
    etag = _etag(request, version, extra)
    if not_modified(request, etag):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        response = build()
        if response.status_code != 200:
            return response
    _validators(response, etag, version)
    return response


def _page_links(
    request: HttpRequest, filters: Filters, page: int, pages: int
) -> dict[str, str | None]:
    def url(number: int) -> str:
        query = urlencode({**filters.query(), "page": number})
        return request.build_absolute_uri(f"{request.path}?{query}")

    return {
        "self": url(page),
        "next": url(page + 1) if page < pages else None,
        "previous": url(page - 1) if page > 1 else None,
    }


@dataclass(frozen=True)
class Page:
    plans: list[Plan]
    count: int
    pages: int
    number: int


def _load_page(filters: Filters, number: int) -> Page | Errors:
    """One page of plans with all their facts: a count plus three queries."""
    plans = published_plans(filters)
    count = plans.count()
    pages = max(1, math.ceil(count / PAGE_SIZE))
    if number > pages:
        return {"page": f"page must be at most {pages}, the last page for these filters."}
    start = (number - 1) * PAGE_SIZE
    rows = list(with_facts(plans)[start : start + PAGE_SIZE])
    return Page(plans=rows, count=count, pages=pages, number=number)


# --- Views ----------------------------------------------------------------------------


@require_safe
def plans_json(request: HttpRequest) -> HttpResponseBase:
    parsed = parse_filters(request)
    if isinstance(parsed, dict):
        return _json_errors(parsed)
    filters, number = parsed

    def build() -> HttpResponseBase:
        page = _load_page(filters, number)
        if isinstance(page, dict):
            return _json_errors(page)
        ratings = newest_ratings(p.contract_id for p in page.plans) if page.plans else {}
        defaults = state_defaults() if page.plans else {}
        links = _page_links(request, filters, page.number, page.pages)
        return JsonResponse(
            {
                "count": page.count,
                "page": page.number,
                "pages": page.pages,
                "page_size": PAGE_SIZE,
                "next": links["next"],
                "previous": links["previous"],
                "results": [plan_record(p, defaults, ratings) for p in page.plans],
            }
        )

    return _conditional(request, [*filters.query().items(), number, PAGE_SIZE], build)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(filters: Filters) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in CSV_COLUMNS])
    defaults = state_defaults()
    plans = with_facts(published_plans(filters)).iterator(chunk_size=CSV_BATCH)
    for batch in batched(plans, CSV_BATCH):
        ratings = newest_ratings(p.contract_id for p in batch)
        for plan in batch:
            yield writer.writerow(csv_row(plan_record(plan, defaults, ratings)))


@require_safe
def plans_csv(request: HttpRequest) -> HttpResponseBase:
    # No page here: the CSV is every matching row, streamed.
    parsed = parse_filters(request)
    if isinstance(parsed, dict):
        return _json_errors(parsed)
    filters, number = parsed
    if "page" in request.GET:
        return _json_errors({"page": "The CSV has every row: leave page out."})

    def build() -> HttpResponseBase:
        response = StreamingHttpResponse(
            _csv_lines(filters), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f"attachment; filename={CSV_FILENAME}"
        return response

    return _conditional(request, filters.query().items(), build)


def _fhir_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/api/v1/fhir")


@require_safe
def fhir_insurance_plans(request: HttpRequest) -> HttpResponseBase:
    parsed = parse_filters(request)
    if isinstance(parsed, dict):
        return _fhir_errors(parsed)
    filters, number = parsed

    def build() -> HttpResponseBase:
        page = _load_page(filters, number)
        if isinstance(page, dict):
            return _fhir_errors(page)
        links = {
            relation: url
            for relation, url in _page_links(request, filters, page.number, page.pages).items()
            if url is not None
        }
        bundle = fhir.searchset(
            page.plans, total=page.count, base_url=_fhir_base(request), links=links
        )
        return _fhir_response(bundle)

    return _conditional(request, [*filters.query().items(), number, PAGE_SIZE], build)


def _not_found(what: str) -> HttpResponse:
    return _fhir_errors({"id": f"No published {what} has this id."}, status=404, code="not-found")


@require_safe
def fhir_insurance_plan(request: HttpRequest, resource_id: str) -> HttpResponseBase:
    if request.GET:
        return _fhir_errors({key[:40]: "This resource takes no parameters." for key in request.GET})
    if not _PLAN_ID.match(resource_id):
        return _not_found("plan")

    def build() -> HttpResponseBase:
        plan = with_facts(Plan.objects.published().filter(pk=int(resource_id))).first()
        if plan is None:
            return _not_found("plan")
        return _fhir_response(fhir.insurance_plan(plan))

    return _conditional(request, [resource_id], build)


@require_safe
def fhir_organization(request: HttpRequest, resource_id: str) -> HttpResponseBase:
    if request.GET:
        return _fhir_errors({key[:40]: "This resource takes no parameters." for key in request.GET})
    match = _ORG_ID.match(resource_id)
    if match is None:
        return _not_found("organization")

    def build() -> HttpResponseBase:
        # Only organizations behind a published plan: the open data is the published
        # catalog, and a sponsor with drafts only is not part of it yet.
        if match["org"]:
            org = (
                Organization.objects.select_related("parent")
                .filter(pk=int(match["org"]), plans__in=Plan.objects.published())
                .first()
            )
            if org is None:
                return _not_found("organization")
            return _fhir_response(fhir.organization(org))
        parent = ParentOrganization.objects.filter(
            Q(pk=int(match["parent"])),
            organizations__plans__in=Plan.objects.published(),
        ).first()
        if parent is None:
            return _not_found("organization")
        return _fhir_response(fhir.parent_organization(parent))

    return _conditional(request, [resource_id], build)


# --- Middleware -----------------------------------------------------------------------


class OpenDataHeadersMiddleware:
    """Leaves open-data responses cacheable by URL alone.

    LocaleMiddleware adds ``Vary: Accept-Language`` to every response outside the
    language-prefixed URLs, although these bodies never depend on the language; it
    would split every shared cache entry by browser language. Listed above
    LocaleMiddleware so it runs after it. It also drops any cookie: a Set-Cookie on a
    ``public`` response could be served by a cache to everyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(response, "open_data", False):
            response["Vary"] = "Accept-Encoding"
            response.cookies.clear()
        return response
