"""User-facing error types.

Two kinds of error exist in Threadline. A ``ThreadlineError`` is something the user can understand and fix
(a bad file, a malformed query, a case from a newer version): its message is shown as is, without a
traceback. Anything else is a bug: it is logged with its traceback and reported as such.
"""


class ThreadlineError(Exception):
    """An error whose message is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CaseFileError(ThreadlineError):
    """The case file cannot be opened or created (missing, not a case, newer schema, corrupt)."""


class ImportRejected(ThreadlineError):
    """One input file cannot be imported; the message is the one-line reason shown in the report."""


class UnsupportedFormat(ImportRejected):
    """The bytes are in a format Threadline does not read (an image, a spreadsheet …)."""


class QueryError(ThreadlineError):
    """A search query is malformed; the message says what to change."""


class NotFound(ThreadlineError):
    """A referenced object (source, entity, event …) does not exist in the case."""


class InvalidValue(ThreadlineError):
    """A value given by the user does not fit (a bad date, an unknown grade, an offset out of range)."""


class Cancelled(ThreadlineError):
    """Long work was cancelled by the user; what finished before stays."""
