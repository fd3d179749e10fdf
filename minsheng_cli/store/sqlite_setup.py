"""SQLite's process-wide settings, made before the library's first use.

By default SQLite keeps statistics of its memory use (``sqlite3_memory_used``) under one
process-wide mutex that every allocation takes.  The reports read the register on several
connections side by side (``store/parallel.py``); with the statistics on, those
connections queue on that mutex and the second core gains little — two halves of the
checklist's rows query took 0.95 s side by side against 0.95 s one after the other, and
0.6 s with the statistics off (100,000 projects).  Nothing here reads the statistics, so
they are switched off, through ctypes since Python's ``sqlite3`` has no
``sqlite3_config``, before ``import sqlite3`` initializes the library (after that SQLite
refuses the change).  The function is looked up through the ``_sqlite3`` module's own file
(not found by name, which could load another copy of SQLite into the process); where it
cannot be done — not Linux, SQLite's functions not exported, SQLite already in use —
nothing changes but speed.
"""

from __future__ import annotations

import sys

SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h
SQLITE_OK = 0


def memory_statistics_off() -> bool:
    """Switch SQLite's memory statistics off; True if SQLite took the setting."""
    if "sqlite3" in sys.modules or "_sqlite3" in sys.modules or not sys.platform.startswith(
            "linux"):
        return False
    try:
        import ctypes
        import importlib.util

        spec = importlib.util.find_spec("_sqlite3")
        if spec is None or not spec.origin:
            return False
        # dlopen of the extension module's file does not run the module (import does,
        # later, on the same loaded file); its symbols include SQLite's, linked or built in.
        config = ctypes.CDLL(spec.origin).sqlite3_config
        config.restype = ctypes.c_int
        return config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK
    except (OSError, AttributeError, ImportError, ValueError):
        return False
