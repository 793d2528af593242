"""The benchmark commands run and report what they promise (figures are printed, not asserted)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from plans.models import Plan, State


@pytest.mark.django_db
def test_api_query_benchmark_reports_constant_counts_and_leaves_nothing() -> None:
    out = StringIO()
    call_command("bench_api_queries", sizes="5,40", stdout=out)
    assert "Query counts are constant" in out.getvalue()
    assert not State.objects.filter(code="ZZ").exists() and not Plan.objects.exists()


def test_engine_benchmark_prints_figures() -> None:
    out = StringIO()
    call_command("bench_eligibility", plans=50, runs=3, stdout=out)
    assert "median:" in out.getvalue() and "p95:" in out.getvalue()
