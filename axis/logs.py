"""structlog setup: JSON lines in production, console on a terminal.

Loggers are per subsystem (``axis.intake``, ``axis.api``, ``axis.store`` ...). Bind document id,
sender and recipient at the start of a unit of work; log one info line per state transition.
Never log payloads, keys or secrets.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.types import EventDict, WrappedLogger

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
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _drop_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=_SafePrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )


def get(name: str) -> Any:
    """A logger for one subsystem, e.g. ``get("axis.intake")``."""
    return structlog.get_logger().bind(logger_name=name)
