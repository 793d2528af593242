"""Load the national reference geography of fixtures/geography/ (states, counties, ZIPs).

Idempotent: rows are added or corrected, and a second run of the same files changes
nothing and says so. Everything happens in one transaction. ZIP-county rows of the loaded
states that are no longer in the file are removed, so the ZIP table always matches the
committed file; states and counties are never deleted (plans and service areas point at
them). See docs/geography.md for where the files come from.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from plans import catalog_version
from plans.models import County, State, ZipCounty

DEFAULT_DIR = Path(settings.BASE_DIR) / "fixtures" / "geography"
BATCH_SIZE = 2000


@dataclass
class Tally:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def touched(self) -> int:
        return self.added + self.changed + self.removed

    def __str__(self) -> str:
        text = f"{self.added:,} added, {self.changed:,} changed, {self.unchanged:,} unchanged"
        return f"{text}, {self.removed:,} removed" if self.removed else text


def _read(path: Path, header: list[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise CommandError(f"{path} is missing: see docs/geography.md to rebuild it.")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != header:
            raise CommandError(f"{path} must have the columns {','.join(header)}.")
        return list(reader)


def _flag(value: str, where: str) -> bool:
    if value not in {"0", "1"}:
        raise CommandError(f"{where}: expected 0 or 1, not {value!r}.")
    return value == "1"


def _parse_states(value: str) -> set[str]:
    codes = {code.strip().upper() for code in value.split(",") if code.strip()}
    if not codes:
        raise CommandError("--only-states needs at least one USPS code, e.g. FL,PR.")
    return codes


class Command(BaseCommand):
    help = (
        "Load the committed national geography (states, counties, ZIP codes to counties) "
        "from fixtures/geography/. Safe to run again: only differences are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only-states",
            metavar="XX,YY",
            help="Load only these states' rows (USPS codes), e.g. for small test fixtures.",
        )
        parser.add_argument(
            "--dir",
            type=Path,
            default=DEFAULT_DIR,
            help="Folder with states.csv, counties.csv and zip_counties.csv.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        folder: Path = options["dir"]
        only = _parse_states(options["only_states"]) if options["only_states"] else None

        state_rows = _read(
            folder / "states.csv", ["code", "fips", "name", "name_es", "is_territory"]
        )
        county_rows = _read(folder / "counties.csv", ["fips", "state", "name"])
        zip_rows = _read(folder / "zip_counties.csv", ["zip", "county_fips", "is_primary"])

        known = {row["code"] for row in state_rows}
        if only is not None:
            unknown = sorted(only - known)
            if unknown:
                raise CommandError(f"Unknown state codes in --only-states: {', '.join(unknown)}.")
            state_rows = [row for row in state_rows if row["code"] in only]
            county_rows = [row for row in county_rows if row["state"] in only]
        county_state = {row["fips"]: row["state"] for row in county_rows}
        if only is not None:
            zip_rows = [row for row in zip_rows if row["county_fips"] in county_state]
        self._check(county_rows, zip_rows, known, county_state)

        with transaction.atomic():
            states = self._states(state_rows)
            counties = self._counties(county_rows)
            zips = self._zips(zip_rows, only)
            if states.touched or counties.touched or zips.touched:
                # Bulk writes send no signals; county names and ZIPs show on public pages.
                catalog_version.bump()

        zip_count = len({row["zip"] for row in zip_rows})
        scope = f" for {','.join(sorted(only))}" if only else ""
        summary = (
            f"Geography{scope}: {len(state_rows):,} states ({states}); "
            f"{len(county_rows):,} counties ({counties}); "
            f"{zip_count:,} ZIPs in {len(zip_rows):,} ZIP-county rows ({zips})"
        )
        if not (states.touched or counties.touched or zips.touched):
            summary += "; nothing changed"
        self.stdout.write(f"{summary} [{time.monotonic() - started:.1f} s].")

    # --- checks -------------------------------------------------------------

    def _check(
        self,
        county_rows: list[dict[str, str]],
        zip_rows: list[dict[str, str]],
        known_states: set[str],
        county_state: dict[str, str],
    ) -> None:
        """Plain messages for a broken file, before the database says it less clearly."""
        for row in county_rows:
            if row["state"] not in known_states:
                raise CommandError(f"County {row['fips']} names an unknown state {row['state']}.")
        primaries: Counter[str] = Counter()
        pairs: set[tuple[str, str]] = set()
        for line, row in enumerate(zip_rows, start=2):
            where = f"zip_counties.csv line {line}"
            if row["county_fips"] not in county_state:
                raise CommandError(f"{where}: unknown county {row['county_fips']}.")
            pair = (row["zip"], row["county_fips"])
            if pair in pairs:
                raise CommandError(f"{where}: ZIP {pair[0]} and county {pair[1]} twice.")
            pairs.add(pair)
            if _flag(row["is_primary"], where):
                primaries[row["zip"]] += 1
        doubled = [z for z, n in primaries.items() if n > 1]
        if doubled:
            raise CommandError(f"ZIPs with more than one main county: {', '.join(doubled[:10])}.")

    # --- upserts ------------------------------------------------------------

    def _states(self, rows: list[dict[str, str]]) -> Tally:
        tally = Tally()
        existing = State.objects.in_bulk([row["code"] for row in rows])
        new, changed = [], []
        for row in rows:
            wanted = {
                "fips": row["fips"],
                "name": row["name"],
                "name_es": row["name_es"],
                "is_territory": _flag(row["is_territory"], f"states.csv {row['code']}"),
            }
            state = existing.get(row["code"])
            if state is None:
                new.append(State(code=row["code"], **wanted))
            elif _differs(state, wanted):
                changed.append(state)
            else:
                tally.unchanged += 1
        State.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            State.objects.bulk_update(changed, ["fips", "name", "name_es", "is_territory"])
        tally.added, tally.changed = len(new), len(changed)
        return tally

    def _counties(self, rows: list[dict[str, str]]) -> Tally:
        tally = Tally()
        existing = County.objects.in_bulk([row["fips"] for row in rows])
        new, changed = [], []
        for row in rows:
            wanted = {"state_id": row["state"], "name": row["name"]}
            county = existing.get(row["fips"])
            if county is None:
                new.append(County(fips=row["fips"], **wanted))
            elif _differs(county, wanted):
                changed.append(county)
            else:
                tally.unchanged += 1
        County.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            County.objects.bulk_update(changed, ["state", "name"], batch_size=BATCH_SIZE)
        tally.added, tally.changed = len(new), len(changed)
        return tally

    def _zips(self, rows: list[dict[str, str]], only: set[str] | None) -> Tally:
        tally = Tally()
        wanted = {(row["zip"], row["county_fips"]): row["is_primary"] == "1" for row in rows}
        current = ZipCounty.objects.all()
        if only is not None:
            current = current.filter(county__state__in=only)
        existing: dict[tuple[str, str], tuple[int, bool]] = {
            (zip_code, county_id): (pk, is_primary)
            for pk, zip_code, county_id, is_primary in current.values_list(
                "pk", "zip_code", "county_id", "is_primary"
            ).iterator(chunk_size=BATCH_SIZE)
        }
        stale = [pk for key, (pk, _) in existing.items() if key not in wanted]
        demote, promote, new = [], [], []
        for key, is_primary in wanted.items():
            found = existing.get(key)
            if found is None:
                new.append(ZipCounty(zip_code=key[0], county_id=key[1], is_primary=is_primary))
            elif found[1] != is_primary:
                row = ZipCounty(pk=found[0], zip_code=key[0], county_id=key[1])
                row.is_primary = is_primary
                (promote if is_primary else demote).append(row)
            else:
                tally.unchanged += 1
        # Order matters for the one-main-county-per-ZIP constraint: first take the flag
        # away (stale rows, demotions), then add rows and give the flag to others.
        for pks in _chunks(stale, BATCH_SIZE):
            ZipCounty.objects.filter(pk__in=pks).delete()
        ZipCounty.objects.bulk_update(demote, ["is_primary"], batch_size=BATCH_SIZE)
        ZipCounty.objects.bulk_create(new, batch_size=BATCH_SIZE)
        ZipCounty.objects.bulk_update(promote, ["is_primary"], batch_size=BATCH_SIZE)
        tally.added, tally.changed, tally.removed = len(new), len(demote) + len(promote), len(stale)
        return tally


def _differs(obj: object, wanted: dict[str, object]) -> bool:
    changed = False
    for field, value in wanted.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
