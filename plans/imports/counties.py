"""Match CMS's bare county names (state + "Miami-Dade") to the loaded County rows' FIPS codes.

CMS files such as the MA Landscape name a county by its bare name beside the state's
USPS code, with no FIPS code, and write those names their own way: ASCII-folded
("Dona Ana", "Mayaguez"), without the Census suffix ("Acadia" for "Acadia Parish"),
"Saint" or "St." as it comes, "La Salle" or "LaSalle", and Virginia's independent cities
as "Fairfax City" beside the county "Fairfax". The Census names loaded in ``County``
carry the suffix ("Fairfax County", "Fairfax city", "Bayamón Municipio").

Both sides are reduced to a compact key (accents, case, punctuation, spacing and
Saint/St./Ste. spellings removed), and each Census name is indexed at three levels:

0. its whole name ("fairfaxcity", "charlescitycounty", "districtofcolumbia");
1. its name without a county-type suffix (County, Parish, Borough, Census Area,
   City and Borough, Municipality, Municipio, Planning Region, Island, District):
   "fairfax", "charlescity", "juneau";
2. an independent city's name without "city" ("alexandria"), used only when nothing
   matched at level 1, so that "Fairfax" is the county (as CMS writes it) and
   "Fairfax City" the city, while "Alexandria" still finds the only Alexandria.

The first level with any hit decides; two hits at that level are reported as ambiguous,
never guessed. A name ending in "City" is never stripped to find a county: "Bedford
City" (merged into Bedford County in 2013) is reported, not silently moved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Suffixes a Census name carries and CMS omits or varies, longest first so that
# "City and Borough" is taken whole before "Borough". "city" is not among them: it
# tells an independent city from the county of the same name.
_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("city", "and", "borough"),
    ("census", "area"),
    ("planning", "region"),
    ("county",),
    ("parish",),
    ("borough",),
    ("municipality",),
    ("municipio",),
    ("region",),
    ("island",),
    ("district",),
)

# Renamed places CMS or older files may still use: (state, old key) -> Census key.
# Only renames of one whole county are here; splits (Valdez-Cordova, 2019) and
# mergers (Bedford city, 2013) have no single successor and are reported instead.
_RENAMED: dict[tuple[str, str], str] = {
    ("SD", "shannon"): "oglalalakota",  # renamed 2015 (FIPS 46113 -> 46102)
    ("AK", "wadehampton"): "kusilvak",  # renamed 2015 (FIPS 02270 -> 02158)
    ("FL", "dade"): "miamidade",  # renamed 1997
    ("DC", "washington"): "districtofcolumbia",  # older CMS and SSA files
}

# Places that ended without one successor: reported with the reason, never moved.
_RETIRED: dict[tuple[str, str], str] = {
    ("AK", "valdezcordova"): (
        "Valdez-Cordova Census Area was split in 2019 into Chugach (02063) and "
        "Copper River (02066): the file must name one of them"
    ),
    ("VA", "bedfordcity"): (
        "Bedford city became part of Bedford County (51019) in 2013: the file should name Bedford"
    ),
    ("AK", "wrangellpetersburg"): (
        "Wrangell-Petersburg Census Area was split in 2008: the file must name "
        "Wrangell or Petersburg"
    ),
    ("AK", "skagwayhoonahangoon"): (
        "Skagway-Hoonah-Angoon Census Area was split in 2007: the file must name "
        "Skagway or Hoonah-Angoon"
    ),
    ("AK", "princeofwalesouterketchikan"): (
        "Prince of Wales-Outer Ketchikan Census Area was split in 2008: the file must "
        "name Prince of Wales-Hyder or Ketchikan Gateway"
    ),
}

# "?" and U+FFFD stand for a character lost to a wrong encoding ("Do?a Ana").
_WILDCARDS = "?\ufffd"
_TOKEN_SPLIT = re.compile(r"[^a-z0-9?\ufffd]+")
_SAINTS = frozenset({"saint", "st", "sainte", "ste"})


@dataclass(frozen=True)
class CountyMatch:
    """The county a CMS name stands for, or why there is none."""

    fips: str | None
    problem: str = ""

    @property
    def matched(self) -> bool:
        return self.fips is not None


def _repair_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 ("MayagÃ¼ez") back to what was meant, when it is that."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


def name_tokens(name: str) -> list[str]:
    """Lower-case ASCII words of a name: accents, apostrophes and punctuation dropped."""
    text = unicodedata.normalize("NFKD", _repair_mojibake(name))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    # "Prince George's" -> "prince georges": an apostrophe joins, it does not split.
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "").replace("`", "")
    tokens = [token for token in _TOKEN_SPLIT.split(text) if token]
    # "City of Fairfax" is the independent city "Fairfax city".
    if len(tokens) > 2 and tokens[:2] == ["city", "of"]:
        tokens = [*tokens[2:], "city"]
    return ["st" if token in _SAINTS else token for token in tokens]


def _compact(tokens: Iterable[str]) -> str:
    # Joined without spaces, so "La Salle" = "LaSalle" and "Mc Kean" = "McKean".
    return "".join(tokens)


def _strip_suffix(tokens: list[str]) -> list[str] | None:
    for suffix in _SUFFIXES:
        size = len(suffix)
        if len(tokens) > size and tuple(tokens[-size:]) == suffix:
            return tokens[:-size]
    return None


def cms_style_name(census_name: str) -> str:
    """How CMS writes a Census county name: bare, ASCII-folded; cities as "Fairfax City".

    For test files and the benchmark: every loaded county written this way must match
    back to its own FIPS code.
    """
    text = unicodedata.normalize("NFKD", census_name)
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = text.split()
    lowered = [word.casefold() for word in words]
    for suffix in _SUFFIXES:
        size = len(suffix)
        if len(words) > size and tuple(lowered[-size:]) == suffix:
            return " ".join(words[:-size])
    if len(words) > 1 and lowered[-1] == "city":
        return " ".join([*words[:-1], "City"])
    return text


class CountyMatcher:
    """(state, CMS county name) -> 5-digit FIPS, by dictionary lookups after normalising."""

    def __init__(self, counties: Iterable[tuple[str, str, str]]) -> None:
        """``counties``: (fips, state code, Census name) for every loaded county."""
        # levels[level][(state, key)] -> FIPS codes
        self._levels: tuple[dict[tuple[str, str], set[str]], ...] = ({}, {}, {})
        self._names: dict[str, str] = {}
        self._states: set[str] = set()
        self._cache: dict[tuple[str, str], CountyMatch] = {}
        for fips, state, name in counties:
            self._add(fips, state.upper(), name)

    @classmethod
    def from_database(cls) -> CountyMatcher:
        """Built from the loaded ``County`` rows in one query."""
        from plans.models import County

        return cls(County.objects.values_list("fips", "state_id", "name").iterator())

    def __len__(self) -> int:
        return len(self._names)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self._states)

    def _add(self, fips: str, state: str, name: str) -> None:
        self._names[fips] = name
        self._states.add(state)
        tokens = name_tokens(name)
        self._levels[0].setdefault((state, _compact(tokens)), set()).add(fips)
        bare = _strip_suffix(tokens)
        if bare is not None:
            self._levels[1].setdefault((state, _compact(bare)), set()).add(fips)
        elif len(tokens) > 1 and tokens[-1] == "city":
            self._levels[2].setdefault((state, _compact(tokens[:-1])), set()).add(fips)

    def match(self, state: str, name: str) -> CountyMatch:
        state = state.strip().upper()
        cache_key = (state, name)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = self._match(state, name)
        return found

    def fips(self, state: str, name: str) -> str | None:
        return self.match(state, name).fips

    def _match(self, state: str, name: str) -> CountyMatch:
        if state not in self._states:
            return CountyMatch(None, f"no counties of {state or '(blank)'} are loaded")
        tokens = name_tokens(name)
        if not tokens:
            return CountyMatch(None, "blank county name")
        keys = [_compact(tokens)]
        stripped = _strip_suffix(tokens)
        if stripped is not None:
            keys.append(_compact(stripped))
        for key in keys:
            found = self._lookup(state, key)
            if found is not None:
                return found
        for key in keys:
            renamed = _RENAMED.get((state, key))
            if renamed is not None:
                found = self._lookup(state, renamed)
                if found is not None:
                    return found
        for key in keys:
            reason = _RETIRED.get((state, key))
            if reason is not None:
                return CountyMatch(None, reason)
        if any(char in _WILDCARDS for char in keys[0]):
            return self._wildcard(state, keys)
        return CountyMatch(None, f"no county of {state} has this name")

    def _lookup(self, state: str, key: str) -> CountyMatch | None:
        for level in self._levels:
            hits = level.get((state, key))
            if hits:
                return self._decide(hits)
        return None

    def _wildcard(self, state: str, keys: list[str]) -> CountyMatch:
        """A name with characters lost to a wrong encoding: match if exactly one fits."""
        for key in keys:
            pattern = re.compile(
                "".join(".{1,2}" if char in _WILDCARDS else re.escape(char) for char in key)
            )
            for level in self._levels:
                hits = {
                    fips
                    for (county_state, county_key), codes in level.items()
                    if county_state == state and pattern.fullmatch(county_key)
                    for fips in codes
                }
                if hits:
                    return self._decide(hits)
        return CountyMatch(None, f"no county of {state} has this name")

    def _decide(self, hits: set[str]) -> CountyMatch:
        if len(hits) == 1:
            return CountyMatch(next(iter(hits)))
        names = ", ".join(f"{fips} {self._names[fips]}" for fips in sorted(hits))
        return CountyMatch(None, f"ambiguous: could be {names}")
