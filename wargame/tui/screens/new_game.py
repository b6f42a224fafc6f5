"""The new-game screen: pick a deck, seat each actor, set the seed, turns and facilitator.

It says what each computer opponent plays like, shows the seed to a solo player (masked
when others share the keyboard), and opens on the last setup (`LastSetup`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from wargame.bots.seats import seat_options, seat_summary
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.errors import DeckError
from wargame.play.lock import MIN_LENGTH
from wargame.tui.render import BAD, HEAD, MUTED
from wargame.tui.widgets import TitleBar


@dataclass(frozen=True)
class DeckEntry:
    """A deck file in a decks folder: loaded, or why it does not load."""

    path: Path
    deck: CompiledDeck | None
    error: str = ""

    @property
    def title(self) -> str:
        return self.deck.title if self.deck else f"{self.path.name} (does not load)"


def find_decks(folders: Iterable[Path], known: dict[Path, CompiledDeck] | None = None) -> list[DeckEntry]:
    """Every `*.toml` deck in `folders` (each file once), loaded; broken ones say why.

    `known` maps resolved paths to decks already loaded, which are not loaded again."""
    known = known or {}
    seen: set[Path] = set()
    out: list[DeckEntry] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            if real in known:
                out.append(DeckEntry(path, known[real]))
                continue
            try:
                out.append(DeckEntry(path, load_deck(path)))
            except DeckError as exc:
                out.append(DeckEntry(path, None, str(exc.problems[0]) if exc.problems else str(exc)))
    return out


def default_seats(deck: CompiledDeck) -> dict[str, str]:
    """Solo play: the first actor is human, the others play their deck's first doctrine."""
    seats = {}
    for i, actor in enumerate(deck.actors):
        options = [spec for _, spec in seat_options(deck, actor)]
        doctrine = next((s for s in options if s.startswith("doctrine:")), "random")
        seats[actor] = "human" if i == 0 else doctrine
    return seats


@dataclass(frozen=True)
class LastSetup:
    """The setup of the last game started here (never its PIN or seed), kept beside the
    saves so that the next new game opens on it."""

    deck: Path
    seats: dict[str, str]
    turns: int
    facilitator: bool

    FILE: ClassVar[str] = ".new-game.json"
    """In the saves folder; a dot-file, so no list of saves shows it."""

    @classmethod
    def read(cls, save_dir: Path) -> LastSetup | None:
        """The last setup, or None (none yet, or a file that is not one: it is ignored)."""
        try:
            data = json.loads((save_dir / cls.FILE).read_text(encoding="utf-8"))
            seats = data["seats"]
            if not (isinstance(seats, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in seats.items())):
                return None
            return cls(Path(str(data["deck"])), seats, int(data["turns"]), data["facilitator"] is True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, save_dir: Path) -> None:
        """Keep it for next time; a folder that cannot be written only loses the memory."""
        data = {"deck": str(self.deck), "seats": self.seats, "turns": self.turns, "facilitator": self.facilitator}
        try:
            save_dir.mkdir(parents=True, exist_ok=True)
            (save_dir / self.FILE).write_text(json.dumps(data), encoding="utf-8")
        except OSError:
            pass


SEAT_NAME_MIN = 14
"""The seat names' column as the form's other labels (`.field-label`), when every name fits."""
SEAT_NAME_ROOM = 22
"""The widest the seat names' column gets: the seat's choice beside it keeps room at 80 columns."""


class NewGameScreen(Screen[None]):
    """Choose everything a game needs, then post `Start` up to the app."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012  (Textual reads it per class)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+s", "start", "Start game"),
        # Reaching the checkbox by Tab depends on the deck's number of actors: a key is surer.
        # Priority: a focused Input would otherwise take ctrl+f as "delete the word to the right".
        Binding("ctrl+f", "toggle_facilitator", "Facilitator on/off", priority=True),
    ]

    @dataclass
    class Start(Message):
        deck: CompiledDeck
        seats: dict[str, str]
        seed: int
        turns: int
        facilitator: bool
        pin: str = ""
        """The facilitator's PIN, in clear only on its way to the session (which hashes it)."""

    def __init__(self, decks: list[DeckEntry], chosen: Path | None, seed: int, last: LastSetup | None = None) -> None:
        """`chosen`: the deck to offer first (else the last setup's); `last`: the last
        game's setup, whose seats, turns and facilitator fill the form for its deck."""
        super().__init__()
        self.decks = decks
        self.seed = seed
        self.last = last
        self.index = 0
        chosen = chosen if chosen is not None else last.deck if last is not None else None
        if chosen is not None:
            for i, entry in enumerate(decks):
                if entry.path.resolve() == chosen.resolve() and entry.deck is not None:
                    self.index = i
                    break
            else:
                self.index = next((i for i, e in enumerate(decks) if e.deck is not None), 0)

    @property
    def entry(self) -> DeckEntry | None:
        return self.decks[self.index] if self.decks else None

    def compose(self) -> ComposeResult:
        yield TitleBar("New game", "choose a deck, the seats and the seed")
        with VerticalScroll(id="new-game"):
            with Horizontal(classes="field"):
                yield Label("Deck", classes="field-label")
                options = [(Content(e.title), i) for i, e in enumerate(self.decks)]
                yield Select(options, value=self.index, allow_blank=False, id="deck", compact=True) if options else Static(
                    Content.styled("No decks found in decks/.", BAD)
                )
            yield Static(Content.styled("Seats", HEAD), classes="section")
            yield Vertical(id="seats")
            yield Static(id="seat-styles", classes="hint")
            with Horizontal(classes="field"):
                yield Label("Seed", classes="field-label")
                # Masked: a seat that knows the seed could work out others' dice.
                yield Input(str(self.seed), type="integer", id="seed", max_length=19, password=True, compact=True)
                yield Label("Turns", classes="field-label short")
                yield Input("", type="integer", id="turns", max_length=3, compact=True)
            with Horizontal(classes="field"):
                yield Label("Facilitator", classes="field-label")
                yield Checkbox("no: the seats play on their own", False, id="facilitator", compact=True)
                yield Label("PIN", classes="field-label short")
                yield Input(placeholder=f"{MIN_LENGTH}+ characters", password=True, id="facilitator-pin", max_length=64, compact=True)
            yield Static(
                Content.styled("The facilitator sees everything (injects, dice, countdown); the PIN keeps seats out.", MUTED),
                classes="hint",
                id="facilitator-hint",
            )
            # The deck's story comes after the form: on a small screen the choices and Start
            # are in view first and the reading scrolls.
            yield Static(id="deck-info")
        # Below the scrolling form: Start is always in reach, however tall the form.
        with Horizontal(id="new-game-buttons"):
            yield Button("Start game (ctrl+s)", id="start", variant="primary", compact=True)
            yield Button("Back (esc)", id="back", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_deck()
        self.query_one("#deck").focus()

    async def show_deck(self) -> None:
        entry = self.entry
        info = self.query_one("#deck-info", Static)
        seats = self.query_one("#seats", Vertical)
        await seats.remove_children()
        if entry is None or entry.deck is None:
            info.update(Content.styled(entry.error if entry else "", BAD))
            self.query_one("#start", Button).disabled = True
            return
        self.query_one("#start", Button).disabled = False
        deck = entry.deck
        actors = ", ".join(deck.actor_name(a) for a in deck.actors)
        info.update(
            Content.assemble(
                (deck.title, "bold"),
                "\n",
                deck.summary,
                "\n",
                ("Actors: ", MUTED),
                actors,
                (f"   {deck.turns} {deck.turn_name}s · {entry.path.name}", MUTED),
            )
        )
        self.query_one("#turns", Input).value = str(deck.turns)
        chosen = default_seats(deck)
        last = self.last
        if last is not None and last.deck.resolve() == entry.path.resolve():
            # The last game's setup, where it still fits the deck.
            specs = {actor: {spec for _, spec in seat_options(deck, actor)} for actor in deck.actors}
            chosen |= {a: s for a, s in last.seats.items() if s in specs.get(a, set())}
            self.query_one("#turns", Input).value = str(last.turns if 1 <= last.turns <= 200 else deck.turns)
            self.query_one("#facilitator", Checkbox).value = last.facilitator
        rows = []
        # Seat names in full: the column widens to the longest (within SEAT_NAME_ROOM), and a
        # name longer still is shown by the actor's short name, not cut.
        room = max(SEAT_NAME_MIN, min(SEAT_NAME_ROOM, max(len(deck.actor_name(a)) for a in deck.actors) + 1))
        for actor in deck.actors:
            options = [(Content(label), spec) for label, spec in seat_options(deck, actor)]
            name = deck.actor_name(actor)
            label = Label(Content(name if len(name) < room else deck.actor_short(actor)), classes="field-label")
            label.styles.width = room
            label.tooltip = name
            rows.append(
                Horizontal(
                    label,
                    Select(options, value=chosen[actor], allow_blank=False, id=f"seat-{actor}", compact=True),
                    classes="field",
                )
            )
        await seats.mount_all(rows)
        self.seats_changed()

    @on(Select.Changed, "#seats Select")
    def seats_changed(self) -> None:
        """Say what each computer seat plays like, and show the seed to a solo player (a
        seat sharing the keyboard that knew it could work out the others' dice)."""
        entry = self.entry
        if entry is None or entry.deck is None:
            return
        deck = entry.deck
        try:
            seats = {a: str(self.query_one(f"#seat-{a}", Select).value) for a in deck.actors}
        except NoMatches:
            return  # the rows are being mounted
        lines = [Content.assemble((deck.actor_name(a), "bold"), ": ", seat_summary(deck, a, s)) for a, s in seats.items() if s != "human"]
        self.query_one("#seat-styles", Static).update(Content("\n").join(lines))
        shared = sum(s == "human" for s in seats.values()) > 1 or self.query_one("#facilitator", Checkbox).value
        self.query_one("#seed", Input).password = shared

    @on(Select.Changed, "#deck")
    async def deck_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.index:
            self.index = event.value
            await self.show_deck()

    @on(Button.Pressed, "#start")
    def start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#back")
    def back_pressed(self) -> None:
        self.action_back()

    def action_toggle_facilitator(self) -> None:
        box = self.query_one("#facilitator", Checkbox)
        box.value = not box.value

    @on(Checkbox.Changed, "#facilitator")
    def facilitator_changed(self, event: Checkbox.Changed) -> None:
        """Say it in words as well as the tick; a facilitator needs a PIN: go straight to
        it, in view."""
        event.checkbox.label = "yes: runs the game, with a PIN" if event.value else "no: the seats play on their own"
        self.seats_changed()
        if event.value:
            pin = self.query_one("#facilitator-pin", Input)
            pin.focus()
            pin.scroll_visible()

    def action_back(self) -> None:
        self.call_later(self.run_action, "app.show_start")

    def action_start(self) -> None:
        entry = self.entry
        if entry is None or entry.deck is None:
            return
        deck = entry.deck
        try:
            seed = int(self.query_one("#seed", Input).value)
        except ValueError:
            self.notify("The seed must be a whole number.", severity="error", markup=False)
            return
        try:
            turns = int(self.query_one("#turns", Input).value)
        except ValueError:
            turns = deck.turns
        if not 1 <= turns <= 200:
            self.notify("The number of turns must be between 1 and 200.", severity="error", markup=False)
            return
        seats = {a: str(self.query_one(f"#seat-{a}", Select).value) for a in deck.actors}
        facilitator = self.query_one("#facilitator", Checkbox).value
        pin = self.query_one("#facilitator-pin", Input).value if facilitator else ""
        if facilitator and any(spec == "human" for spec in seats.values()) and len(pin) < MIN_LENGTH:
            self.notify(f"Choose a facilitator PIN of at least {MIN_LENGTH} characters: the seats share this keyboard.", severity="error", markup=False)
            self.query_one("#facilitator-pin", Input).focus()
            return
        self.post_message(self.Start(deck, seats, seed, turns, facilitator, pin))
