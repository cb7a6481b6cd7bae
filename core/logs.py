"""Logs on stdout for web, worker and beat: one JSON object a line, or readable lines (issue 13).

`LOG_FORMAT=json` (the default in production) writes every log record, Django's, Celery's
and the product's, as one JSON object with `timestamp`, `level`, `logger`, `event` and the
`request_id` of the request (core.request_id) or of the task that request published;
`LOG_FORMAT=console` writes the same fields as a readable line (the default in development).

No personal data in logs: the product logs ids and paths, never names, BSNs or query
strings (a search may hold a name). As a last line of defence `redact_personal_data`
replaces anything that is a valid BSN (the 11-check) or looks like an e-mail address in
every line, tracebacks included, before it is written.
"""

from __future__ import annotations

import logging.config
import re

import structlog
from stdnum.nl import bsn as bsn_number

LOG_FORMATS = ("json", "console")
REDACTED_BSN = "[bsn]"
REDACTED_EMAIL = "[e-mail]"
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact_text(text: str) -> str:
    """`text` without BSNs (9 digits passing the 11-check) and e-mail addresses."""
    text = _NINE_DIGITS.sub(lambda m: REDACTED_BSN if bsn_number.is_valid(m.group()) else m.group(), text)
    return _EMAIL.sub(REDACTED_EMAIL, text)


def redact_personal_data(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: `redact_text` on every string value of the line."""
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = redact_text(value)
    return event_dict


def _shared_processors() -> list:
    """What every line gets, from structlog and from the standard library alike."""
    return [
        structlog.contextvars.merge_contextvars,  # request_id, task_id (core.request_id)
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(log_format: str):
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=False)


def structured_formatter(log_format: str = "json") -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every line: the product's fields, redaction, then JSON or console."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_personal_data,
            _renderer(log_format),
        ],
    )


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: one stdout handler whose formatter is `structured_formatter`."""
    if log_format not in LOG_FORMATS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": "core.logs.structured_formatter", "log_format": log_format}},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "structured"}
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # the development server's own access line carries the query string: ours does not
            "django.server": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        },
    }


def structlog_configure() -> None:
    """structlog's own loggers (`structlog.get_logger`) go through the standard library
    handler above, so both kinds of line look the same."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str):
    return structlog.get_logger(name)


def reapply(logging_setting: dict) -> None:
    """Celery's `setup_logging` signal: keep the product's configuration in the worker and
    beat instead of Celery's own format (config.celery)."""
    logging.config.dictConfig(logging_setting)
