"""SQLite's process-wide settings, made before the library's first use.

By default SQLite keeps statistics of its memory use (``sqlite3_memory_used``) under one
process-wide mutex that every allocation takes.  The reports read the register on several
connections side by side (``store/parallel.py``); with the statistics on, those
connections queue on that mutex and the second core gains little — two halves of the
checklist's rows query took 0.95 s side by side against 0.95 s one after the other, and
0.6 s with the statistics off (100,000 projects).  Nothing here reads the statistics, so
they are switched off, through ctypes since Python's ``sqlite3`` has no
``sqlite3_config``, before ``import sqlite3`` initializes the library (after that SQLite
refuses the change).  Where it cannot be done — not Linux, a Python whose SQLite is built
in rather than the system's ``libsqlite3.so.0``, SQLite already in use — nothing changes
but speed.
"""

from __future__ import annotations

import sys

SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h
SQLITE_OK = 0


def memory_statistics_off() -> bool:
    """Switch SQLite's memory statistics off; True if SQLite took the setting."""
    if "sqlite3" in sys.modules or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        library = ctypes.CDLL("libsqlite3.so.0")
        return library.sqlite3_config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK
    except (OSError, AttributeError):  # no such library, or not that library
        return False
