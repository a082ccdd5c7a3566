"""Keep request data out of the access log: paths are logged, query strings are not.

Query strings carry SPARQL text and search terms, which may quote an organisation's data; API
keys travel in headers, which uvicorn never logs.
"""

from __future__ import annotations

import logging


class RedactQueryString(logging.Filter):
    """Cut the query string off the path of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument; always keep the record."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, sep, _ = args[2].partition("?")
            if sep:
                record.args = (*args[:2], f"{path}?…", *args[3:])
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQueryString) for f in logger.filters):
        logger.addFilter(RedactQueryString())
