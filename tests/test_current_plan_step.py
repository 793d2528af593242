"""The optional question "Are you in one of these plans now?" (current_plan)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BEFORE = "zip=33125&county=12086&medicare=ab&date=2026-11-22"


def test_asked_of_d_snp_members_with_this_years_plans(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/en/find/current_plan/?{BEFORE}&coverage=dsnp")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Are you in one of these plans now?" in html
    ids = re.findall(r'name="current_plan" value="([^"]+)"', html)
    assert ids[-2:] == ["none", "not_sure"]
    assert "H9001-001" in ids
    # Only this year's plans: a 2027-only plan is nobody's plan yet.
    assert all(re.fullmatch(r"H\d{4}-\d{3}", i) for i in ids[:-2])


@pytest.mark.parametrize("coverage", ["original", "ma", "new"])
def test_skipped_for_people_not_in_a_d_snp_or_pace(
    client: Client, demo_catalog: None, coverage: str
) -> None:
    response = client.get(f"/en/find/current_plan/?{BEFORE}&coverage={coverage}")
    assert response.status_code == 302
    assert "/find/medicaid/" in response["Location"]


def test_spanish(client: Client, demo_catalog: None) -> None:
    html = client.get(f"/es/find/current_plan/?{BEFORE}&coverage=not_sure").content.decode()
    assert "¿Está usted ahora en uno de estos planes?" in html
    assert "Ninguno de estos" in html


def test_a_plan_not_of_this_county_is_refused(client: Client, demo_catalog: None) -> None:
    response = client.get(
        f"/en/find/?from=current_plan&{BEFORE}&coverage=dsnp&current_plan=H0000-001"
    )
    assert "Please choose your plan from the list." in response.content.decode()


def test_a_malformed_plan_id_is_an_api_error(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/api/v1/eligibility?{BEFORE}&coverage=dsnp&current_plan=<script>")
    assert response.status_code == 400
    assert "current_plan" in response.json()["errors"]


def test_optional_skipping_goes_on(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/en/find/?from=current_plan&{BEFORE}&coverage=dsnp")
    assert response.status_code == 302
    assert "/find/medicaid/" in response["Location"]


def test_answered_goes_on_and_is_carried(client: Client, demo_catalog: None) -> None:
    response = client.get(
        f"/en/find/?from=current_plan&{BEFORE}&coverage=dsnp&current_plan=H9001-001"
    )
    assert response.status_code == 302
    assert "current_plan=H9001-001" in response["Location"]
