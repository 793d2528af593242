"""A link that gives a parameter twice is refused with a plain message, never resolved by
picking one of the values (finder/repeated.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from plans.models import Plan

pytestmark = pytest.mark.django_db

ANSWERS = (
    "zip=33125&medicare=ab&coverage=original&medicaid=full&medicaid_plan=none"
    "&medicaid_change=no&age=65plus&care_needs=no&nursing_home=no&date=2026-11-22"
)


def test_api_refuses_a_repeated_county(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/api/v1/eligibility?{ANSWERS}&county=12086&county=12011")
    assert response.status_code == 400
    assert response.json() == {"errors": {"county": "Given more than once. Give county once."}}


def test_api_still_answers_single_values(client: Client, demo_catalog: None) -> None:
    assert client.get(f"/api/v1/eligibility?{ANSWERS}&county=12086").status_code == 200


@pytest.mark.parametrize("language", ["en", "es"])
def test_results_show_the_repeated_question_with_its_message(
    client: Client, demo_catalog: None, language: str
) -> None:
    response = client.get(f"/{language}/results/?{ANSWERS}&county=12086&county=12011")
    assert response.status_code == 400
    html = response.content.decode()
    message = (
        "This link gives this answer more than once"
        if language == "en"
        else "Este enlace da esta respuesta más de una vez"
    )
    assert message in html
    assert 'name="county"' in html  # the county question, to choose again
    assert 'value="12086" checked' not in html and 'value="12011" checked' not in html
    assert "Miami-Dade County" in html


def test_a_step_with_a_repeated_earlier_answer(client: Client, demo_catalog: None) -> None:
    response = client.get("/en/find/age/?zip=33125&county=12086&medicaid=full&medicaid=qmb")
    assert response.status_code == 400
    html = response.content.decode()
    assert "more than once" in html
    assert 'name="medicaid"' in html


def test_wizard_next_with_repeated_answer(client: Client, demo_catalog: None) -> None:
    response = client.get(
        "/en/find/?from=medicare&zip=33125&county=12086&medicare=ab&medicare=neither"
    )
    assert response.status_code == 400
    assert 'name="medicare"' in response.content.decode()


def test_repeated_parameter_that_is_not_an_answer(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/en/results/?{ANSWERS}&county=12086&sort=stars&sort=cost")
    assert response.status_code == 400
    assert "This link gives “sort” more than once" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/en/plans/2027/H9001-001/?county=12086&county=12011",
        "/en/glossary/?state=FL&state=CA",
        "/en/learn/?state=FL&state=CA",
        "/es/plans/2027/H9001-001/?date=2026-11-22&date=2026-12-04",
    ],
)
def test_other_public_pages_refuse_repeats(client: Client, demo_catalog: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert "more than once" in response.content.decode() or "más de una vez" in (
        response.content.decode()
    )


def test_compare_takes_several_plans_but_not_two_counties(
    client: Client, demo_catalog: None
) -> None:
    assert Plan.objects.filter(contract_id="H9001").count() >= 2
    ok = client.get("/en/compare/?plan=2026:H9001-001&plan=2027:H9001-001")
    assert ok.status_code == 200
    refused = client.get("/en/compare/?plan=2027:H9001-001&county=12086&county=12011")
    assert refused.status_code == 400


def test_counselor_form_marks_the_repeated_answer(client: Client, demo_catalog: None) -> None:
    response = client.get(f"/en/counselor/?{ANSWERS}&county=12086&age=65plus&age=21-54&go=1")
    assert response.status_code == 400
    assert "more than once" in response.content.decode()


def test_open_data_keeps_its_own_refusal(client: Client, demo_catalog: None) -> None:
    response = client.get("/api/v1/plans?state=FL&state=CA")
    assert response.status_code == 400
    assert "Give state once." in response.content.decode()
