"""Context every page needs: the sample-data banner and the national help lines."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from finder import help_lines
from finder.facts import has_sample_rows


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "sample_data": has_sample_rows(),
        "national_help": help_lines.NATIONAL,
        "report_email": settings.REPORT_EMAIL,
    }
