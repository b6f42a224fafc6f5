"""Messages from clients are checked at the boundary: anything malformed is one clear line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.errors import WargameError
from wargame.net.protocol import Hello, ProtocolError, parse_message
from wargame.play.commands import Configure, Orders, Reseat, Resolve


def test_good_messages_parse() -> None:
    assert parse_message('{"v": 1, "type": "hello", "code": "K7QM-2XHT-9ABP"}') == Hello(type="hello", code="K7QM-2XHT-9ABP")
    msg = parse_message({"type": "orders", "turn": 3, "orders": ["patrol"]})
    assert isinstance(msg, Orders) and msg.turn == 3 and msg.orders == ["patrol"]
    assert isinstance(parse_message({"type": "reseat", "seat": "red", "spec": "random"}), Reseat)


@pytest.mark.parametrize(("sent", "meant"), [("stand-pat", "stand-pat"), ("stand-in", "stand-in"), ("stand_pat", "stand-pat"), ("computer", "stand-in")])
def test_time_up_names_old_and_new(sent: str, meant: str) -> None:
    """Today's names, and those of the protocol's first release, which clients still send."""
    assert parse_message({"type": "resolve", "missing": sent}) == Resolve(missing=meant)  # type: ignore[arg-type]
    assert parse_message({"type": "settings", "on_timeout": sent}) == Configure(on_timeout=meant)  # type: ignore[arg-type]
    assert parse_message({"type": "settings", "on_timeout": "wait"}) == Configure(on_timeout="wait")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "message is not JSON"),
        ("[1, 2]", 'message must be a JSON object with a "type"'),
        ('{"code": "x"}', 'message has no "type"'),
        ('{"type": "launch"}', "unknown message type 'launch'"),
        ('{"v": 2, "type": "hello", "code": "x"}', "protocol version 2 is not supported"),
        ('{"type": "orders", "turn": "soon", "orders": []}', "orders: turn: Input should be a valid integer"),
        ('{"type": "orders", "turn": 1}', "orders: orders: Field required"),
        ('{"type": "orders", "turn": 1, "orders": [], "extra": 1}', "orders: extra: Extra inputs are not permitted"),
        ('{"type": "countdown", "minutes": -1}', "countdown: minutes: Input should be greater than or equal to 0"),
        ('{"type": "hello", "code": ""}', "hello: code: String should have at least 1 character"),
        ('{"type": "resolve", "missing": "wait"}', "resolve: missing: Input should be 'stand-pat' or 'stand-in'"),
        ('{"type": "settings", "on_timeout": "panic"}', "settings: on_timeout: Input should be 'wait', 'stand-pat' or 'stand-in'"),
    ],
)
def test_bad_messages_get_one_clear_line(raw: str, message: str) -> None:
    with pytest.raises(ProtocolError) as err:
        parse_message(raw)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_oversized_messages_are_refused() -> None:
    with pytest.raises(ProtocolError, match="too large"):
        parse_message(json.dumps({"type": "hello", "code": "x" * 300_000}))


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20), lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4), max_leaves=20))
def test_any_json_either_parses_or_raises_a_protocol_error(data: object) -> None:
    try:
        parse_message(json.dumps(data))
    except ProtocolError as exc:
        assert str(exc) and "\n" not in str(exc)
    except WargameError:  # pragma: no cover - would be a wrong error class
        raise AssertionError("not a ProtocolError") from None


@given(st.sampled_from(["hello", "orders", "resolve", "inject", "override", "revoke", "reissue", "reseat", "countdown", "settings"]), st.dictionaries(st.sampled_from(["code", "turn", "orders", "missing", "event", "text", "effects", "key", "outcome", "role", "seat", "spec", "minutes", "auto_resolve", "on_timeout"]), st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5) | st.lists(st.text(max_size=5), max_size=3)))
def test_messages_with_wrong_fields_never_crash(kind: str, fields: dict[str, object]) -> None:
    try:
        parse_message({"type": kind, **fields})
    except ProtocolError as exc:
        assert "\n" not in str(exc)
