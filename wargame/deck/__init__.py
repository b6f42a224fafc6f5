"""Decks: the TOML schema, the loader with file-and-line errors, the expression language
(parsed once into the IR of `ir`, compiled by `codegen`), lint, secrecy checks (`secrecy`)
and plain-word descriptions (`describe`)."""

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_bytes, load_deck_text

__all__ = ["CompiledDeck", "load_deck", "load_deck_bytes", "load_deck_text"]
