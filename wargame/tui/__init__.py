"""The terminal UI (`wargame play`): a Textual app for solo, hot-seat and facilitated games.

Screens render a `wargame.session.Session` and send messages up to the app, which owns
the flow from seat to seat; the session (and under it the engine) holds the game.
"""

from types import SimpleNamespace

import textual.actions

from wargame.deck import pyparse

# Textual parses an action's arguments with `ast.literal_eval` on the UI thread while a
# worker may be parsing a deck: CPython 3.11's parser shares state between threads
# (`wargame.deck.pyparse`), so its parse takes the same lock as ours.
textual.actions.ast = SimpleNamespace(literal_eval=pyparse.literal_eval)  # type: ignore[attr-defined,assignment]
