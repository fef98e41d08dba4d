"""structlog setup: JSON lines in production, console on a terminal.

Loggers are per subsystem (``axis.intake``, ``axis.api``, ``axis.store`` ...). Bind document id,
sender and recipient at the start of a unit of work; log one info line per state transition.
Never log payloads, keys or secrets.
"""

from __future__ import annotations

import errno
import logging
import sys
from typing import Any

import aiohttp
import structlog
from structlog.types import EventDict, WrappedLogger

_DISCONNECT_ERRNOS = frozenset({errno.EPIPE, errno.ECONNRESET, errno.ECONNABORTED})
_SECRET_KEYS = frozenset({"secret", "password", "key", "hash_header", "sign_header", "body"})


def _drop_secrets(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    for key in _SECRET_KEYS & event.keys():
        event[key] = "[redacted]"
    return event


class _SafePrintLogger(structlog.PrintLogger):
    """A PrintLogger whose writes never raise: a log file on a failing disk (EFBIG, ENOSPC,
    EIO) must not turn a refusal into a crash. The lost line is counted, not retried."""

    dropped = 0

    def msg(self, message: str) -> None:
        try:
            super().msg(message)
        except (OSError, ValueError):
            _SafePrintLogger.dropped += 1

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


class _SafePrintLoggerFactory:
    def __init__(self, file: Any) -> None:
        self._file = file

    def __call__(self, *args: Any) -> _SafePrintLogger:
        return _SafePrintLogger(self._file)


def setup(fmt: str = "auto", level: str = "info", stream: Any = None) -> None:
    stream = stream or sys.stderr
    if fmt == "auto":
        fmt = "console" if stream.isatty() else "json"
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=stream.isatty())
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    # The console renderer prints exc_info itself; JSON needs it turned into a string first,
    # or the traceback of an "internal error" would be dropped from the line.
    tracebacks = [] if fmt == "console" else [structlog.processors.format_exc_info]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _drop_secrets,
            *tracebacks,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=_SafePrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )


def is_disconnect(exc: BaseException) -> bool:
    """The peer went away (reset, closed mid-body): an everyday event, not an internal error."""
    return isinstance(exc, (ConnectionError, aiohttp.ClientConnectionError)) or (
        isinstance(exc, OSError) and exc.errno in _DISCONNECT_ERRNOS
    )


def get(name: str) -> Any:
    """A logger for one subsystem, e.g. ``get("axis.intake")``. Lazy: it follows the latest
    ``setup`` even when created at import time, before the daemon configured logging."""
    return structlog.get_logger(logger_name=name)
