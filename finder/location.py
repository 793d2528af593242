"""ZIP code → county, and the check that a confirmed county fits the ZIP.

The geography knows only a ZIP's main county, so a person may confirm any county the
ZIP is known to reach, or another county of that ZIP's state. The state always comes
from the confirmed county, never from the ZIP alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from finder import facts
from plans.models import County, ZipCounty


@dataclass(frozen=True)
class Place:
    zip_code: str | None
    county: County
    zip_counties: tuple[County, ...]  # counties the ZIP reaches, main one first


type PlaceErrors = dict[str, str | Promise]


def counties_for_zip(zip_code: str) -> tuple[County, ...]:
    """The counties a ZIP reaches, main one first. Read a 3-digit area at a time: a flood
    of distinct ZIP codes (each person's own) then costs a query per area, about 900
    nationally, per catalog version and process, instead of one per ZIP (about 41,000)."""
    prefix = zip_code[:3]
    area = facts.cached("zip-area", (prefix,), lambda: _read_zip_area(prefix))
    return area.get(zip_code, ())


def _read_zip_area(prefix: str) -> dict[str, tuple[County, ...]]:
    found: dict[str, list[County]] = {}
    for row in ZipCounty.objects.for_zip_area(prefix):
        found.setdefault(row.zip_code, []).append(row.county)
    return {zip_code: tuple(counties) for zip_code, counties in found.items()}


def county_by_fips(fips: str) -> County | None:
    return facts.cached(
        "county-row",
        (fips,),
        lambda: County.objects.select_related("state").filter(fips=fips).first(),
    )


def unknown_zip_message(zip_code: str) -> Promise:
    return format_lazy(
        _(
            "We could not find ZIP code {zip}. Check the number. If it is right, call your "
            "SHIP for help: the number is at the bottom of this page."
        ),
        zip=zip_code,
    )


def resolve_place(zip_code: str | None, county_fips: str | None) -> Place | PlaceErrors:
    """The confirmed place, or messages naming the parameter(s) at fault.

    Formats were already checked by the answers parser; here the database decides.
    """
    zip_counties: tuple[County, ...] = ()
    if zip_code is not None:
        zip_counties = counties_for_zip(zip_code)
        if not zip_counties:
            return {"zip": unknown_zip_message(zip_code)}
    if county_fips is None:
        if not zip_counties:
            return {"county": _("Please choose your county.")}
        return Place(zip_code=zip_code, county=zip_counties[0], zip_counties=zip_counties)
    county = next((c for c in zip_counties if c.fips == county_fips), None)
    if county is None:
        county = county_by_fips(county_fips)
    if county is None:
        return {"county": _("We do not know this county. Please choose it from the list.")}
    if zip_counties and county.state_id not in {c.state_id for c in zip_counties}:
        message = format_lazy(
            _(
                "ZIP code {zip} is in {zip_state}, but {county} is in {county_state}. "
                "Check your ZIP code and county."
            ),
            zip=zip_code,
            zip_state=zip_counties[0].state.name,
            county=county.name,
            county_state=county.state.name,
        )
        return {"zip": message, "county": message}
    return Place(zip_code=zip_code, county=county, zip_counties=zip_counties)
