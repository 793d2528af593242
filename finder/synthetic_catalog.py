"""Generated catalogs for the benchmark commands (never for people: every name says so).

One generator, two uses: ``bench_api_queries`` builds a single state whose every plan
serves one county, ``bench_page_queries`` a national-size catalog (3,200 counties,
1,000 D-SNPs, 200 PACE organizations). The callers run it inside a transaction they
roll back, so nothing is left behind.

Synthetic states use FIPS codes no real state has (80-99) and their ZIP rows are not
the main county of their ZIP, so a database holding the national geography or real
plans takes them without a clash; contract IDs come from a block of R numbers the
caller chooses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from finder.quality import QUALITY_MEASURES
from plans.models import (
    CardTerm,
    ContactKind,
    ContractMeasure,
    ContractRating,
    County,
    MeasureMedian,
    MeasurePart,
    MeasureUnit,
    MedicaidPlan,
    Organization,
    ParentOrganization,
    Plan,
    PlanKind,
    PublicationStatus,
    ServiceArea,
    State,
    StateContact,
    StatePolicy,
    SupplementalBenefit,
    ZipCounty,
)

PBPS_PER_CONTRACT = 20  # D-SNPs per contract (and per sponsor)
MEDICAID_PLANS_PER_STATE = 8
LEVELS = ("CO", "HIDE", "FIDE")


@dataclass(frozen=True)
class CatalogShape:
    """How big a catalog to generate.

    Each D-SNP and PACE plan is offered in every one of ``plan_years``. The first state's
    first county is the *measured* county: ``dsnps_here`` D-SNPs and ``pace_here`` PACE
    organizations serve it (every plan when None).
    """

    states: tuple[tuple[str, str], ...]  # (USPS-like code, FIPS) of each synthetic state
    counties_per_state: int
    dsnps: int
    pace: int
    plan_years: tuple[int, ...]
    contract_base: int  # D-SNPs use R{base}..R{base+99}; PACE R{base+100}..R{base+399}
    dsnps_here: int | None = None
    pace_here: int | None = None
    max_service_area: int = 60  # counties of the widest D-SNP
    ratings: bool = True  # Star Ratings (with measures) for every other contract

    def __post_init__(self) -> None:
        if self.dsnps > 100 * PBPS_PER_CONTRACT or self.pace > 300:
            raise ValueError("At most 2,000 D-SNPs and 300 PACE organizations per catalog.")
        if not 1 <= self.counties_per_state <= 999:
            raise ValueError("1 to 999 counties per state (county FIPS are 5 digits).")


@dataclass(frozen=True)
class SyntheticCatalog:
    county: str  # the measured county (served by the most plans)
    zip: str
    sparse_county: str  # a county served by the fewest plans (at least one)
    sparse_zip: str
    plans_here: int  # plan rows available in the measured county, all years
    plans_sparse: int
    wide_plan: tuple[int, str]  # (plan year, CMS ID) of a D-SNP serving the most counties
    wide_counties: int
    narrow_plan: tuple[int, str]  # … and one serving the fewest
    narrow_counties: int
    counts: dict[str, int] = field(default_factory=dict)  # rows created, by model


def national_shape(plan_years: Sequence[int], *, scale: float = 1.0) -> CatalogShape:
    """About the size of the real national catalog: 3,200 counties in 10 states,
    1,000 D-SNPs and 200 PACE organizations; the busiest county has 60 D-SNPs and
    5 PACE organizations (Miami-Dade has about that many). ``scale`` shrinks it all
    (the tests use a small one)."""
    return CatalogShape(
        states=tuple((f"X{n}", f"{80 + n}") for n in range(10)),
        counties_per_state=max(2, round(320 * scale)),
        dsnps=max(10, round(1000 * scale)),
        pace=max(10, round(200 * scale)),
        plan_years=tuple(plan_years),
        contract_base=9000,
        dsnps_here=max(1, round(60 * scale)),
        pace_here=max(1, round(5 * scale)),
        max_service_area=max(1, round(60 * scale)),
    )


def _dsnp_counties(n: int, per_state: int, widest: int) -> list[int]:
    """Counties (indexes in its state) of the n-th D-SNP: a run of 1 to ``widest``."""
    length = min(per_state, 1 + (n * 13) % widest)
    start = (n * 37) % per_state
    return [(start + k) % per_state for k in range(length)]


def build_catalog(shape: CatalogShape) -> SyntheticCatalog:
    """Write the catalog (bulk inserts; run it inside a transaction you roll back)."""
    counts: Counter[str] = Counter()
    years = shape.plan_years
    per_state = shape.counties_per_state
    review = {"status": PublicationStatus.PUBLISHED, "source": "Synthetic benchmark row"}

    states = State.objects.bulk_create(
        State(code=code, fips=fips, name=f"Synthetic State {code}") for code, fips in shape.states
    )
    StatePolicy.objects.bulk_create(
        StatePolicy(
            state=state,
            dsnp_default_categories=["qmb_plus", "slmb_plus", "fbde", "qmb", "slmb"],
            **review,
        )
        for state in states
    )
    StateContact.objects.bulk_create(
        StateContact(
            state=state, kind=kind, name=f"Synthetic {kind}", phone="800-555-0100", **review
        )
        for state in states
        for kind in (ContactKind.SHIP, ContactKind.MEDICAID)
    )
    CardTerm.objects.bulk_create(
        CardTerm(state=state, says=f"Synthetic card {category}", category=category)
        for state in states
        for category in ("qmb_plus", "fbde", "qmb")
    )
    counties = {
        state.code: County.objects.bulk_create(
            County(fips=f"{state.fips}{n + 1:03d}", state=state, name=f"Synthetic County {n + 1}")
            for n in range(per_state)
        )
        for state in states
    }
    all_counties = [c for state in states for c in counties[state.code]]
    # Not the main county of its ZIP: such rows never clash with the real geography.
    ZipCounty.objects.bulk_create(
        ZipCounty(zip_code=county.fips, county=county, is_primary=False) for county in all_counties
    )
    counts.update(states=len(states), counties=len(all_counties), zips=len(all_counties))

    dsnp_contracts = -(-shape.dsnps // PBPS_PER_CONTRACT)
    tag = f"R{shape.contract_base}"
    parents = ParentOrganization.objects.bulk_create(
        ParentOrganization(name=f"Synthetic Parent {tag}-{n}")
        for n in range(max(1, dsnp_contracts // 2))
    )
    sponsors = Organization.objects.bulk_create(
        Organization(legal_name=f"Synthetic Sponsor {tag}-{n}", parent=parents[n % len(parents)])
        for n in range(dsnp_contracts)
    )
    pace_orgs = Organization.objects.bulk_create(
        Organization(legal_name=f"Synthetic PACE {tag}-{n}", is_pace=True)
        for n in range(shape.pace)
    )
    counts.update(organizations=len(sponsors) + len(pace_orgs))

    medicaid: dict[tuple[str, int], list[MedicaidPlan]] = {}
    through = MedicaidPlan.service_area.through
    links = []
    for state in states:
        for year in years:
            rows = MedicaidPlan.objects.bulk_create(
                MedicaidPlan(
                    state=state,
                    plan_year=year,
                    code=f"synthetic-{m}",
                    name=f"Synthetic Medicaid {m}",
                    parent=parents[m % len(parents)],
                    **review,
                )
                for m in range(MEDICAID_PLANS_PER_STATE)
            )
            medicaid[(state.code, year)] = rows
            for m, row in enumerate(rows):
                links += [
                    through(medicaidplan_id=row.pk, county_id=county.fips)
                    for i, county in enumerate(counties[state.code])
                    if i == 0 or (i + m) % 3 == 0
                ]
    through.objects.bulk_create(links)
    counts.update(medicaid_plans=len(states) * len(years) * MEDICAID_PLANS_PER_STATE)

    # Which counties each plan serves (indexes), decided once for every plan year.
    first, last = states[0].code, states[-1].code
    dsnp_areas: list[tuple[str, list[int]]] = []
    for n in range(shape.dsnps):
        state = states[n % len(states)].code
        indexes = _dsnp_counties(n, per_state, shape.max_service_area)
        here = shape.dsnps_here is None or n // len(states) < shape.dsnps_here
        if state == first and here and 0 not in indexes:
            indexes = [0, *indexes[:-1]] if len(indexes) > 1 else [0]
        elif state == first and not here and 0 in indexes:
            indexes = [i for i in indexes if i != 0] or [1 % per_state]
        if state == last and per_state > 1:
            # The last county of the last state is served by that state's first D-SNP only.
            quiet = per_state - 1
            indexes = [i for i in indexes if i != quiet] or [0]
            if n == len(states) - 1:
                indexes = [*indexes, quiet]
        dsnp_areas.append((state, indexes))
    pace_areas: list[tuple[str, list[int], bool]] = []
    for k in range(shape.pace):
        state = states[k % len(states)].code
        start = (k * 53) % per_state
        indexes = sorted({(start + j) % per_state for j in range(1 + k % 3)})
        here = shape.pace_here is None or k // len(states) < shape.pace_here
        if state == first:
            indexes = [i for i in indexes if i != 0] or [1 % per_state]
            if here:
                indexes = [0, *indexes]
        if state == last:
            indexes = [i for i in indexes if i != per_state - 1] or [0]
        pace_areas.append((state, indexes, k % 2 == 0))  # every other one: some ZIPs only

    plans: list[Plan] = []
    for year in years:
        for n, (state, _indexes) in enumerate(dsnp_areas):
            level = LEVELS[n % 3]
            aligned = level == "FIDE"
            contract = shape.contract_base + n // PBPS_PER_CONTRACT
            plans.append(
                Plan(
                    kind=PlanKind.DSNP,
                    plan_year=year,
                    contract_id=f"R{contract:04d}",
                    pbp=f"{n % PBPS_PER_CONTRACT + 1:03d}",
                    name=f"Synthetic D-SNP {n}",
                    organization=sponsors[n // PBPS_PER_CONTRACT],
                    integration_level=level,
                    is_aip=aligned,
                    exclusively_aligned=aligned,
                    dual_categories_from_state=not aligned,
                    enrolls_qmb_plus=aligned,
                    enrolls_fbde=aligned,
                    aligned_medicaid_plan=(
                        medicaid[(state, year)][n % MEDICAID_PLANS_PER_STATE] if aligned else None
                    ),
                    covers_medicare_cost_sharing=True,
                    covers_ltss=aligned,
                    premium=Decimal(n % 5 * 10),
                    premium_with_extra_help=Decimal(0),
                    **review,
                )
            )
        for k, _area in enumerate(pace_areas):
            plans.append(
                Plan(
                    kind=PlanKind.PACE,
                    plan_year=year,
                    contract_id=f"R{shape.contract_base + 100 + k:04d}",
                    pbp="001",
                    name=f"Synthetic PACE {k}",
                    organization=pace_orgs[k],
                    age_min=55,
                    requires_nursing_home_level_of_care=True,
                    pace_waiting_list=k % 7 == 0,
                    **review,
                )
            )
    plans = Plan.objects.bulk_create(plans)
    counts.update(plans=len(plans))

    by_code = {state.code: counties[state.code] for state in states}
    areas: list[ServiceArea] = []
    benefits: list[SupplementalBenefit] = []
    per_year = shape.dsnps + shape.pace
    for number, plan in enumerate(plans):
        n = number % per_year
        if n < shape.dsnps:
            state, indexes = dsnp_areas[n]
            areas += [ServiceArea(plan=plan, county=by_code[state][i]) for i in indexes]
            benefits += [
                SupplementalBenefit(plan=plan, kind=kind, description="Synthetic", source="x")
                for kind in ("dental", "vision")
            ]
        else:
            state, indexes, zip_limited = pace_areas[n - shape.dsnps]
            areas += [
                ServiceArea(
                    plan=plan,
                    county=by_code[state][i],
                    zip_codes=[by_code[state][i].fips] if zip_limited else [],
                )
                for i in indexes
            ]
    ServiceArea.objects.bulk_create(areas, batch_size=2000)
    SupplementalBenefit.objects.bulk_create(benefits, batch_size=2000)
    counts.update(service_areas=len(areas), supplemental_benefits=len(benefits))

    if shape.ratings:
        counts.update(_ratings(shape, dsnp_contracts, star_year=min(years)))

    served: Counter[str] = Counter(area.county_id for area in areas)
    measured = by_code[first][0].fips
    sparse = min((fips for fips in served if fips != measured), key=lambda f: (served[f], f))
    # Plans of contracts with Star Ratings (every other one), so both plan pages compare.
    rated = [n for n in range(shape.dsnps) if (n // PBPS_PER_CONTRACT) % 2 == 0]
    widest = max(rated, key=lambda n: (len(dsnp_areas[n][1]), -n))
    narrowest = min(rated, key=lambda n: (len(dsnp_areas[n][1]), n))
    year = min(years)

    def cms_id(n: int) -> str:
        return (
            f"R{shape.contract_base + n // PBPS_PER_CONTRACT:04d}-{n % PBPS_PER_CONTRACT + 1:03d}"
        )

    return SyntheticCatalog(
        county=measured,
        zip=measured,
        sparse_county=sparse,
        sparse_zip=sparse,
        plans_here=served[measured],
        plans_sparse=served[sparse],
        wide_plan=(year, cms_id(widest)),
        wide_counties=len(dsnp_areas[widest][1]),
        narrow_plan=(year, cms_id(narrowest)),
        narrow_counties=len(dsnp_areas[narrowest][1]),
        counts=dict(counts),
    )


def _ratings(shape: CatalogShape, dsnp_contracts: int, *, star_year: int) -> Counter[str]:
    """Star Ratings and the quality measures for every other D-SNP contract, with medians."""
    contracts = [f"R{shape.contract_base + c:04d}" for c in range(0, dsnp_contracts, 2)]
    ContractRating.objects.bulk_create(
        ContractRating(
            contract_id=contract,
            star_year=star_year,
            overall=Decimal("3.5") + Decimal(c % 3) / 2,
            part_c=Decimal("4.0"),
            snp=True,
        )
        for c, contract in enumerate(contracts)
    )
    measures = [
        ContractMeasure(
            contract_id=contract,
            star_year=star_year,
            measure_key=spec.key,
            measure_name=str(spec.title),
            part=MeasurePart.HEALTH,
            value=Decimal(70 + c % 20),
            unit=MeasureUnit.PERCENT,
            higher_is_better=not spec.lower_is_better,
            stars=1 + c % 5,
        )
        for c, contract in enumerate(contracts)
        for spec in QUALITY_MEASURES
    ]
    ContractMeasure.objects.bulk_create(measures, batch_size=2000)
    existing = set(
        MeasureMedian.objects.filter(star_year=star_year).values_list("measure_key", flat=True)
    )
    MeasureMedian.objects.bulk_create(
        MeasureMedian(star_year=star_year, measure_key=spec.key, median=Decimal(80), contracts=500)
        for spec in QUALITY_MEASURES
        if spec.key not in existing
    )
    return Counter(ratings=len(contracts), measures=len(measures))
