"""The errors a view raises; the API turns each into its problem JSON (400, 300, 404, 500)."""

from __future__ import annotations

import datetime as dt


class ApiInputError(ValueError):
    """A request parameter is invalid (400); the message says how to fix it."""


class AmbiguousItemError(LookupError):
    """A reference that fits several items (300 Multiple Choices, with the candidates)."""

    def __init__(self, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.choices = choices


class CatalogError(RuntimeError):
    """A file in queries/ is broken: a fault of the deployment, not of the request."""


class NotFoundError(LookupError):
    """A framework, item or named query does not exist (404)."""

    def __init__(self, message: str, kind: str, close_matches: list[str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.close_matches = close_matches or []


def as_date(text: str | None) -> dt.date:
    """Parse an ISO date (today when empty); ApiInputError when malformed."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiInputError(f"as_of={text!r} is not a date (YYYY-MM-DD)") from None
