"""The replay viewer (the debrief): `ReplayScreen` is the frame (timeline, tabs, keys,
perspective); each of its six panels is a `ReplayPane` in a module of its own, drawn from
the reactive attributes the screen binds to it; the dialogs are in `dialogs`."""

from wargame.tui.screens.replay.screen import ReplayScreen

__all__ = ["ReplayScreen"]
