"""Every translatable string in the code is in the Spanish catalog.

tests/test_translations.py checks the catalog as committed; this test runs
`makemessages` on a scratch copy of the code and fails on any msgid the committed
catalog lacks, so a string added without a translation cannot reach Spanish pages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_translations import PO_FILE, parse_po

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext (xgettext) is not installed"
)
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("manage.py", "finder", "plans", "templates", "locale")


def test_catalog_has_every_string_of_the_code(tmp_path: Path) -> None:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "true"},
        check=True,
    )
    fresh = parse_po((tmp_path / "locale/es/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    committed = parse_po(PO_FILE.read_text(encoding="utf-8"))
    known = {(e.msgctxt, e.msgid) for e in committed if e.msgid}
    missing = sorted(e.msgid for e in fresh if e.msgid and (e.msgctxt, e.msgid) not in known)
    assert not missing, (
        f"{len(missing)} strings are missing from locale/es/LC_MESSAGES/django.po: run "
        "makemessages and translate them:\n" + "\n".join(missing)
    )
