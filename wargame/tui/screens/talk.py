"""Messages between seats: what this screen's viewer may read, and a line to write on a
channel it may use. One screen for a local seat, a hot-seat team (its messages wait behind
its curtain: the screen is opened from its own orders), a joined terminal or browser, and
the facilitator, who reads every channel, writes as a third party and mutes a channel.

Players' words are hostile: they are shown as plain `Content`, never parsed as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Select, Static

from wargame.observe.labels import message_author, message_to
from wargame.observe.model import MessageInfo, Observation
from wargame.observe.talk import MAX_MESSAGE_TEXT, MAX_NAME
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.play.commands import GameCommand, MuteChannel, PostAsThirdParty, SendMessage
from wargame.tui.render import HEAD, MUTED, said_when
from wargame.tui.screens.base import FOCUS_KEYS, GameScreen
from wargame.tui.widgets import TitleBar

EVERYONE = "*"
"""The recipient choice "everyone on the channel"."""


MESSAGE_WIDTH = 76
"""The width a message's header is fitted to when the screen's is not known yet: an
80-column screen less the log's padding and its scroll bar."""


def message_block(m: MessageInfo, obs: Observation, titles: dict[str, str], width: int = MESSAGE_WIDTH) -> Content:
    """One message as every screen shows it: who wrote it, to whom, when (the turn and the
    clock) and on which channel, then the words (plain text, never markup). The header is
    one line when it fits `width`, else it breaks before the when."""
    who = Content.assemble((message_author(m), HEAD), (f" → {message_to(m, obs)}", "bold"))
    when = Content.styled(f"{said_when(obs.game.turn_name, m.turn, m.at)} · {titles.get(m.channel, m.channel)}", MUTED)
    if who.cell_length + 2 + when.cell_length <= width:
        head = Content.assemble(who, "  ", when)
    else:
        head = Content("\n").join([who, when])
    return Content("\n").join([head, Content(m.text)])


class TalkScreen(GameScreen, inherit_bindings=False):
    DEFAULT_CSS = """
    TalkScreen #talk-log { height: 1fr; padding: 0 1; }
    TalkScreen .talk-message { margin-bottom: 1; }
    TalkScreen #talk-form { height: auto; }
    TalkScreen #talk-form Select { width: 28; }
    TalkScreen #talk-as { width: 20; }
    TalkScreen #talk-text { width: 1fr; }
    TalkScreen #talk-status { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+o", "mute", "Mute/unmute channel", show=False, priority=True),
        *FOCUS_KEYS,
    ]

    def __init__(self, client: GameClient, viewer: Viewer) -> None:
        super().__init__(client, viewer)
        self.writer = viewer.is_facilitator or viewer.actor is not None
        """Whether this viewer writes (the projector only reads the public channels)."""

    @property
    def role(self) -> str:
        return self.viewer.name

    def compose(self) -> ComposeResult:
        obs = self.obs
        yield TitleBar(Content.assemble(("Messages", "bold"), "  ", obs.game.turn_label), obs.viewer.label)
        yield VerticalScroll(id="talk-log")
        if self.writer:
            with Horizontal(id="talk-form"):
                yield Select(self._channel_options(obs), id="talk-channel", compact=True, allow_blank=False,
                             value=self._first_channel(obs))
                yield Select([(Content("everyone on it"), EVERYONE)], id="talk-to", compact=True, allow_blank=False, value=EVERYONE)
                if self.viewer.is_facilitator:
                    yield Input(placeholder="as (a journalist…)", max_length=MAX_NAME, id="talk-as", compact=True)
                yield Input(placeholder="Write a message, Enter sends", max_length=MAX_MESSAGE_TEXT, id="talk-text", compact=True)
        yield Static(id="talk-status")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.show(self.obs)
        if self.writer:
            self._refresh_recipients()
            self.query_one("#talk-text", Input).focus()

    # -- what it shows ---------------------------------------------------------------------
    def _channel_options(self, obs: Observation) -> list[tuple[Content, str]]:
        out = []
        for c in obs.channels:
            if not (self.viewer.is_facilitator or c.open):
                continue
            mark = " (muted)" if c.muted else ("" if c.open else " (closed)")
            out.append((Content(c.title + mark), c.name))
        return out or [(Content("no channel open"), "")]

    def _first_channel(self, obs: Observation) -> str:
        options = self._channel_options(obs)
        return options[0][1]

    def show(self, obs: Observation) -> None:
        super().show(obs)
        log = self.query_one("#talk-log", VerticalScroll)
        titles = {c.name: c.title for c in obs.channels}
        if not obs.messages:
            log.remove_children()
            log.mount(Static(Content.styled("No messages yet. Talk has no effect on the game: a binding deal is an offer.", MUTED)))
        else:
            shown = len(log.query(".talk-message"))
            if shown > len(obs.messages) or shown == 0:
                log.remove_children()
                shown = 0
            # The log's width less room for its scroll bar (the screen's, before the first layout).
            width = (log.scrollable_content_region.width or self.app.size.width - 2) - 2
            for m in obs.messages[shown:]:
                log.mount(Static(message_block(m, obs, titles, max(width, 20)), classes="talk-message"))
            log.scroll_end(animate=False)
        # Called from on_mount too (before `is_mounted` is set): the form is there by then.
        if self.writer:
            select = self.query_one("#talk-channel", Select)
            current = select.value
            options = self._channel_options(obs)
            select.set_options(options)
            names = [v for _, v in options]
            select.value = current if current in names else names[0]
            status = self.query_one("#talk-status", Static)
            closed = [c.title for c in obs.channels if not c.open and not self.viewer.is_facilitator and self.viewer.actor in c.members]
            status.update(Content.styled(f"Closed now: {', '.join(closed)}", MUTED) if closed else "")

    def _refresh_recipients(self) -> None:
        name = self.query_one("#talk-channel", Select).value
        channel = next((c for c in self.obs.channels if c.name == name), None)
        options: list[tuple[Content, str]] = [(Content("everyone on it"), EVERYONE)]
        if channel is not None and not channel.public:
            options += [(Content(self.obs.actor_name(a)), a) for a in channel.members if a != self.viewer.actor]
        select = self.query_one("#talk-to", Select)
        select.set_options(options)
        select.value = EVERYONE

    @on(Select.Changed, "#talk-channel")
    def channel_changed(self) -> None:
        self._refresh_recipients()

    # -- writing ---------------------------------------------------------------------------
    @on(Input.Submitted, "#talk-text")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        channel = self.query_one("#talk-channel", Select).value
        if not text or not isinstance(channel, str) or not channel:
            return
        to_value = self.query_one("#talk-to", Select).value
        to = [] if to_value == EVERYONE or not isinstance(to_value, str) else [to_value]
        command: GameCommand = SendMessage(channel=channel, to=to, text=text)
        if self.viewer.is_facilitator:
            persona = self.query_one("#talk-as", Input).value.strip()
            if persona:
                command = PostAsThirdParty(channel=channel, sender=persona, to=to, text=text)
        self._send(command, clear=True)

    def action_mute(self) -> None:
        if not self.viewer.is_facilitator:
            return
        name = self.query_one("#talk-channel", Select).value
        channel = next((c for c in self.obs.channels if c.name == name), None)
        if channel is not None:
            self._send(MuteChannel(channel=channel.name, muted=not channel.muted), clear=False)

    @work(group="talk", exit_on_error=False)
    async def _send(self, command: GameCommand, *, clear: bool) -> None:
        reply = await self.client.send(command, self.role)
        status = self.query_one("#talk-status", Static)
        if not reply.ok:
            status.update(Content.styled(reply.message, "$error"))
            return
        status.update("")
        if clear:
            self.query_one("#talk-text", Input).value = ""
