"""The ledger's canonical JSON is byte for byte what ``rfc8785`` writes (RFC 8785, JCS), errors
included, whichever way ``canonical`` takes."""

import enum
import math
import sys

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from semaine.ledger.services import _plain, canonical


def _outcome(dumps, value):
    try:
        return "ok", dumps(value)
    except Exception as exc:  # noqa: BLE001 - the error's type is what is compared
        return "error", type(exc)


def _same(value):
    assert _outcome(canonical, value) == _outcome(rfc8785.dumps, value), repr(value)


class Colour(enum.Enum):
    RED = "red"


class Size(enum.StrEnum):
    SMALL = "s"


class Level(enum.IntEnum):
    HIGH = 3


FLOATS = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 100.0, 0.1, 1 / 3, 47.081012, -2.398782, 1e-4, 1.5e-4,
          9.999e-5, 1e-5, 1e-6, 1e-7, 1.25e-7, 123456789012345.6, 1e15, 1e15 + 0.5, 1e16, 1.5e16,
          9007199254740993.0, 1e20, 1e21, 1.2e21, 5e-324, 2.2250738585072014e-308,
          sys.float_info.max, -sys.float_info.max, math.inf, -math.inf, math.nan]
INTS = [0, 1, -1, 2**31, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), 2**64, -(2**70), True, False]
STRINGS = ["", "a", 'quote " backslash \\ slash /', "\b\f\n\r\t", "\x00\x01\x1f\x7f", "\u2028\u2029",
           "é à ç", "\ue000", "\uffff", "\U0001f600", "\ud800", "a\udfffb", "<script>", "\u00a0"]


@pytest.mark.parametrize("value", [None, *FLOATS, *INTS, *STRINGS])
def test_scalars_are_written_as_rfc8785_writes_them(value):
    _same(value)
    _same([value])
    _same({"k": value})


@pytest.mark.parametrize("value", [
    {"b": 1, "a": 2, "A": 3, "é": 4, "\ue000": 5, "\U0001f600": 6, "": 7},  # UTF-16 order
    {"\U0001f600": 1, "\ufb33": 2},  # code points and UTF-16 units disagree here
    {1: "a"}, {None: 1}, {True: 1}, {1.5: 1}, {"a": 1, 2: "b"}, {("t",): 1},  # keys that are no strings
    {"\ud800": 1}, {"a": {"b": {"c": [1, [2, [3, {"d": None}]]]}}}, (1, 2), [], {}, [[]], [{}],
    {"slots": [{"start": "2026-11-25T13:00:00Z", "capacity": 20, "cancelled": False}]},
    Colour.RED, Size.SMALL, {"s": Size.SMALL}, [Level.HIGH], {Size.SMALL: 1}, b"bytes", {1, 2},
    object(), type("D", (dict,), {})(a=1), type("L", (list,), {})([1.0]), type("F", (float,), {})(2.5),
])
def test_containers_odd_keys_and_subclasses_are_written_or_refused_as_rfc8785_does(value):
    _same(value)


def test_a_cycle_is_refused_as_rfc8785_refuses_it():
    loop: list = []
    loop.append(loop)
    _same(loop)


def test_records_take_the_fast_way():
    record = {"id": "3f1c", "venue": {"latitude": 47.081012, "longitude": 2.398782}, "age": [10, 99],
              "title": "Atelier « découverte »\n", "slots": [{"cancelled": False}], "track": None}
    assert _plain(record)
    assert not _plain({"x": 1.0}) and not _plain({"x": 2**53}) and not _plain({1: "x"})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.sampled_from(FLOATS + INTS) | st.text(st.characters(codec=None, exclude_categories=())),
    lambda children: st.lists(children, max_size=5) | st.tuples(children, children)
    | st.dictionaries(st.text(st.characters(codec=None, exclude_categories=()), max_size=4)
                      | st.sampled_from(["a", "B", "é", "\ue000", "\U0001f600", "\ufb33"]),
                      children, max_size=5)
    | st.dictionaries(st.integers() | st.none() | st.booleans(), children, max_size=2),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(JSON)
def test_any_json_value_is_written_as_rfc8785_writes_it(value):
    _same(value)
