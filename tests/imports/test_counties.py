"""County names as CMS writes them → the FIPS code of the loaded County row.

The matcher is pure: most tests build it from the committed national county list
(fixtures/geography/counties.csv) without a database.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from plans.imports.counties import CountyMatcher, cms_style_name
from plans.models import County, State

COUNTIES_CSV = Path(settings.BASE_DIR) / "fixtures" / "geography" / "counties.csv"


def census_counties() -> list[tuple[str, str, str]]:
    with COUNTIES_CSV.open(encoding="utf-8", newline="") as handle:
        return [(row["fips"], row["state"], row["name"]) for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def matcher() -> CountyMatcher:
    return CountyMatcher(census_counties())


MATCHES = [
    # Case, whitespace, punctuation
    ("FL", "MIAMI-DADE", "12086"),
    ("FL", "  miami   dade ", "12086"),
    ("FL", "Miami-Dade County", "12086"),
    ("MD", "Prince George's", "24033"),
    ("MD", "Prince Georges", "24033"),
    ("MD", "Queen Anne's", "24035"),
    ("IA", "O'Brien", "19141"),
    ("IA", "O Brien", "19141"),
    ("MT", "Lewis & Clark", "30049"),
    ("MT", "Lewis and Clark", "30049"),
    # Saint / St. / Ste. both ways
    ("FL", "St. Lucie", "12111"),
    ("FL", "Saint Lucie", "12111"),
    ("FL", "St Lucie", "12111"),
    ("MO", "Ste. Genevieve", "29186"),
    ("MO", "Sainte Genevieve", "29186"),
    ("MO", "Ste Genevieve", "29186"),
    ("MD", "Saint Mary's", "24037"),
    ("LA", "Saint John the Baptist", "22095"),
    ("VI", "Saint Croix", "78010"),
    # Accents: Doña Ana and Puerto Rico's municipios, with and without them
    ("NM", "Doña Ana", "35013"),
    ("NM", "Dona Ana", "35013"),
    ("PR", "Mayagüez", "72097"),
    ("PR", "Mayaguez", "72097"),
    ("PR", "Añasco", "72011"),
    ("PR", "Anasco", "72011"),
    ("PR", "Bayamón", "72021"),
    ("PR", "Bayamon", "72021"),
    ("PR", "Canóvanas", "72029"),
    ("PR", "Canovanas", "72029"),
    ("PR", "Comerío", "72045"),
    ("PR", "Comerio", "72045"),
    ("PR", "Guánica", "72055"),
    ("PR", "Guanica", "72055"),
    ("PR", "Juana Díaz", "72075"),
    ("PR", "Juana Diaz", "72075"),
    ("PR", "Las Marías", "72083"),
    ("PR", "Las Marias", "72083"),
    ("PR", "Loíza", "72087"),
    ("PR", "Loiza", "72087"),
    ("PR", "Manatí", "72091"),
    ("PR", "Manati", "72091"),
    ("PR", "Peñuelas", "72111"),
    ("PR", "Penuelas", "72111"),
    ("PR", "Río Grande", "72119"),
    ("PR", "Rio Grande", "72119"),
    ("PR", "Rincón", "72117"),
    ("PR", "Rincon", "72117"),
    ("PR", "San Germán", "72125"),
    ("PR", "San German", "72125"),
    ("PR", "San Sebastián", "72131"),
    ("PR", "San Sebastian", "72131"),
    ("PR", "San Juan Municipio", "72127"),
    # Encoding damage: UTF-8 read as Windows-1252, and a lost character
    ("NM", "DoÃ±a Ana", "35013"),
    ("PR", "MayagÃ¼ez", "72097"),
    ("NM", "Do?a Ana", "35013"),
    ("PR", "Bayam\ufffdn", "72021"),
    # Suffixes CMS omits or varies
    ("LA", "Acadia", "22001"),
    ("LA", "Acadia Parish", "22001"),
    ("LA", "East Baton Rouge", "22033"),
    ("AK", "Aleutians West", "02016"),
    ("AK", "Aleutians West Census Area", "02016"),
    ("AK", "Anchorage", "02020"),
    ("AK", "Anchorage Municipality", "02020"),
    ("AK", "Juneau", "02110"),
    ("AK", "Juneau City and Borough", "02110"),
    ("AK", "Juneau Borough", "02110"),
    ("AK", "Sitka", "02220"),
    ("AK", "Kenai Peninsula", "02122"),
    ("AK", "Lake & Peninsula", "02164"),
    ("AK", "Matanuska-Susitna", "02170"),
    ("AK", "Prince of Wales-Hyder", "02198"),
    ("AK", "Petersburg Census Area", "02195"),  # a borough since 2013
    ("AK", "Chugach", "02063"),
    ("AK", "Copper River", "02066"),
    ("AK", "Skagway", "02230"),
    # Virginia independent cities beside same-named counties, as CMS names them
    ("VA", "Fairfax", "51059"),
    ("VA", "Fairfax County", "51059"),
    ("VA", "Fairfax City", "51600"),
    ("VA", "Fairfax city", "51600"),
    ("VA", "City of Fairfax", "51600"),
    ("VA", "Fairfax (City)", "51600"),
    ("VA", "Richmond", "51159"),
    ("VA", "Richmond City", "51760"),
    ("VA", "Roanoke", "51161"),
    ("VA", "Roanoke City", "51770"),
    ("VA", "Franklin", "51067"),
    ("VA", "Franklin City", "51620"),
    ("VA", "Bedford", "51019"),
    ("VA", "Alexandria City", "51510"),
    ("VA", "Alexandria", "51510"),  # no county of that name: the city
    ("VA", "Charles City", "51036"),  # the county whose name ends in "City"
    ("VA", "James City", "51095"),
    ("VA", "Manassas Park City", "51685"),
    # Baltimore City / St. Louis City, Carson City
    ("MD", "Baltimore", "24005"),
    ("MD", "Baltimore City", "24510"),
    ("MO", "St. Louis", "29189"),
    ("MO", "Saint Louis", "29189"),
    ("MO", "St. Louis City", "29510"),
    ("MO", "Saint Louis City", "29510"),
    ("NV", "Carson City", "32510"),
    # DC
    ("DC", "District of Columbia", "11001"),
    ("DC", "District Of Columbia", "11001"),
    ("DC", "Washington", "11001"),
    # Connecticut: old counties and 2022 planning regions are both County rows
    ("CT", "Fairfield", "09001"),
    ("CT", "Hartford", "09003"),
    ("CT", "New London", "09011"),
    ("CT", "Capitol", "09110"),
    ("CT", "Capitol Planning Region", "09110"),
    ("CT", "Capitol Region", "09110"),
    ("CT", "Greater Bridgeport", "09120"),
    ("CT", "Lower Connecticut River Valley", "09130"),
    ("CT", "Western Connecticut", "09190"),
    # Spacing inside names
    ("LA", "LaSalle", "22059"),
    ("LA", "La Salle", "22059"),
    ("LA", "La Salle Parish", "22059"),
    ("IL", "LaSalle", "17099"),
    ("IL", "La Salle", "17099"),
    ("IL", "DeKalb", "17037"),
    ("IL", "De Kalb", "17037"),
    ("IL", "DuPage", "17043"),
    ("IL", "Du Page", "17043"),
    ("PA", "McKean", "42083"),
    ("PA", "Mc Kean", "42083"),
    ("FL", "DeSoto", "12027"),
    ("FL", "De Soto", "12027"),
    ("LA", "De Soto", "22031"),
    ("IN", "LaPorte", "18091"),
    ("IN", "La Porte", "18091"),
    # Renamed counties
    ("SD", "Shannon", "46102"),
    ("SD", "Shannon County", "46102"),
    ("SD", "Oglala Lakota", "46102"),
    ("AK", "Wade Hampton", "02158"),
    ("AK", "Wade Hampton Census Area", "02158"),
    ("AK", "Kusilvak", "02158"),
    ("FL", "Dade", "12086"),
    # Same name in another state is another county
    ("MO", "Shannon", "29203"),
    ("NY", "Richmond", "36085"),
    ("NY", "Kings", "36047"),
    # The state is matched whatever its case
    ("va", "fairfax city", "51600"),
]


@pytest.mark.parametrize(("state", "name", "fips"), MATCHES)
def test_cms_names_match_the_right_county(
    matcher: CountyMatcher, state: str, name: str, fips: str
) -> None:
    found = matcher.match(state, name)
    assert found.fips == fips, found.problem


UNMATCHED = [
    ("VA", "Bedford City", "became part of Bedford County (51019) in 2013"),
    ("AK", "Valdez-Cordova", "split in 2019 into Chugach (02063) and Copper River"),
    ("AK", "Valdez-Cordova Census Area", "split in 2019"),
    ("AK", "Wrangell-Petersburg", "split in 2008"),
    ("AK", "Skagway-Hoonah-Angoon", "split in 2007"),
    ("FL", "Nowhere", "no county of FL has this name"),
    ("FL", "Fairfax", "no county of FL has this name"),
    ("FL", "", "blank county name"),
    ("FL", "County", "no county of FL has this name"),
    ("ZZ", "Miami-Dade", "no counties of ZZ are loaded"),
    # "City" is never stripped to find a county: there is no Miami city county.
    ("FL", "Miami-Dade City", "no county of FL has this name"),
    ("NM", "Zo?a Ana", "no county of NM has this name"),
]


@pytest.mark.parametrize(("state", "name", "problem"), UNMATCHED)
def test_names_it_cannot_place_are_unmatched_with_a_reason(
    matcher: CountyMatcher, state: str, name: str, problem: str
) -> None:
    found = matcher.match(state, name)
    assert found.fips is None and not found.matched
    assert problem in found.problem


def test_two_counties_fitting_one_name_are_reported_never_guessed() -> None:
    matcher = CountyMatcher(
        [
            ("99001", "ZZ", "Springfield County"),
            ("99002", "ZZ", "Springfield Parish"),
            ("99003", "ZZ", "Marion County"),
            ("99004", "ZZ", "Marian County"),
        ]
    )
    found = matcher.match("ZZ", "Springfield")
    assert found.fips is None
    assert found.problem == (
        "ambiguous: could be 99001 Springfield County, 99002 Springfield Parish"
    )
    # A lost character that fits two names is just as ambiguous.
    assert matcher.match("ZZ", "Mari?n").problem.startswith("ambiguous: could be 99003")
    assert matcher.match("ZZ", "Springfield County").fips == "99001"


@pytest.mark.parametrize(("fips", "state", "name"), census_counties())
def test_every_loaded_county_matches_its_census_and_cms_style_names(
    matcher: CountyMatcher, fips: str, state: str, name: str
) -> None:
    assert matcher.fips(state, name) == fips
    assert matcher.fips(state, cms_style_name(name)) == fips


@pytest.mark.parametrize(
    ("census", "cms"),
    [
        ("Doña Ana County", "Dona Ana"),
        ("Acadia Parish", "Acadia"),
        ("Juneau City and Borough", "Juneau"),
        ("Bethel Census Area", "Bethel"),
        ("Fairfax city", "Fairfax City"),
        ("Charles City County", "Charles City"),
        ("Mayagüez Municipio", "Mayaguez"),
        ("Capitol Planning Region", "Capitol"),
        ("District of Columbia", "District of Columbia"),
        ("Carson City", "Carson City"),
    ],
)
def test_cms_style_name(census: str, cms: str) -> None:
    assert cms_style_name(census) == cms


def test_lookups_are_cached(matcher: CountyMatcher) -> None:
    assert matcher.match("FL", "Miami-Dade") is matcher.match("FL", "Miami-Dade")


@pytest.mark.django_db
def test_built_from_the_loaded_counties_in_one_query(
    django_assert_num_queries: object,
) -> None:
    virginia = State.objects.create(code="VA", fips="51", name="Virginia")
    County.objects.bulk_create(
        [
            County(fips="51059", state=virginia, name="Fairfax County"),
            County(fips="51600", state=virginia, name="Fairfax city"),
        ]
    )
    with django_assert_num_queries(1):  # type: ignore[operator]
        matcher = CountyMatcher.from_database()
    assert len(matcher) == 2
    assert matcher.states == {"VA"}
    assert matcher.fips("VA", "Fairfax") == "51059"
    assert matcher.fips("VA", "Fairfax City") == "51600"
