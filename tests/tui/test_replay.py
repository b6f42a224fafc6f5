"""The replay viewer driven as a person would: open a save, step through it, switch
perspective, jump to a key moment, run a what-if, branch and play from here; a save that
fails verification opens with a warning; the start and end screens lead to it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, SelectionList, TabbedContent
from textual.worker import WorkerCancelled
from tui_helpers import TUTORIAL, make_app, new_game, screen_name, screen_text, settle, shows

from wargame.analysis.simulate import play_game
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.visibility import Viewer
from wargame.play.timeline import SavedGame
from wargame.saves.store import new_save, read_save, write_save
from wargame.tui.app import WargameApp
from wargame.tui.screens.replay import ReplayScreen


def make_save(path: Path, seed: int = 3, deck: Path = TUTORIAL) -> Game:
    compiled = load_deck(deck)
    game = play_game(compiled, seed, dict.fromkeys(compiled.actors, "random"))
    write_save(new_save(game, dict.fromkeys(compiled.actors, "random")), path)
    return game


def viewer_app(path: Path, save_dir: Path | None = None) -> WargameApp:
    return WargameApp(None, save_dir or path.parent, replay=path, decks_dirs=[TUTORIAL.parent])


async def opened(pilot: Pilot[None]) -> ReplayScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReplayScreen)
    assert screen.saved is not None
    return screen


def _two_turn_seed() -> int:
    """A tutorial seed whose random game lasts at least three turns."""
    compiled = load_deck(TUTORIAL)
    return next(s for s in range(1, 200) if len(play_game(compiled, s, dict.fromkeys(compiled.actors, "random")).records) >= 3)


SEED = _two_turn_seed()


async def test_stepping_through_a_saved_game(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    game = make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert screen.turn == 1
        text = screen_text(app)
        assert "Week 1 of" in text and "Orders" in text and "Chance rolls" in text
        await pilot.press("right")
        assert screen.turn == 2
        await pilot.press("end")
        assert screen.turn == len(game.records)
        text = screen_text(app)
        assert game.ending is not None and f"The game ends: {game.ending.title}" in text
        await pilot.press("left")
        assert screen.turn == len(game.records) - 1
        await pilot.press("home")
        assert screen.turn == 1
        # Go to a turn by number.
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.turn == 2
        # The mouse: a click on the timeline's third cell goes to turn 3.
        timeline = screen.query_one("#timeline")
        start, _end, turn = next(c for c in timeline._cells if c[2] == 3)  # type: ignore[attr-defined]
        await pilot.click("#timeline", offset=(start + 2, 0))
        assert screen.turn == turn == 3
        # Every panel renders.
        for key in "23456":
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        await shows(pilot, "Ending:")
        await pilot.press("question_mark")
        await pilot.pause()
        await shows(pilot, "previous / next turn")
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_tab_activation_that_arrives_late_does_not_take_the_panel_back(tmp_path: Path) -> None:
    """Two quick switches on a busy machine: the first switch's activation reached the
    screen after the second switch, set the tab back, and the two tabs bounced the panel
    between them for ever. A late activation (the tabs have moved on) is ignored."""
    path = tmp_path / "game.json"
    make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        tabs = screen.query_one("#replay-tabs", TabbedContent)
        await pilot.press("2")  # Tracks
        await settle(pilot)
        late = TabbedContent.TabActivated(tabs, tabs.get_tab("tracks"))  # type: ignore[arg-type]
        await pilot.press("3")  # Moments, then Tracks' activation arrives
        screen.post_message(late)
        await settle(pilot)
        assert screen.tab == "moments" and tabs.active == "moments"
        await shows(pilot, "Key moments")
        # A click on a tab is no late activation: it switches.
        await pilot.click("#--content-tab-scores")
        await settle(pilot)
        assert screen.tab == "scores"
        await shows(pilot, "Ending:")


async def test_a_seat_perspective_hides_other_seats_orders(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    game = make_save(path, SEED)
    deck = game.deck
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        facilitator = screen_text(app)
        assert "the facilitator's full view" in facilitator
        await pilot.press("p")
        await pilot.pause()
        options = app.screen.query_one("#perspectives", OptionList)
        first_seat = deck.actors[0]
        options.highlighted = 2  # facilitator, public, then the seats in deck order
        await pilot.press("enter")
        await settle(pilot)
        assert screen.viewer.actor == first_seat
        text = screen_text(app)
        assert f"as {deck.actor_name(first_seat)} saw it when deciding" in text
        other = deck.actor_name(deck.actors[1])
        assert any(other in line and "hidden from you" in line for line in text.splitlines())
        await pilot.press("f")
        await pilot.pause()
        assert screen.viewer.is_facilitator


async def test_a_solo_players_debrief_opens_on_its_own_seat_in_plain_words(tmp_path: Path) -> None:
    """After a solo game the player lands on its own perspective, and reads the computer's
    reasons as sentences; the facilitator's perspective keeps the doctrine's arithmetic."""
    path = tmp_path / "game.json"
    compiled = load_deck(TUTORIAL)
    game = play_game(compiled, 3, {"red": "doctrine:bully", "blue": "doctrine:broker"})
    for record in game.records:  # Red's orders stand in for a person's, who gave no reasons
        record.reasons.pop("red", None)
    write_save(new_save(game, {"red": "human", "blue": "doctrine:broker"}), path)
    app = viewer_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert screen.viewer == Viewer.seat("red")
        texts = []
        for _ in range(screen.saved.turns_played):  # type: ignore[union-attr]
            texts.append(screen_text(app))
            await pilot.press("right")
            await settle(pilot)
        seen = "\n".join(texts)
        assert "Its style of play" in seen
        assert "doctrine weight" not in seen and "`" not in seen
        await pilot.press("f")
        await settle(pilot)
        assert screen.viewer.is_facilitator
        assert "doctrine weight" in screen_text(app)


async def test_jumping_to_a_key_moment(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    game = make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("3")
        await settle(pilot)
        moments = screen.moments[screen.viewer]
        assert moments and moments[-1].kind == "ending"
        ol = screen.query_one("#moment-list", OptionList)
        ol.focus()
        ol.highlighted = len(moments) - 1
        await pilot.press("enter")
        await pilot.pause()
        assert screen.turn == moments[-1].turn == len(game.records)
        assert app.screen.query_one("#replay-tabs").active == "turn"  # type: ignore[attr-defined]


async def test_a_what_if_at_the_selected_turn(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("6")
        await settle(pilot)
        choices = screen.query_one("#whatif-choices", SelectionList)
        assert choices.option_count > 0
        choices.select(choices.get_option_at_index(0))
        screen.query_one("#whatif-games", Input).value = "10"
        await pilot.press("r")
        await settle(pilot)
        assert screen.whatif_result is not None
        assert screen.whatif_result.games == 10
        assert [c.actual for c in screen.whatif_result.choices] == [True, False]
        assert "(actual)" in screen_text(app)


async def test_a_panels_keys_work_as_soon_as_it_is_shown(tmp_path: Path) -> None:
    # At 80x24, as a person: a number key opens a panel, and its list takes the keys at
    # once (no Tab first): Enter on a key moment goes there, space ticks an alternative;
    # End and Home still go to the last and the first turn.
    path = tmp_path / "game.json"
    make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("end")
        await settle(pilot)
        last = screen.turn
        await pilot.press("3")
        await settle(pilot)
        moments = screen.moments[screen.viewer]
        assert moments and moments[0].turn != last
        await pilot.press("enter")
        await settle(pilot)
        assert screen.turn == moments[0].turn and screen.tab == "turn"
        await pilot.press("3")  # its list has the keys, and leaves End and Home to the timeline
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert screen.turn == last
        await pilot.press("home")
        await settle(pilot)
        assert screen.turn == 1
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("down", "space")
        await pilot.pause()
        choices = screen.query_one("#whatif-choices", SelectionList)
        assert choices.selected == [1]
        screen.query_one("#whatif-games", Input).value = "10"
        await pilot.press("r")
        await settle(pilot)
        assert screen.whatif_result is not None and len(screen.whatif_result.choices) == 2


async def test_the_keys_at_80x24_scroll_to_the_last_one(tmp_path: Path) -> None:
    # ? lists more keys than 24 rows hold: the list scrolls to its end, each key's words
    # wrapping beside the key.
    path = tmp_path / "game.json"
    make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await shows(pilot, "previous / next turn")
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "present: one turn per screen" in text and "The mouse works too" in text
        wrapped = [line for line in screen_text(app).splitlines() if "replay --present)" in line]
        assert wrapped and wrapped[0].index("replay --present)") > 16, wrapped  # beside its key, not under it


async def test_play_from_here_at_80x24_shows_its_buttons_with_four_seats(tmp_path: Path) -> None:
    # korea-2022 has four seats: each on a line, the path and Cancel/Write all in view.
    path = tmp_path / "game.json"
    make_save(path, 1, deck=TUTORIAL.parent / "korea-2022.toml")
    app = viewer_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("b")
        await settle(pilot)
        text = screen_text(app)
        for needed in ("North Korea", "China", "game-from-", "Cancel", "Write"):
            assert needed in text, needed


async def test_play_from_here_branches_a_new_save_and_plays_it(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    parent = path.read_bytes()
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        await pilot.press("right")
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        target = dialog.query_one("#target-path", Input).value
        assert target.endswith("game-from-week2.json")
        seat = load_deck(TUTORIAL).actors[0]
        dialog.query_one(f"#branch-seat-{seat}", Select).value = "human"  # take a seat
        await pilot.pause()
        dialog.query_one("#target-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        branch = Path(target)
        assert branch.exists()
        data = json.loads(branch.read_text())
        assert data["parent"]["turn"] == 1 and len(data["history"]) == 1
        # The branch opens in the normal game UI, at its turn 2.
        assert app.session is not None and app.session.game.turn == 2
        assert app.session.seats[seat].is_human
        assert screen_name(app) in {"CurtainScreen", "OrdersScreen"}
    assert path.read_bytes() == parent  # the parent save is never modified


async def test_branching_never_overwrites_without_asking(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    taken = tmp_path / "game-from-week1.json"
    taken.write_text("precious")
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await shows(pilot, "exists")
        assert taken.read_text() == "precious"
        await pilot.press("escape")
        await pilot.pause()
    assert taken.read_text() == "precious"


async def test_a_save_that_fails_verification_opens_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    data = json.loads(path.read_text())
    data["history"][1]["state_hash"] = "0" * 32
    path.write_text(json.dumps(data))
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        text = screen_text(app)
        assert "This save does not verify" in text
        assert "week 2 differs" in text


async def test_a_broken_save_says_why_and_esc_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Cannot open this save" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_start_screen_opens_a_debrief(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    make_save(saves / "game.json", SEED)
    app = make_app(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await shows(pilot, "Debrief a saved game")
        await pilot.press("d")
        await pilot.pause()
        await shows(pilot, "Debrief a saved game")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReplayScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(app) == "StartScreen"


async def test_the_end_screen_opens_the_debrief_of_the_game_just_played(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=42)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        for _ in range(8):
            if screen_name(app) == "EndScreen":
                break
            app.screen.query_one("#moves").focus()  # an offer waiting opens the screen on the offers
            await pilot.press("space", "c", "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        assert screen_name(app) == "EndScreen"
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReplayScreen) and screen.saved is not None
        assert app.session is not None and screen.path == app.session.save_path


@pytest.mark.parametrize("rollouts", [8])
async def test_the_turning_point_analysis_runs_and_is_cached(tmp_path: Path, rollouts: int) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        screen.rollouts = rollouts
        await pilot.press("a")
        await settle(pilot)
        assert screen.analysis is not None and screen.analysis.rollouts == rollouts
        assert "Ending odds before each turn" in screen_text(app)
    # Reopened, the viewer finds the analysis beside the save at once.
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert screen.analysis is not None and screen.analysis.rollouts == rollouts


async def test_exporting_a_report_as_the_perspective_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    game = make_save(path, SEED)
    deck = game.deck
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        # A seat's report: the suggestion names the seat.
        screen.set_viewer(Viewer.seat(deck.actors[0]))
        await pilot.press("x")
        await pilot.pause()
        target = Path(app.screen.query_one("#target-path", Input).value)
        assert target.name == f"game-report-{deck.actors[0]}.md"
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text()
        assert deck.title in text
        # Never over an existing file without a second yes.
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await shows(pilot, "exists")
        app.screen.query_one("#target-path", Input).value = str(tmp_path / "game-report.html")
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / "game-report.html").read_text().lstrip().lower().startswith("<!doctype html")
        # The dialog names the slides too, and a .slides.html name writes them.
        await pilot.press("x")
        await pilot.pause()
        await shows(pilot, ".slides.html")
        app.screen.query_one("#target-path", Input).value = str(tmp_path / "game.slides.html")
        await pilot.press("enter")
        await settle(pilot)
        assert 'class="slide' in (tmp_path / "game.slides.html").read_text()
    assert target.read_text() == text


async def test_a_pin_guarded_save_opens_in_public_and_asks_before_showing_secrets(tmp_path: Path) -> None:
    from wargame.play.lock import hash_pin

    path = tmp_path / "game.json"
    game = make_save(path, SEED)
    pinned = read_save(path).model_copy(update={"facilitator": True, "facilitator_pin": hash_pin("432100", log_n=10)})
    write_save(pinned, path)
    before = path.read_bytes()
    app = viewer_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert screen.viewer.is_public
        assert not any(o.visible for o in screen.debrief.turn(screen.viewer, 1).orders)  # type: ignore[union-attr]
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = "0000"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.viewer.is_public  # a wrong PIN keeps the public view
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = "432100"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.viewer.is_facilitator
        # Once given, the PIN is not asked again in this viewing.
        screen.set_viewer(Viewer.seat(game.deck.actors[0]))
        await pilot.pause()
        assert screen.viewer.actor == game.deck.actors[0]
    assert path.read_bytes() == before


def hold_reading(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Reading a save waits until the returned event is set: the test, not the machine's
    speed, decides when the save has opened."""
    release = threading.Event()
    real_open = SavedGame.open

    def held_open(path: str | Path) -> SavedGame:
        release.wait()
        return real_open(path)

    monkeypatch.setattr(SavedGame, "open", staticmethod(held_open))
    return release


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    """Let the app take turns until `done` (a bounded count of turns, never a clock)."""
    for _ in range(200):
        if done():
            return
        await pilot.pause()
    raise AssertionError(f"never: {what}")


async def test_escape_while_a_save_opens_leaves_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "game.json"
    make_save(path, SEED)
    release = hold_reading(monkeypatch)
    app = viewer_app(path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "Opening" in screen_text(app), "the opening screen")
            await pilot.press("escape")
            assert app.return_code == 0  # gone while the save is still being read
    finally:
        release.set()  # the reading thread ends; its worker was cancelled, so it posts nothing
    assert app.return_code == 0


@pytest.mark.parametrize("from_start", [False, True], ids=["replay-command", "from-start-screen"])
async def test_escape_as_the_opened_save_mounts_leaves_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, from_start: bool) -> None:
    """Esc just as the read save's panels mount: a key pressed just before the save was read
    reaches the screen first, bubbles back to the app, and the app runs its binding's
    action (closing the screen, or the app) while the screen's handler awaits the
    mounting. The handler must then stop, not query panels that were never composed."""
    path = tmp_path / "game.json"
    make_save(path, SEED)
    real_body = ReplayScreen._body
    closing: list[ReplayScreen] = []

    def body_then_escape(self: ReplayScreen, saved: SavedGame) -> list[Widget]:
        widgets = real_body(self, saved)
        self.app.call_later(self.app.run_action, "close", self)  # Esc's binding, from the app's loop
        closing.append(self)
        return widgets

    monkeypatch.setattr(ReplayScreen, "_body", body_then_escape)
    release = hold_reading(monkeypatch)
    app = WargameApp(None, tmp_path, decks_dirs=[TUTORIAL.parent]) if from_start else viewer_app(path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            if from_start:
                await until(pilot, lambda: screen_name(app) == "StartScreen", "the start screen")
                app.open_replay(path)
            await until(pilot, lambda: "Opening" in screen_text(app), "the opening screen")
            [reading] = [w for w in app.workers if w.group == "replay-open"]
            release.set()
            with suppress(WorkerCancelled):  # Esc cancels it, maybe before it is marked done
                await reading.wait()  # the save is read: its panels are built, and Esc comes
            await until(pilot, lambda: bool(closing) and not closing[0].is_attached, "the screen gone")
            if from_start:
                assert screen_name(app) == "StartScreen"  # back where it was opened from
    finally:
        release.set()
    if not from_start:
        assert app.return_code == 0  # the replay command's viewer quit cleanly
