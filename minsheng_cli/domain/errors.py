"""Errors the rules and the use cases raise; only the CLI turns them into exit codes.

``UserError`` (exit 2) is anything the person typing can fix: a bad value, an unknown
code, a move the workflow does not allow.  ``RegisterError`` (exit 3) is the register
file itself failing: missing, locked past the timeout, corrupt, read-only;
``OutputError`` (exit 3 too) the disk under the output failing while it is written.
"""

from __future__ import annotations


class MinshengError(Exception):
    """Base of every error the program reports as one line."""

    exit_code = 2


class UserError(MinshengError):
    """Bad input or usage; nothing was written."""

    exit_code = 2


# A value echoed in a message is cut to about this many characters: a 4,000-character
# text pasted in the wrong place should not come back whole.
ECHO_CHARS = 60


def echo(value: object) -> str:
    """``value`` as a message shows it: quoted; when long, its start and its end (a path's
    file name) around a …, and its length."""
    shown = repr(value)
    if len(shown) <= ECHO_CHARS:
        return shown
    if isinstance(value, str):
        half = (ECHO_CHARS - 3) // 2  # room for the quotes and the …
        return f"{value[:half] + '…' + value[-half:]!r} ({len(value)} characters)"
    return shown[:ECHO_CHARS - 1] + "…"


class InvalidValue(UserError):
    """A value that does not parse or is out of range.

    The message names the field, the value (cut when long) and what is accepted.
    """

    def __init__(self, field: str, value: object, accepted: str):
        self.field = field
        self.value = value
        self.accepted = accepted
        super().__init__(f"{field}: {echo(value)} is not valid; expected {accepted}")


class NotFound(UserError):
    """An unknown project code, group name, visit or issue id."""

    def __init__(self, what: str, key: object, hint: str = ""):
        self.what = what
        self.key = key
        message = f"unknown {what}: {key!r}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class Conflict(UserError):
    """A duplicate code or name, or a move the workflow does not allow."""


class RegisterError(MinshengError):
    """The register file cannot be used: missing, locked, corrupt or read-only."""

    exit_code = 3


class OutputError(MinshengError):
    """The output could not be written: a full disk or quota, an I/O error.  Not the
    user's mistake, and not to be read as a bad command line (2) by a script."""

    exit_code = 3
