"""The terminal UI (`wargame play`): a Textual app for solo, hot-seat and facilitated games.

Screens render a `wargame.session.Session` and send messages up to the app, which owns
the flow from seat to seat; the session (and under it the engine) holds the game.
"""
