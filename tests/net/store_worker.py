"""A separate process writing to a store, for the store's multi-process and kill -9 tests.

Usage: python store_worker.py MODE EXERCISE ARG N, with the store's URL in the environment
variable WARGAME_STORE_URL (not on the command line, where `ps` would show a password).
After each committed write it prints one line and flushes, so the test knows exactly
what was committed before it killed the process.
"""

from __future__ import annotations

import json
import os
import sys
import time

from wargame.net.store import StaleWrite, open_store


def main() -> None:
    mode, exercise, arg, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = open_store(os.environ["WARGAME_STORE_URL"])
    print("ready", flush=True)
    if mode == "hold":  # write inside a transaction, say so, and wait there to be killed
        from wargame.net.store.sqlite import SqliteStore

        at: object = store._clock()  # type: ignore[attr-defined]
        if isinstance(store, SqliteStore):
            at = store._clock().isoformat()
        with store._write() as conn:  # type: ignore[attr-defined]
            store._event(conn, exercise, arg, "{}", at)  # type: ignore[attr-defined]
            print("holding", flush=True)
            time.sleep(600)
        return
    i = 0
    while n == 0 or i < n:
        if mode == "submit":  # arg: the seat
            store.submit_orders(exercise, 1, arg, [f"{arg}-{i}"], [f"reason {i}"])
            print(i, flush=True)
        elif mode == "append":  # arg: the event kind
            seq = store.append_event(exercise, arg, {"pid": os.getpid(), "i": i})
            print(seq, flush=True)
        elif mode == "increment":  # arg: the counter's key in the save
            while True:
                rec = store.load_exercise(exercise)
                save = json.loads(rec.save_json)
                save[arg] = save.get(arg, 0) + 1
                try:
                    store.put_save(exercise, json.dumps(save), rec.revision)
                    break
                except StaleWrite:
                    continue
            print(i, flush=True)
        i += 1
    store.close()


if __name__ == "__main__":
    main()
