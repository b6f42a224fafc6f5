"""`--cluster` (issue 16): simulate, sweep and analyse on a real Dask scheduler with two
worker processes print the same bytes as a run on this machine, in every engine.

The scheduler and workers are started once for the module (a few seconds); the test is
skipped where the optional `wargame[cluster]` extra is not installed."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from wargame.analysis.cluster import connect, run_on_cluster
from wargame.analysis.simulate import play_game, simulate
from wargame.analysis.sweep import sweep
from wargame.analysis.turning import analyse
from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.errors import WargameError
from wargame.saves.store import new_save, write_save

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a real scheduler with two single-threaded worker processes."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


@pytest.mark.parametrize("engine", ["fast", "exact", "reference"])
def test_simulate_on_the_cluster_is_the_local_run(scheduler: str, tutorial: CompiledDeck, engine: Any) -> None:
    local = simulate(tutorial, 400, 4, {"red": "doctrine:bully"}, engine=engine)
    remote = simulate(tutorial, 400, 4, {"red": "doctrine:bully"}, engine=engine, cluster=scheduler)
    assert json.dumps(remote.to_json()) == json.dumps(local.to_json())


def test_the_chunks_ran_on_the_workers(scheduler: str) -> None:
    """Not quietly in this process: each task reports the process it ran in."""
    pids = set(run_on_cluster(scheduler, None, _pid, list(range(8)), lambda _r: 1, source=()))
    assert os.getpid() not in pids and pids


def _pid(_task: int) -> int:
    return os.getpid()


def test_sweep_on_the_cluster_is_the_local_run(scheduler: str, tutorial: CompiledDeck) -> None:
    local = sweep(tutorial, 150, 2, engine="fast")
    remote = sweep(tutorial, 150, 2, engine="fast", cluster=scheduler)
    assert json.dumps(remote.to_json()) == json.dumps(local.to_json())


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_analyse_on_the_cluster_is_the_local_run(scheduler: str, tutorial: CompiledDeck, engine: Any) -> None:
    seats = {"red": "doctrine:bully", "blue": "doctrine:broker"}
    save = new_save(play_game(tutorial, 3, seats), seats)
    local = analyse(save, rollouts=80, seed=5, engine=engine)
    remote = analyse(save, rollouts=80, seed=5, engine=engine, cluster=scheduler)
    assert json.dumps(remote.to_json()) == json.dumps(local.to_json())


def test_the_command_line_prints_the_same_bytes(scheduler: str, tmp_path: Any) -> None:
    seats = {"red": "doctrine:bully", "blue": "doctrine:broker"}
    deck = load_deck(ROOT / "decks" / "tutorial.toml")
    path = write_save(new_save(play_game(deck, 9, seats), seats), tmp_path / "game.json")
    runner = CliRunner()
    for args in (["simulate", str(ROOT / "decks" / "tutorial.toml"), "--games", "300", "--json", "--no-progress"],
                 ["sweep", str(ROOT / "decks" / "tutorial.toml"), "--games", "100", "--json", "--no-progress"],
                 ["analyse", str(path), "--rollouts", "60", "--json", "--refresh", "--no-progress"]):
        local = runner.invoke(cli, args)
        remote = runner.invoke(cli, [*args, "--cluster", scheduler])
        assert local.exit_code == 0 and remote.exit_code == 0, (local.output, remote.output)
        assert remote.stdout == local.stdout, args[0]


def test_an_unreachable_scheduler_is_one_line() -> None:
    # Nothing listens there: the connection is refused at once, and Dask tries again until
    # the timeout (10 s by default; 1 s is as good a test of the one line).
    with pytest.raises(WargameError, match="cannot reach the scheduler"), connect("tcp://127.0.0.1:9", timeout="1s"):
        pass
