"""The deck's JSON Schema, generated from the pydantic `Deck` model and committed.

Editors that read a `#:schema ./deck.schema.json` line (taplo, Even Better TOML) use it
to complete and check a deck as it is typed. Regenerate it after changing
`wargame/deck/schema.py` with `python -m wargame.deck.jsonschema`; a test fails when the
committed file drifts from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from wargame.deck.schema import Deck

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "decks" / "deck.schema.json"
SCHEMA_ID = "https://wargame.invalid/deck.schema.json"
"""A stable identifier (not fetched); editors match the schema by path."""


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, as a dict (what `deck.schema.json` holds)."""
    body = Deck.model_json_schema(mode="validation")
    head: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "wargame deck",
        "description": (
            "A wargame scenario deck (TOML). Generated from wargame/deck/schema.py by "
            "`python -m wargame.deck.jsonschema`; do not edit by hand. Expressions "
            "(conditions, chances, effects) are plain strings here; `wargame validate` "
            "checks them."
        ),
    }
    body.pop("title", None)
    body.pop("description", None)
    return head | body


def render() -> str:
    """The schema as committed: 2-space JSON with a final newline, stable key order."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the schema (default `decks/deck.schema.json`), or with `--check` compare only."""
    if any(a in {"-h", "--help"} for a in argv):
        print("usage: python -m wargame.deck.jsonschema [--check] [PATH]")
        return 0
    unknown = [a for a in argv if a.startswith("-") and a != "--check"]
    if unknown:
        print(f"unknown option {unknown[0]}; usage: python -m wargame.deck.jsonschema [--check] [PATH]", file=sys.stderr)
        return 2
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    target = Path(paths[0]) if paths else SCHEMA_PATH
    text = render()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target}: out of date; run `python -m wargame.deck.jsonschema`", file=sys.stderr)
            return 1
        print(f"{target}: up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
