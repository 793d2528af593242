"""A link that gives a parameter twice is refused, never resolved by picking one value.

``county=39049&county=39035`` could mean either county; answering for the last one (or
the first) would show a person plans that may not serve them. So every public page and
the API refuse it with a plain message: the wizard's own views show the question again
with the message (see ``finder.views``), the eligibility API answers 400 naming the
parameter, and every other public page answers a plain 400 page. The open-data API
already refuses repeats itself (``finder.open_data``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Final

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REPEATED: Final = _(
    "This link gives this answer more than once, with no way to tell which one you meant. "
    "Please choose it again."
)
REPEATED_PLAIN: Final = _(
    "This link gives “%(name)s” more than once, so we cannot tell which one you meant."
)
# Parameters a page takes several times on purpose (compare's and the handout's plans).
MAY_REPEAT: Final[dict[str, frozenset[str]]] = {
    "compare": frozenset({"plan"}),
    "results-print": frozenset({"plan"}),
}
# Views that show the question again themselves, with ``REPEATED`` as its message.
WIZARD_VIEWS: Final = frozenset({"step", "wizard-next", "results", "counselor"})
API_VIEWS: Final = frozenset({"api-eligibility"})
# Views that refuse repeats in their own words.
OWN_CHECK: Final = frozenset(
    {
        "api-plans",
        "api-plans-csv",
        "fhir-insurance-plans",
        "fhir-insurance-plan",
        "fhir-organization",
    }
)


def repeated(query: QueryDict, *, may_repeat: Collection[str] = ()) -> list[str]:
    """The names given more than once, in the order the link gives them."""
    return [name for name, values in query.lists() if len(values) > 1 and name not in may_repeat]


def repeated_message(name: str) -> Promise | str:
    return REPEATED_PLAIN % {"name": name[:40]}


class RepeatedParameterMiddleware:
    """Refuses public URLs that repeat a parameter (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not view_func.__module__.startswith("finder."):
            return None  # the admin and Django's own views are not public pages
        name = match.url_name or ""
        if name in WIZARD_VIEWS or name in OWN_CHECK:
            return None
        names = repeated(request.GET, may_repeat=MAY_REPEAT.get(name, ()))
        if not names:
            return None
        if name in API_VIEWS:
            return JsonResponse(
                {
                    "errors": {
                        n[:40]: f"Given more than once. Give {n[:40]} once." for n in sorted(names)
                    }
                },
                status=400,
            )
        return render(
            request,
            "finder/bad_link.html",
            {
                "errors": {n: repeated_message(n) for n in names},
                "retry_url": None,
            },
            status=400,
        )
