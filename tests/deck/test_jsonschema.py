"""The committed JSON Schema (decks/deck.schema.json) matches the pydantic deck models.

Change `wargame/deck/schema.py`, and this fails until `python -m wargame.deck.jsonschema`
regenerates the file; commit both together.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli

from wargame.deck import jsonschema
from wargame.deck.schema import Deck, Move

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_models() -> None:
    committed = jsonschema.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == jsonschema.render(), (
        "decks/deck.schema.json is out of date: run `python -m wargame.deck.jsonschema` and commit it"
    )


def test_schema_describes_every_field() -> None:
    schema = json.loads(jsonschema.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["properties"]) == set(Deck.model_fields)
    assert set(schema["required"]) == {"deck", "actors", "moves", "endings"}
    moves = schema["$defs"]["Move"]
    assert set(moves["properties"]) == set(Move.model_fields)
    assert moves["additionalProperties"] is False
    # A category is one of the deck's own (`[categories]`) or of the four defaults: the
    # loader checks it against the deck, the schema only its spelling.
    assert moves["properties"]["category"]["type"] == "string"
    assert "CategorySpec" in schema["$defs"]


@pytest.mark.parametrize("path", sorted((ROOT / "decks").glob("*.toml")), ids=lambda p: p.name)
def test_decks_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ./deck.schema.json"
    schema = json.loads(jsonschema.SCHEMA_PATH.read_text(encoding="utf-8"))
    data = tomli.loads(path.read_text(encoding="utf-8"))
    assert set(data) <= set(schema["properties"])


def test_check_mode_notices_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "deck.schema.json"
    assert jsonschema.main([str(target)]) == 0
    assert jsonschema.main(["--check", str(target)]) == 0
    target.write_text(target.read_text().replace('"maxLength": 120', '"maxLength": 121', 1))
    assert jsonschema.main(["--check", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
