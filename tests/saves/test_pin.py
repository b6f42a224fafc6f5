"""The facilitator's PIN in a save: a memory-hard hash of at least 6 characters, sealed to
the save so that deleting or replacing it by hand makes verify fail, and the gate
(`saves.pin.unlock`) before any output that shows more than the public view. Saves of
format 2 (PBKDF2 hashes, no seal) still open, verify and take their PIN."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.play.lock import FacilitatorLock
from wargame.saves.format import FORMAT_VERSION
from wargame.saves.pin import (
    LOG_N,
    MIN_LENGTH,
    PinNeeded,
    WrongPin,
    hash_pin,
    is_current,
    pin_matches,
    unlock,
)
from wargame.saves.store import new_save, parse_save, read_save, verify, write_save

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PIN = "harbour7"
FAST = 10  # scrypt cost for tests: the scheme is the same, the work 64 times less


def pbkdf2(pin: str, iterations: int = 1000) -> str:
    """A PIN hash as format-2 wargame wrote it."""
    salt = bytes(range(16))
    return f"pbkdf2-sha256${iterations}${salt.hex()}${hashlib.pbkdf2_hmac('sha256', pin.encode(), salt, iterations).hex()}"


@pytest.fixture
def pinned(tmp_path: Path, tutorial: CompiledDeck) -> Path:
    """A finished facilitated game with a PIN and a wrong try on record, as wargame writes it."""
    seats = {"red": "random", "blue": "random"}
    save = new_save(play_game(tutorial, 4, seats), seats, facilitator=True)
    path = tmp_path / "pinned.json"
    write_save(save.model_copy(update={"facilitator_pin": hash_pin(PIN, log_n=FAST), "pin_failures": [2]}), path)
    return path


def edited(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def test_a_new_pin_is_hashed_with_scrypt_and_needs_six_characters() -> None:
    stored = hash_pin(PIN, log_n=FAST)
    assert stored.startswith(f"scrypt${FAST}$8$1$") and PIN not in stored
    assert pin_matches(stored, PIN) and not pin_matches(stored, PIN.upper()) and not pin_matches(stored, "")
    assert hash_pin(PIN, log_n=FAST) != stored  # salted
    assert MIN_LENGTH == 6
    for short in ("1234", "12345"):
        with pytest.raises(WargameError, match="at least 6 characters"):
            hash_pin(short)
    assert is_current(hash_pin("123456")) and hash_pin("123456").startswith(f"scrypt${LOG_N}$")
    assert not is_current(stored) and not is_current(pbkdf2("1234"))


def test_a_hostile_hash_never_makes_us_do_unbounded_work() -> None:
    salt, digest = "00" * 16, "00" * 32
    for cost in (f"scrypt$30$8$1${salt}${digest}", f"scrypt$20$16$1${salt}${digest}", f"scrypt$14$8$9${salt}${digest}", "scrypt$nonsense"):
        assert not pin_matches(cost, PIN)  # refused before any hashing


def test_a_pinned_save_verifies_as_written(pinned: Path) -> None:
    save = read_save(pinned)
    raw = json.loads(pinned.read_text())
    assert save.format_version == FORMAT_VERSION == 3 and len(raw["seal"]) == 64
    assert list(raw).index("seal") == list(raw).index("pin_failures") + 1
    assert verify(save).ok


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda d: d.pop("facilitator_pin"), "the seal does not match"),
        (lambda d: d.update(facilitator_pin=None), "the seal does not match"),
        (lambda d: d.update(facilitator_pin=hash_pin("known-pin", log_n=FAST)), "the seal does not match"),
        (lambda d: d.update(facilitator=False, facilitator_pin=None), "the seal does not match"),
        (lambda d: d.update(pin_failures=[]), "the seal does not match"),
        (lambda d: (d.pop("facilitator_pin"), d.pop("seal")), "the save has no seal"),
        (lambda d: d.update(seal="0" * 64), "the seal does not match"),
    ],
    ids=["pin-deleted", "pin-null", "pin-replaced", "facilitation-off", "failures-wiped", "pin-and-seal-deleted", "seal-forged"],
)
def test_an_edited_pin_makes_verify_fail(pinned: Path, change: Any, detail: str) -> None:
    save = read_save(edited(pinned, change))
    result = verify(save)
    assert not result.ok and result.field == "seal" and result.first_bad_turn is None
    assert result.detail.startswith(detail)
    problem = result.problem("week")
    assert problem is not None and problem.startswith(detail)


def test_the_seal_is_bound_to_its_save(pinned: Path, tmp_path: Path, tutorial: CompiledDeck) -> None:
    """A seal copied from another save without a PIN does not fit this one."""
    seats = {"red": "random", "blue": "random"}
    other = tmp_path / "other.json"
    write_save(new_save(play_game(tutorial, 5, seats), seats, facilitator=True), other)
    donor = json.loads(other.read_text())["seal"]
    stripped = edited(pinned, lambda d: d.update(facilitator_pin=None, pin_failures=[], seal=donor))
    assert verify(read_save(stripped)).field == "seal"


def test_every_dump_of_a_save_carries_its_seal(pinned: Path) -> None:
    """The store and worker processes serialise saves too: what they read back verifies."""
    save = read_save(pinned).model_copy(update={"facilitator_pin": hash_pin("another-pin", log_n=FAST)})
    again = parse_save(save.model_dump_json().encode())
    assert again.facilitator_pin == save.facilitator_pin and verify(again).ok


def test_unlock_asks_for_the_pin_of_a_pinned_save(pinned: Path, tmp_path: Path, tutorial: CompiledDeck) -> None:
    save = read_save(pinned)
    with pytest.raises(PinNeeded, match="this game has a facilitator's PIN, and the full report shows secrets"):
        unlock(save, None, "the full report")
    with pytest.raises(WrongPin, match="wrong facilitator's PIN"):
        unlock(save, "not-the-pin", "the full report")
    unlock(save, PIN, "the full report")
    seats = {"red": "random", "blue": "random"}
    unlock(new_save(play_game(tutorial, 4, seats), seats), None)  # no PIN, nothing to ask


def format_2_save_with_a_pin(tmp_path: Path, pin: str) -> Path:
    """The format-2 fixture as format-2 wargame would have written it with a facilitator's
    PIN (a PBKDF2 hash, no seal)."""
    data = json.loads((FIXTURES / "v2-korea-unfinished.json").read_text(encoding="utf-8"))
    assert data["format_version"] == 2 and "seal" not in data
    data.update(facilitator=True, facilitator_pin=pbkdf2(pin), pin_failures=[1])
    path = tmp_path / "v2-pinned.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def test_a_format_2_save_keeps_its_pbkdf2_pin(tmp_path: Path) -> None:
    save = read_save(format_2_save_with_a_pin(tmp_path, "1234"))  # format 2 allowed 4 characters
    assert save.format_version == 3 and save.facilitator_pin is not None and save.facilitator_pin.startswith("pbkdf2-sha256$")
    assert verify(save).ok  # sealed as it is read
    unlock(save, "1234")
    with pytest.raises(WrongPin):
        unlock(save, "4321")


def test_a_legacy_hash_is_upgraded_when_its_pin_is_entered(tmp_path: Path) -> None:
    save = read_save(format_2_save_with_a_pin(tmp_path, "old-passphrase"))
    assert save.facilitator_pin is not None
    clock = [0.0]
    lock = FacilitatorLock(save.facilitator_pin, now=lambda: clock[0])
    assert not lock.check("wrong-guess", 2) and lock.failures == [2]
    assert not lock.check("old-passphrase", 2), "no entry is checked while the wait after a wrong one runs"
    clock[0] += lock.wait()
    assert lock.check("old-passphrase", 2)
    assert lock.pin_hash is not None and lock.pin_hash.startswith(f"scrypt${LOG_N}$") and pin_matches(lock.pin_hash, "old-passphrase")
    short = FacilitatorLock(pbkdf2("1234"))
    assert short.check("1234", 1) and short.pin_hash == pbkdf2("1234")  # too short for a new hash: kept


def test_every_save_fixture_still_verifies() -> None:
    for path in sorted(FIXTURES.glob("*.json")):
        result = verify(read_save(path))
        assert result.ok, f"{path.name}: {result.detail}"
