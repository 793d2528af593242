"""Service area: 42 CFR 422.50(a)(3)(i) (D-SNPs) and 460.150(b)(3) (PACE, often by ZIP)."""

from __future__ import annotations

import pytest

from finder.eligibility import PlanFacts, Status, decide_all

from .builders import COUNTY, OTHER_COUNTY, answers, decide_one, dsnp, finding, pace, state

pytestmark: list[pytest.MarkDecorator] = []

PACE_ZIPS = {COUNTY: frozenset({"90012", "90013"})}


@pytest.mark.parametrize(
    ("plan", "county", "zip_code", "expected"),
    [
        pytest.param(dsnp(), COUNTY, None, "pass", id="dsnp-whole-county"),
        pytest.param(dsnp(), OTHER_COUNTY, None, "fail", id="dsnp-other-county"),
        pytest.param(dsnp(), None, None, "check", id="dsnp-no-county"),
        pytest.param(pace(service_area=PACE_ZIPS), COUNTY, "90012", "pass", id="pace-zip-listed"),
        pytest.param(
            pace(service_area=PACE_ZIPS), COUNTY, "90065", "fail", id="pace-zip-not-listed"
        ),
        pytest.param(pace(service_area=PACE_ZIPS), COUNTY, None, "check", id="pace-zip-unknown"),
        pytest.param(pace(), COUNTY, "90065", "pass", id="pace-whole-county"),
    ],
)
def test_service_area(
    plan: PlanFacts, county: str | None, zip_code: str | None, expected: str
) -> None:
    decision = decide_one(answers(county=county, zip=zip_code), plan)
    found = finding(decision, "service_area")
    assert found is not None and found.outcome == expected
    expected_cite = "pace_service_area" if plan.kind == "pace" else "ma_service_area"
    assert found.citations == (expected_cite,)
    if expected == "fail":
        assert decision.status is Status.NOT_ELIGIBLE


def test_pace_zip_limit_unknown_zip_names_the_next_step() -> None:
    found = finding(decide_one(answers(zip=None), pace(service_area=PACE_ZIPS)), "service_area")
    assert found is not None
    assert found.next_step is not None and "ZIP" in str(found.next_step)
    assert found.who_can_help == "pace_organization"


def test_plans_outside_the_county_never_appear_in_results() -> None:
    inside = dsnp(id="inside")
    outside = dsnp(id="outside", service_area={OTHER_COUNTY: frozenset()})
    zip_limited_out = pace(id="pace-out", service_area=PACE_ZIPS)
    results = decide_all(answers(zip="90065"), [inside, outside, zip_limited_out], state())
    ids = [d.plan_id for d in results.all()]
    assert "outside" not in ids
    assert "inside" in ids
    # A PACE plan of the county whose ZIP list leaves the person out is shown, with reason.
    assert [d.plan_id for d in results.not_eligible] == ["pace-out"]


def test_no_county_places_no_plan() -> None:
    results = decide_all(answers(county=None), [dsnp()], state())
    assert results.count == 0
    assert results.original_medicare is not None
