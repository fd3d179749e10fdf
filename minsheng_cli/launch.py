"""The ``minsheng`` command's entry point.

``minsheng --version`` alone is answered here, before the command line program (Typer and
every command's module, ~130 ms) is imported: scripts ask it to check what is installed.
Everything else goes to ``minsheng_cli.cli.main``.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from minsheng_cli import __version__

        sys.stdout.write(f"minsheng {__version__}\n")
        return
    from minsheng_cli.cli import main as run

    run()
