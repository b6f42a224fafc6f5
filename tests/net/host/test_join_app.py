"""`wargame join`: the Textual app against a live host in this process (Pilot): a seat's
turn on the local order sheet, waiting, results and the end; a wrong code; the facilitator's
console (pause, injects, settings, the countdown, resolving, codes and re-seating); the
projector; and rejoining after the connection drops."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from netsecrets import leaks
from textual.css.query import NoMatches
from textual.widgets import Button, Checkbox, Input, OptionList, Select, Static
from waiting import seal, sheet_ready, shown, to_sheet, until

from wargame.deck.compile import CompiledDeck
from wargame.net.exercise import Exercise, Role
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, open_store
from wargame.observe.model import Observation
from wargame.observe.talk import TalkError
from wargame.play.commands import Inject, Orders, Propose, RemoveInject, Resolve
from wargame.tui.join import CodeScreen, JoinApp
from wargame.tui.screens.confirm import ConfirmScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.facilitator import FacilitatorScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.projector import ProjectorScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.stakes import StakesScreen
from wargame.tui.screens.team import TeamScreen
from wargame.tui.screens.wait import WaitScreen
from wargame.tui.widgets import TitleBar

FAC = Role(FACILITATOR)


async def serve(tmp_path: Path, deck: CompiledDeck, facilitator: bool, seats: dict[str, str]) -> tuple[Host, TestServer, dict[str, str]]:
    """A live host; every message it sends a seat or the projector is checked for secrets
    as it goes out (a leak fails the test when the server closes)."""
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "join", deck, seats, seed=2, facilitator=facilitator)
    host = Host(ex)
    problems: list[str] = []

    def check(role: str, text: str) -> None:
        if role != FACILITATOR:
            problems.extend(f"{role}: {p}" for p in leaks(ex.game, None if role == PROJECTOR else role, text))

    host.on_send = check
    server = CheckedServer(await host.make_app(), problems)
    await server.start_server()
    return host, server, codes


class CheckedServer(TestServer):
    """A test server that fails, on closing, if any message it sent leaked a secret."""

    def __init__(self, app: web.Application, problems: list[str]) -> None:
        super().__init__(app)
        self.problems = problems

    async def close(self) -> None:
        await super().close()
        assert self.problems == [], self.problems


def obs(app: JoinApp) -> Observation:
    """What the app's client holds now (the host's latest for its role)."""
    assert app.client is not None and app.client.ready
    return app.client.observe(app.client.viewer)


def ready(app: JoinApp) -> bool:
    return app.client is not None and app.client.ready


def text(app: JoinApp, selector: str) -> str:
    """The text of a widget on the app's screen now ("" while it is not there: a screen
    being laid out anew)."""
    try:
        return str(app.screen.query_one(selector, Static).render())
    except NoMatches:
        return ""


async def test_a_seat_plays_a_turn_and_rejoins_after_a_drop(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, False, {"blue": "random"})
    url = str(server.make_url("")).rstrip("/")
    try:
        app = JoinApp(url, codes["red"])
        async with app.run_test(size=(120, 40)) as pilot:
            # A joined seat opens on its briefing, as a game on one keyboard does.
            await until(pilot, lambda: shown(app, StakesScreen), "the briefing")
            assert app.screen.viewer.actor == "red"  # type: ignore[attr-defined]
            assert "Press Enter to give your orders." in text(app, "#stakes-body")
            await to_sheet(pilot, "the order sheet")
            # The connection drops (a closed laptop): the app rejoins with the same code.
            dropped = set(host.connections)
            for conn in dropped:
                await conn.ws.close()
            await until(pilot, lambda: any(c.role.name == "red" and c not in dropped and not c.ws.closed for c in host.connections), "the rejoin")
            assert isinstance(app.screen, OrdersScreen)
            await pilot.press("space")
            await seal(pilot)
            await until(pilot, lambda: shown(app, ResolutionScreen), "the results")
            assert host.exercise.game.records[0].orders["red"] == ("patrol",)
            assert "Naval patrol" in text(app, "#report")
            await pilot.press("enter")
            await until(pilot, lambda: sheet_ready(app, 2) and obs(app).game.turn == 2, "the next turn")
    finally:
        await server.close()
        host.exercise.store.close()


async def test_a_sealed_seat_waits_then_reads_the_results_and_the_end(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        app = JoinApp(url, codes["red"])
        async with app.run_test(size=(120, 40)) as pilot:
            await to_sheet(pilot, "the order sheet")
            await pilot.press("space")
            await seal(pilot)
            await until(pilot, lambda: isinstance(app.screen, WaitScreen), "the waiting screen")
            await until(pilot, lambda: "Waiting for: Blue" in text(app, "#wait-text"), "who is still choosing")
            assert "Naval patrol" in text(app, "#wait-orders")
            assert ex.apply(Role("blue"), Orders(turn=1, orders=[])).ok
            await until(pilot, lambda: "waiting for the facilitator to resolve" in text(app, "#wait-text"), "all sealed")
            # The facilitator plays the game out: Red reads the last results, then the end.
            while not ex.game.is_over:
                assert ex.apply(FAC, Resolve()).ok
            await until(pilot, lambda: shown(app, ResolutionScreen) and obs(app).game.over, "the last results")
            await pilot.press("enter")
            await until(pilot, lambda: shown(app, EndScreen), "the end")
            ending = ex.game.ending
            assert ending is not None and ending.title in str(app.screen.query_one(TitleBar).render())
            assert "Your objectives" in text(app, "#scores")
    finally:
        await server.close()
        ex.store.close()


async def test_a_wrong_code_is_refused_on_the_code_screen(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, _ = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    try:
        app = JoinApp(url)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: shown(app, CodeScreen), "the code prompt")
            await pilot.click("#code")
            await pilot.press(*"WXYZ-WXYZ-WXYZ", "enter")
            await until(pilot, lambda: "wrong code" in text(app, "#code-error"), "the refusal")
            assert not host.connections or all(c.ws.closed for c in host.connections)
    finally:
        await server.close()
        host.exercise.store.close()


async def test_the_facilitator_console_runs_the_room(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        red = JoinApp(url, codes["red"])
        fac = JoinApp(url, codes[FACILITATOR])
        async with fac.run_test(size=(130, 60)) as pilot, red.run_test(size=(120, 40)) as red_pilot:
            await until(pilot, lambda: shown(fac, FacilitatorScreen), "the console")
            await to_sheet(red_pilot, "Red's orders")
            console = fac.screen
            assert isinstance(console, FacilitatorScreen) and console.hosted
            await until(pilot, lambda: "Red" in text(fac, "#fac-seats") and "connected" in text(fac, "#fac-seats"), "who is connected")
            await pilot.press("p")
            await until(pilot, lambda: ex.paused and obs(fac).room is not None and obs(fac).room.paused, "the pause")  # type: ignore[union-attr]
            await until(red_pilot, lambda: obs(red).room is not None and obs(red).room.paused, "Red to see the pause")  # type: ignore[union-attr]
            await pilot.press("p")
            await until(pilot, lambda: not ex.paused, "the resume")
            # An inject written on the spot: a mistake is shown, a good one is queued.
            console.query_one("#inject-text", Input).value = "A storm closes the port."
            console.query_one("#inject-effects", Input).value = "tension += "
            console.query_one("#fire-custom", Button).press()
            await until(pilot, lambda: text(fac, "#inject-error") != "", "the inject's error")
            assert ex.game.injects == []
            console.query_one("#inject-effects", Input).value = "tension += 1"
            console.query_one("#fire-custom", Button).press()
            await until(pilot, lambda: [i.text for i in ex.game.injects] == ["A storm closes the port."], "the inject")
            await until(pilot, lambda: text(fac, "#inject-error") == "", "the error to clear")
            # The room's settings and a countdown.
            console.query_one("#on-timeout", Select).value = "stand-in"
            await until(pilot, lambda: ex.settings.on_timeout == "stand-in", "the time-up setting")
            console.query_one("#minutes", Input).value = "3"
            console.query_one("#countdown-start", Button).press()
            await until(pilot, lambda: ex.settings.countdown_minutes == 3 and ex.countdown.deadline is not None, "the countdown")
            await until(red_pilot, lambda: obs(red).room is not None and obs(red).room.countdown is not None, "Red to see the countdown")  # type: ignore[union-attr]
            console.query_one("#inject-text", Input).value = "Half written"
            await pilot.press("r")  # resolve now: both seats stand pat
            await until(pilot, lambda: ex.game.turn == 2, "the turn to resolve")
            await until(pilot, lambda: obs(fac).game.turn == 2 and "week 2" in str(console.query_one("#fac-title", Static).render()).lower(), "the console's new turn")
            # The same console goes on: nothing the facilitator was typing is lost.
            assert fac.screen is console and console.query_one("#inject-text", Input).value == "Half written"
            assert ex.game.records[0].orders == {"red": (), "blue": ()}
            assert [i.text for i in ex.game.records[0].injects] == ["A storm closes the port."]
            await until(red_pilot, lambda: shown(red, ResolutionScreen), "Red's results")
            await until(pilot, lambda: "stands pat" in text(fac, "#fac-notices"), "the notice")
            assert not isinstance(red.screen, WaitScreen)
            # Resolving when all are in, from the checkbox.
            await until(pilot, lambda: not console.query_one("#auto", Checkbox).value, "the checkbox to show the setting")
            console.query_one("#auto", Checkbox).value = True
            await until(pilot, lambda: ex.settings.auto_resolve, "auto-resolve")
            assert ex.apply(Role("red"), Orders(turn=2, orders=[])).ok and ex.apply(Role("blue"), Orders(turn=2, orders=[])).ok
            assert ex.game.turn == 3
    finally:
        await server.close()
        ex.store.close()


async def test_the_console_reissues_revokes_and_reseats(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        fac, red, blue = JoinApp(url, codes[FACILITATOR]), JoinApp(url, codes["red"]), JoinApp(url, codes["blue"])
        async with fac.run_test(size=(130, 60)) as pilot, red.run_test(size=(120, 40)) as red_pilot, blue.run_test(size=(120, 40)) as blue_pilot:
            await until(pilot, lambda: shown(fac, FacilitatorScreen), "the console")
            await to_sheet(red_pilot, "Red's orders")
            await to_sheet(blue_pilot, "Blue's orders")
            console = fac.screen
            # Blue's team is handed to a computer: its screen says so, and it seals.
            console.query_one("#reseat-seat", Select).value = "blue"
            console.query_one("#reseat-spec", Input).value = "random"
            console.query_one("#reseat", Button).press()
            await until(pilot, lambda: str(ex.session.seats["blue"]) == "random", "the re-seat")
            await until(blue_pilot, lambda: isinstance(blue.screen, WaitScreen) and "A computer plays your seat" in text(blue, "#wait-text"), "Blue's screen to say so")
            await until(pilot, lambda: "blue" in ex.game.orders, "the computer to seal")
            await until(pilot, lambda: "is now played by" in text(fac, "#fac-notices"), "the notice")
            # A command line is never a seat: refused, with the reason on the console.
            console.query_one("#reseat-seat", Select).value = "red"
            console.query_one("#reseat-spec", Input).value = "agent:sh -c 'touch x'"
            console.query_one("#reseat", Button).press()
            await pilot.pause(0.5)
            assert ex.session.seats["red"].is_human and not (tmp_path / "x").exists()
            # A new code for Red: the old one is closed, the new one shown once on the console.
            console.query_one("#code-role", Select).value = "red"
            console.query_one("#reissue", Button).press()
            await until(pilot, lambda: "New code for red:" in text(fac, "#fac-code"), "the new code")
            new = text(fac, "#fac-code").split("New code for red: ")[1].split(" ")[0]
            assert ex.authenticate(new).name == "red"
            await until(red_pilot, lambda: shown(red, CodeScreen), "Red back at the code prompt")
            assert "issued a new code for Red" in text(red, "#code-error")
            # Revoking the projector's code.
            console.query_one("#code-role", Select).value = PROJECTOR
            console.query_one("#revoke", Button).press()
            await until(pilot, lambda: PROJECTOR not in ex.store.codes(ex.id), "the revoke")
            await until(pilot, lambda: obs(fac).room_seat("red") is not None and obs(fac).room_seat("red").code is True, "the seats' codes")  # type: ignore[union-attr]
    finally:
        await server.close()
        ex.store.close()


def sheet_line(app: JoinApp, name: str) -> str:
    """The order sheet's line for a move, as the seat reads it ("" while no sheet shows)."""
    screen = app.screen
    if not isinstance(screen, OrdersScreen) or not screen.is_mounted:
        return ""
    index = next(i for i, x in enumerate(screen.sheet) if x.name == name)
    return str(screen.query_one("#moves", OptionList).get_option_at_index(index).prompt)


async def test_the_console_fires_and_withdraws_an_opening_inject_and_an_open_sheet_follows(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """Hosted: Blue's sheet is open with Sanctions picked when the facilitator fires an
    inject into the opening that opens the hotline: Blue's sheet greys Sanctions at once,
    drops the pick and says so; withdrawn from the console (asked first), Sanctions is
    available again on Blue's open sheet. Once Blue seals, the opening's injects stay."""
    host, server, codes = await serve(tmp_path, tutorial, True, {"red": "doctrine:bully"})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        fac, blue = JoinApp(url, codes[FACILITATOR]), JoinApp(url, codes["blue"])
        async with fac.run_test(size=(130, 60)) as pilot, blue.run_test(size=(120, 40)) as blue_pilot:
            await until(pilot, lambda: shown(fac, FacilitatorScreen), "the console")
            await to_sheet(blue_pilot, "Blue's orders")
            sheet = blue.screen
            assert isinstance(sheet, OrdersScreen)
            moves = sheet.query_one("#moves", OptionList)
            moves.highlighted = next(i for i, x in enumerate(sheet.sheet) if x.name == "Sanctions")
            await blue_pilot.press("space")
            await until(blue_pilot, lambda: sheet.picks == ["sanctions"], "Blue's pick")
            console = fac.screen
            await until(pilot, lambda: console.query_one("#inject-opening", Checkbox).display, "the opening's box")
            console.query_one("#inject-opening", Checkbox).value = True
            console.query_one("#inject-text", Input).value = "The hotline opens early."
            console.query_one("#inject-effects", Input).value = "flags.hotline = true"
            console.query_one("#fire-custom", Button).press()
            await until(pilot, lambda: [i.text for i in ex.game.opening_injects] == ["The hotline opens early."], "the inject")
            await until(blue_pilot, lambda: "Not while the hotline is open" in sheet_line(blue, "Sanctions"), "Blue's sheet to follow")
            assert blue.screen is sheet and sheet.picks == []
            assert "No longer available, taken off your orders: Sanctions (Not while the hotline is open)" in [str(n.message) for n in blue._notifications]
            # Withdrawn from the console, after a confirmation.
            listed = console.query_one("#opening-injects", OptionList)
            await until(pilot, lambda: listed.display and listed.option_count == 1, "the console's opening injects")
            console.query_one("#withdraw-last", Button).press()
            await until(pilot, lambda: isinstance(fac.screen, ConfirmScreen) and fac.screen.is_mounted, "the confirmation")
            await pilot.press("y")
            await until(pilot, lambda: ex.game.opening_injects == [], "the withdrawal")
            await until(blue_pilot, lambda: "Not while the hotline is open" not in sheet_line(blue, "Sanctions"), "Sanctions back on Blue's sheet")
            assert blue.screen is sheet
            await until(pilot, lambda: not listed.display, "the console's list to empty")
            assert ex.apply(FAC, Inject(text="A storm closes the harbour.", effects=["tension += 1"], opening=True)).ok
            await blue_pilot.press("space")
            await seal(blue_pilot)
            await until(pilot, lambda: "blue" in ex.game.orders, "Blue's seal")
            assert ex.game.orders["blue"] == ("sanctions",)
            refused = ex.apply(FAC, RemoveInject(index=0, opening=True))
            assert not refused.ok and refused.message == "Blue sealed orders for week 1: the opening is over and its injects stay"
            await until(pilot, lambda: not console.query_one("#inject-opening", Checkbox).display and not listed.display, "the opening to close on the console")
    finally:
        await server.close()
        ex.store.close()


async def test_the_console_caps_the_teams_and_chooses_a_sealer(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        fac = JoinApp(url, codes[FACILITATOR])
        async with fac.run_test(size=(130, 60)) as pilot:
            await until(pilot, lambda: shown(fac, FacilitatorScreen), "the console")
            console = fac.screen
            assert "at most 6 members a seat" in text(fac, "#fac-teams") and "No team has joined" in text(fac, "#fac-teams")
            for name in ("Ana", "Ben", "Cy"):
                ex.session.join_team("red", name)
            # The seats' panel names each team and who seals for it (the first to join).
            await until(pilot, lambda: "Team: Ana (seals), Ben, Cy" in text(fac, "#fac-seats"), "Red's team on the console")
            # The cap: a seat may now have two members; those already in stay, a fourth is refused.
            console.query_one("#team-cap", Input).value = "2"
            console.query_one("#set-cap", Button).press()
            await until(pilot, lambda: ex.session.talk.team_cap == 2, "the cap")
            await until(pilot, lambda: "at most 2 members a seat" in text(fac, "#fac-teams"), "the cap on the console")
            assert console.query_one("#team-cap", Input).value == ""
            # Esc leaves a text box, so the console's keys work again (they were typed into it).
            console.query_one("#team-cap", Input).focus()
            await pilot.press("escape")
            assert fac.focused is console.query_one("#events") and fac.screen is console
            with pytest.raises(TalkError, match="full"):
                ex.session.join_team("red", "Dee")
            console.query_one("#team-cap", Input).value = "0"
            console.query_one("#set-cap", Button).press()
            await pilot.pause(0.2)
            assert ex.session.talk.team_cap == 2
            # The sealer: T takes the keys to the Teams row; choose the seat, then a member.
            await pilot.press("T")
            assert fac.focused is console.query_one("#sealer-seat", Select)
            console.query_one("#sealer-seat", Select).value = "red"
            await until(pilot, lambda: [v for _, v in console._member_options or []] == ["Ana", "Ben", "Cy"], "Red's members to choose from")
            console.query_one("#sealer-member", Select).value = "Cy"
            console.query_one("#make-sealer", Button).press()
            await until(pilot, lambda: ex.session.talk.teams["red"].sealer == "Cy", "Cy to seal for Red")
            await until(pilot, lambda: "Team: Ana, Ben, Cy (seals)" in text(fac, "#fac-seats"), "the new sealer on the console")
            # The chosen member stays chosen while the console follows the game.
            assert console.query_one("#sealer-member", Select).value == "Cy"
            # A seat nobody has joined by name has no member to choose: said, nothing sent.
            console.query_one("#sealer-seat", Select).value = "blue"
            await until(pilot, lambda: console._member_options == [], "Blue's (empty) team")
            console.query_one("#make-sealer", Button).press()
            await pilot.pause(0.2)
            assert "blue" not in ex.session.talk.teams
            # The save keeps the team and its sealer.
            assert [n.kind for n in ex.session.talk.teams["red"].notes][-1] == "sealer"
    finally:
        await server.close()
        ex.store.close()


async def test_a_member_objects_with_a_reason_from_the_team_screen(tmp_path: Path, tutorial: CompiledDeck) -> None:
    # Found in the three-team trial: typing a reason with the log focused sent each `a` and
    # `o` of it as an agreement or an objection, and `o` in the box typed a letter. Letters
    # are keys only on the proposals (Tab from the box), and each action returns to the box.
    host, server, codes = await serve(tmp_path, tutorial, False, {"blue": "random"})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        ex.session.join_team("red", "Ana")
        app = JoinApp(url, codes["red"], name="Cy")
        async with app.run_test(size=(120, 40)) as pilot:
            await to_sheet(pilot, "the order sheet")
            ex.session.team_says("red", "Ana", Propose(orders=["patrol"], text="Show the flag"))
            # Cy does not seal for the team: c says who does at once, no dialog to fill in for nothing.
            await until(pilot, lambda: "Ana confirms (c)" in text(app, "#team"), "who seals, on the sheet")
            await pilot.press("space", "c")
            await pilot.pause(0.3)
            assert isinstance(app.screen, OrdersScreen) and "red" not in ex.game.orders
            assert any("Ana seals for your team" in str(n.message) for n in app._notifications)
            await pilot.press("t")
            await until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen.query_one("#team-proposals", OptionList).option_count == 1,
                        "the proposal")
            assert isinstance(app.focused, Input) and app.focused.id == "team-text"  # it opens on the box
            await pilot.press(*"too soon")  # letters in the box are words, not keys
            await pilot.press("tab", "o")  # to the proposals; objecting with the words already in the box
            await until(pilot, lambda: [n.kind for n in ex.session.talk.teams["red"].notes] == ["propose", "object"], "the objection")
            assert ex.session.talk.teams["red"].notes[-1].text == "too soon"
            # `o` with an empty box asks why; Enter sends the objection with its reason.
            box = app.screen.query_one("#team-text", Input)
            assert app.focused is box  # every action hands the keyboard back to the box
            await pilot.press("tab", "o")
            assert app.focused is box and "Why do you object to #1?" in str(box.placeholder)
            await pilot.press(*"the port is mined", "enter")
            await until(pilot, lambda: len(ex.session.talk.teams["red"].notes) == 3, "the second objection")
            assert ex.session.talk.teams["red"].notes[-1].text == "the port is mined"
            assert box.value == "" and "Write a comment" in str(box.placeholder)
            # Esc while asking why takes the objection back (and stays on the team screen).
            await pilot.press("tab", "o", "escape")
            assert isinstance(app.screen, TeamScreen) and "Write a comment" in str(box.placeholder)
            await pilot.press(*"agreed on the rest", "enter")
            await until(pilot, lambda: ex.session.talk.teams["red"].notes[-1].kind == "comment", "the comment")
            assert [n.kind for n in ex.session.talk.teams["red"].notes] == ["propose", "object", "object", "comment"]
    finally:
        await server.close()
        ex.store.close()


async def test_the_projector_follows_the_game(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        app = JoinApp(url, codes[PROJECTOR])
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: shown(app, ProjectorScreen), "the projector")
            assert obs(app).viewer.kind == "public" and obs(app).seat is None
            assert "The game has just begun." in text(app, "#proj-news")
            assert ex.apply(FAC, Resolve()).ok
            await until(pilot, lambda: shown(app, ProjectorScreen) and "week 1" in text(app, "#proj-news-title"), "the first results")
            await pilot.press("escape")  # the projector is the whole app: nothing to go back to
            assert isinstance(app.screen, ProjectorScreen)
    finally:
        await server.close()
        ex.store.close()


async def test_a_seat_rejoins_on_its_own_after_the_host_stops_and_starts_again(tmp_path: Path, tutorial: CompiledDeck) -> None:
    # The issue: after a clean restart terminal clients sat on an empty join form. The host
    # stopping in good order tells them to come back; they do, with the same code, when the
    # host is there again (the same store, the same address).
    host, server, codes = await serve(tmp_path, tutorial, False, {"blue": "random"})
    port = server.port
    url = str(server.make_url("")).rstrip("/")
    again: TestServer | None = None
    try:
        app = JoinApp(url, codes["red"])
        async with app.run_test(size=(120, 40)) as pilot:
            await to_sheet(pilot, "the order sheet")
            await server.close()
            host.exercise.store.close()
            ex = Exercise.open(open_store(tmp_path / "s.sqlite3"), "join")
            host = Host(ex)
            again = TestServer(await host.make_app(), port=port)
            await again.start_server()
            await until(pilot, lambda: any(c.role.name == "red" and not c.ws.closed for c in host.connections), "the rejoin")
            assert not isinstance(app.screen, CodeScreen), "the seat is not asked for its code again"
            await to_sheet(pilot, "the order sheet again")
            await pilot.press("space")
            await seal(pilot)
            await until(pilot, lambda: shown(app, ResolutionScreen), "the results")
            assert host.exercise.game.records[0].orders["red"] == ("patrol",)
    finally:
        if again is not None:
            await again.close()
        host.exercise.store.close()
