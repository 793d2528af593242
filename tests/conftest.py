"""Shared fixtures. Settings are chosen by the environment before pytest starts
(scripts/run-tests exports DATABASE_URL), never here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    """The public CMS files beside the clone; skipped without them, except in CI."""
    path = Path(settings.SHARED_DATA_DIR)
    if not path.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the shared data folder {path} is missing.")
        pytest.skip(f"The shared CMS data folder {path} is not on this machine.")
    return path
