"""Errors the rules and the use cases raise; only the CLI turns them into exit codes.

``UserError`` (exit 2) is anything the person typing can fix: a bad value, an unknown
code, a move the workflow does not allow.  ``RegisterError`` (exit 3) is the register
file itself failing: missing, locked past the timeout, corrupt, read-only.
"""

from __future__ import annotations


class MinshengError(Exception):
    """Base of every error the program reports as one line."""

    exit_code = 2


class UserError(MinshengError):
    """Bad input or usage; nothing was written."""

    exit_code = 2


class InvalidValue(UserError):
    """A value that does not parse or is out of range.

    The message names the field, the value and what is accepted.
    """

    def __init__(self, field: str, value: object, accepted: str):
        self.field = field
        self.value = value
        self.accepted = accepted
        super().__init__(f"{field}: {value!r} is not valid; expected {accepted}")


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
