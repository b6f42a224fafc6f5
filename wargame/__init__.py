"""wargame: a policy wargame engine with a terminal UI.

Decks of policy moves are TOML files (`decks/`), validated with pydantic and compiled to
a fast flat form; the engine resolves simultaneous sealed orders turn by turn.
"""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
