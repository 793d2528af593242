"""Importers: pure parsers over files, and one transaction of writes per import.

Every import follows the same rules (``common.run_import``): the whole file is checked
and written inside one transaction; any rejected row, or ``--dry-run``, rolls it all
back; the run is recorded as an ``ImportRun`` with its counts and plain report.
"""
