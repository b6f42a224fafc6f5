"""The engine: state, legal moves, simultaneous resolution, events, endings.

Pure Python: no I/O, no textual, no click (a test enforces it).
"""

from wargame.engine.game import Game, MoveOption, Score
from wargame.engine.state import FACILITATOR, Inject, NewsItem, Play, Roll, State, TurnRecord

__all__ = [
    "FACILITATOR",
    "Game",
    "Inject",
    "MoveOption",
    "NewsItem",
    "Play",
    "Roll",
    "Score",
    "State",
    "TurnRecord",
]
