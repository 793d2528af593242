#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.version_info < (3, 12):  # noqa: UP036 - say what to install, not a SyntaxError
        sys.exit("Integrated Care Finder needs Python 3.12 or newer (Django 6 refuses older ones).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finder.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
