"""A loopback stand-in for an OpenAI-compatible server (`POST /v1/chat/completions`), for
testing `examples/llm_agent.py` where no model can be installed (docs/llm-agent.md).

It answers in the shapes small local models answer in (bare JSON, JSON in a ``` fence after
some prose, now and then an order that is not legal), choosing the first move the request's
JSON schema allows; it keeps every request so a test can read what the agent sent.
Run alone: `python -m tests.examples.openai_stub --port 8765` (Ctrl+C stops it).
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ILLEGAL = "launch-everything"
"""A move no deck has: the stub orders it on every `illegal_every`-th turn's first try."""


class Stub:
    """What the stub answers, and what it was asked."""

    def __init__(self, *, refuse_schema: bool = False, illegal_every: int = 3, message: str = "") -> None:
        self.refuse_schema = refuse_schema
        self.illegal_every = illegal_every
        self.message = message
        """Text of a message to send on the first channel the schema allows (none if empty)."""
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append(body)
            n = len(self.requests)
        fmt = body.get("response_format")
        if self.refuse_schema and fmt is not None and fmt.get("type") == "json_schema":
            return 400, {"error": {"message": "response_format json_schema is not supported", "type": "invalid_request_error"}}
        chat = body["messages"]
        retry = chat[-1]["role"] == "user" and chat[-1]["content"].startswith("wargame refused")
        legal = _legal(body)
        first_try_of_turn = not retry
        if first_try_of_turn and self.illegal_every and n % self.illegal_every == 1:
            orders = [ILLEGAL]
        else:
            orders = legal[:1]
        answer: dict[str, Any] = {"thinking": "Hold steady; avoid needless escalation.", "orders": orders,
                                  "reasons": [f"{o}: the safest useful move on the list." for o in orders]}
        channels = _channels(body)
        if self.message and channels:
            answer["messages"] = [{"channel": channels[0], "to": [], "text": self.message}]
        text = json.dumps(answer)
        if fmt is None and n % 2 == 0:
            text = f"Here are my orders.\n```json\n{text}\n```\nGood luck."
        return 200, {
            "id": f"stub-{n}", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }


def _legal(body: dict[str, Any]) -> list[str]:
    """The move ids the agent offered: from the schema's enum, else from the prompt's list."""
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema")
    if schema:
        return list(schema["properties"]["orders"].get("items", {}).get("enum", []))
    prompt = body["messages"][1]["content"]
    listed = prompt.split("Moves you may order now:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^- ([\w@/.-]+):", listed, re.MULTILINE)


def _channels(body: dict[str, Any]) -> list[str]:
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or {}
    messages = schema.get("properties", {}).get("messages")
    return list(messages["items"]["properties"]["channel"]["enum"]) if messages else []


def handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self._send(*stub.answer(body))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reads `stub.requests`

    return Handler


@contextmanager
def serving(stub: Stub) -> Iterator[str]:
    """Serve `stub` on a free loopback port for the `with` block; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(stub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description="A loopback OpenAI-compatible stub for examples/llm_agent.py")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--refuse-schema", action="store_true", help="answer 400 to response_format json_schema")
    parser.add_argument("--message", default="", help="also send this message on the first channel allowed")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Stub(refuse_schema=args.refuse_schema, message=args.message)))
    print(f"stub at http://127.0.0.1:{args.port}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
