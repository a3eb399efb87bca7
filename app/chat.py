"""``make chat``: try the receptionist's brain from a terminal, without Retell or a phone.

Each line becomes the tool call an agent would make, posted to ``/retell/functions`` exactly as
Retell posts it: to the ``make run`` server when one answers on HOST:PORT (or CHAT_URL), else to
the app started in this process on the same settings (embedded Postgres, local calendar).
Offered times are numbered, so "book 2 Ada Lovelace" books the second one."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

import httpx
from litestar.testing import TestClient
from retell.lib.webhook_auth import symmetric

from agent_tools.errors import ConfigError
from app.data_lock import lock_data_dir, uses_data_dir
from app.db.embedded import check_embedded_available
from app.factory import create_app
from app.logging import configure_logging
from app.settings import Settings, SettingsError

HELP = """\
  find [when]             free times, numbered: find, find tomorrow, find next friday after 3
  service NAME            look for this service from now on (default: the first one)
  book N NAME             book time N of the last list: book 2 Ada Lovelace
  mine                    this caller's upcoming appointments, numbered
  move N to M             move appointment N (of 'mine') to time M (of the last list)
  cancel N                cancel appointment N (of 'mine')
  phone NUMBER            call from another number (default +14155550123)
  help, quit"""


class Unclear(ValueError):
    """The line is not a command this chat knows; the message says what to type."""


@dataclass
class Chat:
    """One caller's conversation: turns typed commands into tool calls and numbers the answers."""

    send: Callable[[dict[str, Any]], dict[str, Any]]
    phone: str = "+14155550123"
    call_id: str = field(default_factory=lambda: f"chat_{secrets.token_hex(4)}")
    service: str | None = None
    times: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)
    # With many businesses (a BUSINESS_CONFIG directory): the Retell agent whose business
    # answers (CHAT_AGENT_ID); unset, the call reaches the only business, if only one.
    agent_id: str | None = None

    def handle(self, line: str) -> list[str]:
        """What to show for one typed line."""
        words = line.split()
        if not words:
            return []
        command, rest = words[0].lower(), words[1:]
        commands: dict[str, Callable[[list[str]], list[str] | None]] = {
            "find": lambda rest: self._find(" ".join(rest) or None),
            "service": self._service,
            "book": self._book,
            "mine": lambda rest: None if rest else self._tool("find_appointments"),
            "move": self._move,
            "cancel": self._cancel,
            "phone": self._phone,
            "help": lambda rest: [HELP],
        }
        try:
            said = commands[command](rest) if command in commands else None
        except Unclear as unclear:
            return [str(unclear)]
        return said if said is not None else [f"(not a command: {line.strip()!r}; try help)"]

    def _service(self, rest: list[str]) -> list[str] | None:
        if not rest:
            return None
        self.service = " ".join(rest)
        return [f"(looking for {self.service} from now on)"]

    def _book(self, rest: list[str]) -> list[str] | None:
        if len(rest) < 2:
            return None
        slot = self._pick(self.times, rest[0], "time", "find")
        return self._tool("book_appointment", slot_id=slot["slot_id"], name=" ".join(rest[1:]))

    def _move(self, rest: list[str]) -> list[str] | None:
        if len(rest) != 3 or rest[1].lower() != "to":
            return None
        appointment = self._pick(self.appointments, rest[0], "appointment", "mine")
        slot = self._pick(self.times, rest[2], "time", "find")
        return self._tool(
            "reschedule_appointment",
            appointment_id=appointment["appointment_id"],
            slot_id=slot["slot_id"],
        )

    def _cancel(self, rest: list[str]) -> list[str] | None:
        if len(rest) != 1:
            return None
        appointment = self._pick(self.appointments, rest[0], "appointment", "mine")
        return self._tool("cancel_appointment", appointment_id=appointment["appointment_id"])

    def _phone(self, rest: list[str]) -> list[str] | None:
        if len(rest) != 1:
            return None
        self.phone = rest[0]
        return [f"(calling from {self.phone})"]

    def _find(self, when: str | None) -> list[str]:
        args: dict[str, Any] = {"limit": 5}
        if when:
            args["when"] = when
        if self.service:
            args["service"] = self.service
        return self._tool("find_slots", **args)

    def _tool(self, tool: str, **args: Any) -> list[str]:
        call = {"call_id": self.call_id, "from_number": self.phone}
        if self.agent_id:
            call["agent_id"] = self.agent_id
        body = {"name": tool, "call": call}
        reply = self.send(body | {"args": args})
        lines = [f"agent: {reply.get('message', reply)}"]
        offered = reply.get("slots") or reply.get("alternatives") or []
        if offered:
            self.times = offered
            lines += [
                f"  {n}. {slot['spoken']}  ({slot['start']})" for n, slot in enumerate(offered, 1)
            ]
        if tool == "find_appointments":
            self.appointments = reply.get("appointments", [])
            lines += [
                f"  {n}. {a['service']} {a['spoken']} for {a['name']}  ({a['appointment_id']})"
                for n, a in enumerate(self.appointments, 1)
            ]
        return lines

    @staticmethod
    def _pick(items: list[dict[str, Any]], number: str, what: str, source: str) -> dict[str, Any]:
        if not items:
            raise Unclear(f"(no {what}s listed yet: type '{source}' first)")
        if not number.isdigit() or not 1 <= int(number) <= len(items):
            raise Unclear(f"(pick a {what} from 1 to {len(items)})")
        return items[int(number) - 1]


def poster(
    client: httpx.Client | TestClient[Any], retell_api_key: str | None
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Posts a tool call as Retell does: signed with the API key when the server has one."""
    last_ms = 0

    def post(body: dict[str, Any]) -> dict[str, Any]:
        nonlocal last_ms
        content = json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if retell_api_key:
            last_ms = max(int(time.time() * 1000), last_ms + 1)  # a signature is accepted once
            signature = symmetric["sign"](content.decode(), retell_api_key, last_ms)
            headers["x-retell-signature"] = str(signature)
        response = client.post("/retell/functions", content=content, headers=headers)
        if response.status_code != 200:
            return {"ok": False, "message": f"HTTP {response.status_code}: {response.text[:200]}"}
        reply: dict[str, Any] = response.json()
        return reply

    return post


@contextmanager
def connect(
    settings: Settings, url: str | None
) -> Iterator[tuple[str, httpx.Client | TestClient[Any]]]:
    """The running server at ``url`` (or HOST:PORT) if it answers, else the app in-process."""
    url = url or f"http://{settings.host}:{settings.port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/health/live").raise_for_status()
            yield url, client
            return
    except httpx.HTTPError:
        if url != f"http://{settings.host}:{settings.port}":
            raise
    check_embedded_available(settings)
    lock = lock_data_dir(settings.data_dir) if uses_data_dir(settings) else None
    try:
        with TestClient(app=create_app(settings)) as local:
            yield "this process (embedded defaults)", local
    finally:
        if lock is not None:
            lock.release()


def run(lines: TextIO, out: TextIO, chat: Chat) -> None:
    prompt = "> " if lines.isatty() else ""
    while True:
        out.write(prompt)
        out.flush()
        line = lines.readline()
        if not line or line.strip().lower() in ("quit", "exit"):
            return
        for said in chat.handle(line):
            out.write(said + "\n")


def main() -> None:
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_format, "error")  # the chat shows replies, not logs
        settings = replace(settings, log_level="error")
        with connect(settings, os.environ.get("CHAT_URL") or None) as (where, client):
            sys.stdout.write(f"Talking to {where} as a caller. Type help for the commands.\n")
            agent = os.environ.get("CHAT_AGENT_ID") or None
            chat = Chat(poster(client, settings.retell_api_key), agent_id=agent)
            run(sys.stdin, sys.stdout, chat)
    except (SettingsError, ConfigError, httpx.HTTPError) as exc:
        sys.stderr.write(f"frontdesk chat: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
