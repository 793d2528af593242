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


@pytest.mark.django_db
def test_page_query_benchmark_compares_demo_and_national_and_leaves_nothing() -> None:
    out = StringIO()
    call_command("bench_page_queries", scale=0.05, stdout=out)
    report = out.getvalue()
    assert "demo      results" in report and "national  results" in report
    # The figures are printed, not asserted, except that these pages do not grow.
    assert "question:" in report and "results:" in report
    assert "results: query counts DIFFER" not in report, report
    assert "question: query counts DIFFER" not in report, report
    assert not State.objects.filter(code="X0").exists() and not Plan.objects.exists()
