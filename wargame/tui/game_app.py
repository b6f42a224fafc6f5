"""What every app that plays a game through a client shares: the local app (`wargame play`)
and the joined one (`wargame join`) seal a seat's orders, open its orders screen on its
briefing the first time, and reopen the stakes and the last results, and open the messages
and the team, the same way.

Kept here once so that a game played at this keyboard and one joined over the network
cannot drift apart; each app adds only how it reaches its game and what comes next.
"""

from __future__ import annotations

from textual.app import App

from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.play.commands import Orders
from wargame.tui.flow import opens_on_briefing
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.stakes import StakesScreen
from wargame.tui.screens.talk import TalkScreen
from wargame.tui.screens.team import TeamScreen


class GameApp(App[None]):
    """An app showing one game through `client` (None until there is one)."""

    client: GameClient | None

    def __init__(self) -> None:
        super().__init__()
        self.briefed: set[str] = set()
        """The seats whose orders screen has opened on their briefing in this game."""

    def home_viewer(self) -> Viewer:
        """Whose eyes this app's screens are for when no game screen says (each app's own)."""
        raise NotImplementedError

    def viewer_here(self) -> Viewer:
        """Whoever is at the keyboard: the viewer of the game screen under any dialogs."""
        under = next((x for x in reversed(self.screen_stack) if isinstance(x, GameScreen)), None)
        return under.viewer if under is not None else self.home_viewer()

    def orders_screen(self, client: GameClient, seat: str) -> OrdersScreen:
        """`seat`'s orders screen, opening on its briefing the first time (`flow.opens_on_briefing`)."""
        brief = opens_on_briefing(client.observe(Viewer.seat(seat)), seat, self.briefed)
        if brief:
            self.briefed.add(seat)
        return OrdersScreen(client, seat, brief=brief)

    async def seal(self, confirmed: OrdersScreen.Confirmed) -> bool:
        """Send a seat's confirmed orders; a refusal is said in one line. True: sealed."""
        client = self.client
        if client is None:
            return False
        reply = await client.send(Orders(turn=confirmed.turn, orders=list(confirmed.orders), reasons=confirmed.reasons), confirmed.seat)
        if not reply.ok:
            self.notify(reply.message, severity="error", markup=False, timeout=8)
        return reply.ok

    def action_stakes(self, opening: bool = False) -> None:
        """The briefing, objectives and endings, for whoever is at the keyboard."""
        if self.client is None or isinstance(self.screen, StakesScreen):
            return
        self.push_screen(StakesScreen(self.client, self.viewer_here(), opening=opening))

    def action_last_results(self) -> None:
        """The last turn's results again, as whoever is at the keyboard may see them."""
        if self.client is None or isinstance(self.screen, ResolutionScreen):
            return
        viewer = self.viewer_here()
        turn = self.client.observe(viewer).game.resolved
        if turn < 1:
            self.notify("No turn has been resolved yet.", markup=False)
            return
        self.push_screen(ResolutionScreen(self.client, turn, viewer, reopened=True))

    def action_talk(self) -> None:
        """Messages, from a game screen: its viewer's (a seat's own, all for the facilitator)."""
        screen = self.screen
        if isinstance(screen, GameScreen):
            self.push_screen(TalkScreen(screen.client, screen.viewer))

    def action_team(self) -> None:
        """The team sharing a game screen's seat (every team, for the facilitator)."""
        screen = self.screen
        if isinstance(screen, GameScreen):
            self.push_screen(TeamScreen(screen.client, screen.viewer))
