"""A team at one seat, on each member's own device: who is in it and who seals, this turn's
proposals with who agrees and who objects, the comments, and how the team split at each
sealing. Members comment in the box (Enter sends; ↑↓ choose the proposal it is on) and,
with Tab to the proposals, agree (a) or object (o: the box then asks why, Enter sends it);
proposals are made from the orders screen (p proposes the picks). Letters act as keys only
on the proposals, and every action hands the keyboard back to the box, so a sentence typed
after it is words, never an agreement or an objection. Only the seat and the facilitator
ever see any of it; members' words are shown as plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from wargame.observe.labels import note_words
from wargame.observe.model import Observation, TeamInfo, TeamNoteInfo
from wargame.observe.talk import MAX_MESSAGE_TEXT, proposal_sealed, split_at_seal
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.play.commands import Agree, Comment, GameCommand, Object
from wargame.tui.render import GOOD, HEAD, MUTED, STRESS, clock_time, said_when
from wargame.tui.screens.base import FOCUS_KEYS, GameScreen
from wargame.tui.widgets import TitleBar


def team_of(obs: Observation, seat: str | None) -> TeamInfo | None:
    return next((t for t in obs.teams if t.seat == seat), None)


def proposal_line(p: TeamNoteInfo) -> Content:
    """`#3 Ben, 14:05: Sanction → China  ·  agree: Ben, Ana  ·  object: Cy` (a proposal is
    this turn's: the clock says when in it)."""
    orders = ", ".join(p.order_names) or "no orders (stand pat)"
    clock = clock_time(p.at)
    return Content.assemble(
        (f"#{p.id} {p.member}", "bold"), (f", {clock}" if clock else "", MUTED), (": ", "bold"), orders,
        (f"  ·  agree: {', '.join(p.agreed) or 'nobody'}", MUTED),
        (f"  ·  object: {', '.join(p.objected)}" if p.objected else "", "$warning"),
    )


def note_line(n: TeamNoteInfo, turn_name: str = "", team: TeamInfo | None = None) -> Content:
    """A comment, an objection, a seal or a new sealer, in one or two lines; with
    `turn_name` (`week`), led by when it was said (`week 3 · 14:05`). With the `team` it
    is from, a seal names the proposal it stood on and who proposed it."""
    line = Content.assemble(*((text, STRESS[stress]) for text, stress in note_words(n, team) if text))
    if not turn_name:
        return line
    return Content.assemble((said_when(turn_name, n.turn, n.at), MUTED), "  ", line)


def seal_preview(team: TeamInfo, turn: int, moves: Sequence[str], sealer: str, turn_name: str) -> Content:
    """What the sealer's seal will keep, shown before they confirm: the proposal the picked
    `moves` stand on (who proposed it, who agrees, who objects) and the split the seal
    records, then the team's other proposals this turn. The same rules as the seal kept
    (`talk.proposal_sealed`, `talk.split_at_seal`). A member alone on the team is told so,
    not warned that nobody proposed the orders or shown a split of one."""
    proposals = team.proposals(turn)
    match = proposal_sealed(proposals, turn, moves)
    alone = list(team.members) == [sealer]
    if match is not None:
        clock = clock_time(match.at)
        lines = [Content.assemble("These are ", (f"#{match.id}", "bold"), ", proposed by ", ("you" if match.member == sealer else match.member, "bold"),
                                  (f" at {clock}" if clock else "", MUTED), ".")]
        stances: tuple[Sequence[str], Sequence[str]] = (match.agreed, match.objected)
    else:
        # Alone on the team, nobody else could have proposed them: nothing to warn about.
        lines = [] if alone else [Content.styled(f"No proposal this {turn_name} has exactly these orders: sealing them, you agree to your own.",
                                                  "$text-warning")]
        stances = ((sealer,), ())
    agreed, objected = split_at_seal(team.members, sealer, *stances)
    silent = [m for m in team.members if m not in agreed and m not in objected]
    if alone and not objected:
        lines.append(Content.assemble(("You are the team's only member so far: ", "bold"), "the seal records these orders as yours alone."))
    else:
        lines.append(Content.assemble(
            ("The seal records the team split ", "bold"), (f"{len(agreed)}–{len(objected)}", HEAD),
            (f": agreed {', '.join(agreed) or 'nobody'}", GOOD), ("; objected ", MUTED), (', '.join(objected) or "nobody", "$warning" if objected else MUTED),
            (f"; no word from {', '.join(silent)}" if silent else "", MUTED), ".",
        ))
    others = [p for p in proposals if match is None or p.id != match.id]
    if others:
        lines.append(Content.styled(f"Other proposals this {turn_name}:", MUTED))
        lines += [Content.assemble("  ", proposal_line(p)) for p in others]
    return Content("\n").join([Content.assemble(("Your team", "bold"), (f"  ·  {sealer} seals", MUTED)), *lines])


def team_summary(team: TeamInfo) -> Content:
    members = ", ".join(f"{m} (seals)" if m == team.sealer else m for m in team.members)
    return Content.assemble(("Team: ", "bold"), members)


class ProposalList(OptionList):
    """This turn's proposals: the one place letters are keys (a agrees, o objects)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "screen.agree", "Agree"),
        Binding("o", "screen.object", "Object"),
        Binding("tab,shift+tab", "screen.write", "Write", key_display="tab"),
    ]


class TeamBox(Input):
    """The box a member writes in: every letter is text; Tab goes to the proposals, ↑↓
    choose the proposal a comment is on without leaving it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab,shift+tab", "screen.proposals", "Agree or object", key_display="tab"),
        Binding("escape", "screen.keep_quiet", "Do not object"),
        Binding("up", "screen.step(-1)", show=False),
        Binding("down", "screen.step(1)", show=False),
    ]


class TeamScreen(GameScreen, inherit_bindings=False):
    DEFAULT_CSS = """
    TeamScreen #team-members { padding: 0 1; }
    TeamScreen #team-proposals { height: auto; max-height: 10; }
    TeamScreen #team-log { height: 1fr; padding: 0 1; }
    TeamScreen #team-status { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        *FOCUS_KEYS,
    ]

    COMMENT = "Write a comment, Enter sends it"
    NO_PROPOSAL = "No proposal this {} yet: p on the orders screen proposes your picks."

    def __init__(self, client: GameClient, viewer: Viewer) -> None:
        super().__init__(client, viewer)
        self.seat = viewer.actor
        self.objecting: int | None = None
        """The proposal whose objection the box is asking the reason for (None: a comment)."""

    def compose(self) -> ComposeResult:
        obs = self.obs
        yield TitleBar(Content.assemble(("Team", "bold"), "  ", obs.actor_name(self.seat or "")), obs.game.turn_label)
        yield Static(id="team-members")
        yield ProposalList(id="team-proposals")
        # Not a stop for Tab: the box and the proposals are the screen's two places.
        log = VerticalScroll(id="team-log")
        log.can_focus = False
        yield log
        yield TeamBox(placeholder=self.COMMENT, max_length=MAX_MESSAGE_TEXT, id="team-text", compact=True)
        yield Static(id="team-status")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.show(self.obs)
        # The screen opens on the box: what a member types first is words.
        self.query_one("#team-text", Input).focus()

    def show(self, obs: Observation) -> None:
        super().show(obs)
        team = team_of(obs, self.seat)
        members = self.query_one("#team-members", Static)
        proposals = self.query_one("#team-proposals", OptionList)
        log = self.query_one("#team-log", VerticalScroll)
        log.remove_children()
        if team is None:
            proposals.clear_options()
            proposals.display = False
            if self.viewer.is_facilitator and obs.teams:
                # The facilitator reads every team: each one's members and record.
                members.update(Content.styled("Every team's discussion (only you and each team see it).", MUTED))
                for t in obs.teams:
                    log.mount(Static(Content.assemble((obs.actor_name(t.seat), HEAD), "  ", team_summary(t))))
                    for n in t.notes:
                        log.mount(Static(note_line(n, obs.game.turn_name, t)))
                return
            members.update(Content.styled("No team shares this seat: members join a hosted exercise with their own names.", MUTED))
            return
        highlighted = proposals.highlighted
        proposals.clear_options()
        current = team.proposals(obs.game.turn)
        proposals.add_options([Option(proposal_line(p), id=str(p.id)) for p in current])
        # No empty frame where the proposals go: a line says where they come from.
        proposals.display = bool(current)
        members.update(team_summary(team) if current else Content("\n").join([team_summary(team), Content.styled(self.NO_PROPOSAL.format(obs.game.turn_name), MUTED)]))
        if current:
            proposals.highlighted = min(highlighted or 0, len(current) - 1)
        self.refresh_bindings()  # Tab to the proposals is offered only when there are some
        for n in team.notes:
            if n.kind != "propose" and (n.turn == obs.game.turn or n.kind == "seal"):
                log.mount(Static(note_line(n, obs.game.turn_name, team)))
        log.scroll_end(animate=False)

    def _chosen(self) -> int | None:
        proposals = self.query_one("#team-proposals", OptionList)
        if proposals.highlighted is None:
            return None
        option = proposals.get_option_at_index(proposals.highlighted)
        return int(option.id) if option.id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "keep_quiet":
            # Esc in the box takes back an objection only while the box asks why (else it is Back).
            return self.objecting is not None
        if action == "proposals":
            # Nothing to agree with or object to: the footer does not offer it.
            return self.query_one("#team-proposals", OptionList).option_count > 0
        return True

    def action_proposals(self) -> None:
        """Tab from the box: to the proposals, where a agrees and o objects."""
        self.query_one("#team-proposals", OptionList).focus()

    def action_write(self) -> None:
        self.query_one("#team-text", Input).focus()

    def action_step(self, by: int) -> None:
        """↑↓ in the box: the proposal a comment is on (the one a and o act on, too)."""
        proposals = self.query_one("#team-proposals", OptionList)
        if proposals.option_count:
            proposals.highlighted = max(0, min((proposals.highlighted or 0) + by, proposals.option_count - 1))

    def action_agree(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self._send(Agree(proposal=chosen), done=f"You agree with #{chosen}.")
        self.action_write()

    def action_object(self) -> None:
        """Object to the highlighted proposal: with the words already in the box, or the box
        asks why (Enter sends the objection, with or without a reason; Esc takes it back).
        Either way the keyboard goes back to the box."""
        chosen = self._chosen()
        box = self.query_one("#team-text", Input)
        box.focus()
        if chosen is None:
            return
        if box.value.strip():
            self._send(Object(proposal=chosen, text=box.value.strip()), box, done=f"You object to #{chosen}.")
            return
        self.objecting = chosen
        box.placeholder = f"Why do you object to #{chosen}? Enter sends the objection (Esc: do not object)"
        self.refresh_bindings()

    def _stop_objecting(self) -> None:
        self.objecting = None
        self.query_one("#team-text", Input).placeholder = self.COMMENT
        self.refresh_bindings()

    def action_keep_quiet(self) -> None:
        """Esc while the box asks why: no objection; the box is for a comment again."""
        self._stop_objecting()

    @on(Input.Submitted, "#team-text")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.objecting is not None:
            chosen = self.objecting
            self._send(Object(proposal=chosen, text=text), event.input, done=f"You object to #{chosen}.")
            self._stop_objecting()
        elif text:
            self._send(Comment(text=text, proposal=self._chosen()), event.input)

    def _say(self, line: Content | str) -> None:
        self.query_one("#team-status", Static).update(line)

    @work(group="team", exit_on_error=False)
    async def _send(self, command: GameCommand, box: Input | None = None, done: str = "") -> None:
        """Send `command`; on success empty `box` and say `done` (else the one line why not)."""
        reply = await self.client.send(command, self.viewer.name)
        if not reply.ok:
            self._say(Content.styled(reply.message, "$error"))
            return
        self._say(Content.styled(done, GOOD) if done else "")
        if box is not None:
            box.value = ""
