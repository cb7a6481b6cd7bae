"""Issue 15 (second round): the API's JSON renderer (core.renderers.JSONRenderer) writes
with orjson; its bytes must be the bytes DRF's own renderer writes, for every kind of value
the API's answers hold."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from rest_framework.renderers import JSONRenderer as DRFRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.renderers import JSONRenderer


@dataclass
class Point:
    lat: float
    lon: float


def _lazy_text():
    return lazy(lambda: "Zorgvorm past bij het zorgprofiel", str)()


VALUES = {
    "text": "Jeugdige uit 's-Hertogenbosch, één broer",
    "line_separators": "een\u2028twee\u2029drie",
    "control": 'tab\there, quote " and backslash \\ and </script>',
    "emoji": "\U0001f600",
    "int": 12,
    "big": 2**53 + 1,
    "negative": -3,
    "float": 0.1 + 0.2,
    "whole_float": 3.0,
    "km": 12.345678901234,
    "true": True,
    "none": None,
    "decimal": Decimal("1234.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "datetime_utc": datetime(2026, 12, 2, 7, 30, 15, 123456, tzinfo=UTC),
    "datetime_naive": datetime(2026, 12, 2, 7, 30, 15),
    "date": date(2026, 12, 2),
    "time": time(8, 15, 30, 250000),
    "timedelta": timedelta(days=2, seconds=5),
    "lazy": _lazy_text(),
    "nested": ReturnDict(
        {"rows": ReturnList([{"id": 1, "failed": ["age", "gender"]}], serializer=None)}, serializer=None
    ),
    "int_keys": {1: "een", 2: "twee"},
    "tuple": (1, "a"),
    "empty": {"list": [], "dict": {}},
    "dataclass_like": [Point(52.1, 5.1).__dict__],
}


@pytest.mark.parametrize("name", sorted(VALUES))
def test_each_kind_of_value_is_written_as_drf_writes_it(name):
    data = {"value": VALUES[name]}
    assert JSONRenderer().render(data) == DRFRenderer().render(data)


def test_a_whole_answer_is_written_as_drf_writes_it():
    data = ReturnDict(VALUES, serializer=None)
    assert JSONRenderer().render(data) == DRFRenderer().render(data)


def test_an_indent_asked_for_is_honoured():
    data = {"a": [1, 2]}
    body = JSONRenderer().render(data, "application/json; indent=2")
    assert body == DRFRenderer().render(data, "application/json; indent=2")
    assert b"\n  " in body


def test_nothing_renders_as_nothing():
    assert JSONRenderer().render(None) == b""


def test_the_matches_answer_is_written_by_orjson(monkeypatch):
    """The fast path is the one taken (not the fallback), so the speed-up is real."""
    calls = []
    monkeypatch.setattr(DRFRenderer, "render", lambda *a, **k: calls.append(a) or b"")
    assert JSONRenderer().render({"available": [{"facility": {"id": 1}}]}) == b'{"available":[{"facility":{"id":1}}]}'
    assert calls == []
