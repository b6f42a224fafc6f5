"""Messages are checked at the boundary: anything malformed is one clear line, and text in
either direction is neutralised (no escape sequence reaches a terminal)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.errors import WargameError
from wargame.net.protocol import MAX_RECEIVED_TEXT, Hello, ProtocolError, neutral, parse_message
from wargame.play.commands import Configure, Inject, Orders, Reseat, Resolve


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


# -- hostile text -------------------------------------------------------------------------

# What a facilitator's paste (or a hostile console) could hide in an inject: retitle the
# terminal (OSC 0), clear the screen and home the cursor (CSI), ring the bell, a C1 CSI,
# and a bidirectional override that makes text read backwards.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[H\x9b31m\u202etxet\x07"


def controls(text: str, *, lines: bool) -> list[str]:
    """The control characters `text` still holds (tab and newline allowed when `lines`)."""
    allowed = {"\t", "\n"} if lines else set()
    return [c for c in text if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") and c not in allowed]


def test_an_inject_with_escape_sequences_is_neutralised_at_the_boundary() -> None:
    msg = parse_message({"type": "inject", "text": f"Breaking:\n{ESCAPES}", "effects": [f"tension + 1{ESCAPES}"]})
    assert isinstance(msg, Inject)
    assert controls(msg.text, lines=True) == [] and controls(msg.effects[0], lines=True) == []
    assert msg.text.startswith("Breaking:\n\\x1b]0;pwned\\x07\\x1b[2J")  # visible, and the newline kept
    assert "\\u202e" in msg.text


@pytest.mark.parametrize(
    "message",
    [
        {"type": "hello", "code": f"AB{ESCAPES}"},
        {"type": "orders", "turn": 1, "orders": [f"patrol{ESCAPES}"], "reasons": [ESCAPES]},
        {"type": "inject", "event": f"e{ESCAPES}", "text": ESCAPES},
        {"type": "override", "key": ESCAPES, "outcome": True},
        {"type": "revoke", "role": ESCAPES},
        {"type": "reissue", "role": ESCAPES},
        {"type": "reseat", "seat": ESCAPES, "spec": f"doctrine:{ESCAPES}"},
    ],
)
def test_every_text_field_a_client_sends_is_neutralised(message: dict[str, object]) -> None:
    parsed = parse_message(message)
    for value in strings(parsed.model_dump()):
        assert controls(value, lines=True) == [], value


def strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (strings(k) + strings(v))]
    if isinstance(data, list | tuple):
        return [s for x in data for s in strings(x)]
    return []


@given(st.text(max_size=60), st.lists(st.text(max_size=20), max_size=3))
def test_any_text_in_any_field_comes_out_without_control_characters(text: str, ids: list[str]) -> None:
    for message in (
        {"type": "inject", "text": text, "effects": ids},
        {"type": "orders", "turn": 1, "orders": [i or "x" for i in ids], "reasons": [text]},
        {"type": "reseat", "seat": text or "x", "spec": text or "x"},
    ):
        try:
            parsed = parse_message(message)
        except ProtocolError:
            continue
        for value in strings(parsed.model_dump()):
            assert controls(value, lines=True) == []


def test_what_a_client_receives_is_neutralised_and_bounded() -> None:
    state = {"type": "state", "news": [{"text": f"An inject\n{ESCAPES}"}], ESCAPES: {"x": [ESCAPES, 3, None, True]}, "long": "a" * 50_000}
    got = neutral(state)
    assert all(controls(s, lines=True) == [] for s in strings(got))
    assert got["news"][0]["text"].startswith("An inject\n\\x1b]0;pwned")
    assert len(got["long"]) == MAX_RECEIVED_TEXT
    assert got[neutral(ESCAPES)]["x"][1:] == [3, None, True]
