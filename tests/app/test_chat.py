"""``make chat``: typed lines become the tool calls an agent makes, and numbered answers let a
person book, move and cancel by number."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.chat import HELP, Chat
from app.settings import PROJECT_ROOT, Settings
from tests.app.test_startup import demo_env
from tests.e2e.conftest import running
from tests.fakes.serving import free_port

SCRIPT = """\
cancel 1
service cleaning
find
book 9 Nobody
book 2 Ada Lovelace
mine
find
move 1 to 3
mine
cancel 1
mine
service gardening
find
book 2
move 1 3
help
quit
"""


def chat(env: dict[str, str], script: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "app.chat"],
        input=script,
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def numbered(lines: list[str], after: int) -> list[str]:
    """The numbered entries listed right after line ``after``."""
    entries: list[str] = []
    for line in lines[after + 1 :]:
        match = re.match(r"  (\d+)\. (.*)", line)
        if not match:
            break
        assert int(match.group(1)) == len(entries) + 1
        entries.append(match.group(2))
    return entries


def assert_books_moves_and_cancels_by_number(lines: list[str]) -> None:
    agent = [n for n, line in enumerate(lines) if line.startswith("agent: ")]
    assert lines[1] == "(no appointments listed yet: type 'mine' first)"
    offered = numbered(lines, agent[0])
    assert len(offered) == 5
    assert lines[agent[0] + 6] == "(pick a time from 1 to 5)"
    second = offered[1].split("  (")[0]
    # In the demo only Lena does cleanings: the booking is hers, and a move keeps her.
    assert lines[agent[1]] == f"agent: You're booked for Cleaning {second} with Lena."
    mine = numbered(lines, agent[2])
    assert len(mine) == 1
    assert mine[0].startswith(f"Cleaning {second} with Lena for Ada Lovelace")
    third = numbered(lines, agent[3])[2].split("  (")[0]
    assert lines[agent[4]].startswith("agent: Done: your Cleaning is moved to ")
    assert lines[agent[4]].endswith(f"{third} with Lena.")
    assert numbered(lines, agent[5])[0].startswith(f"Cleaning {third} with Lena for Ada")
    assert lines[agent[6]].endswith("is cancelled.")
    assert numbered(lines, agent[7]) == []
    assert lines[agent[8]].startswith("agent: We offer Cleaning, ")
    unclear = lines[agent[8] + 1 : agent[8] + 3]
    assert unclear == [
        "(not a command: 'book 2'; try help)",
        "(not a command: 'move 1 3'; try help)",
    ]
    assert "\n".join(lines[agent[8] + 3 :]) == HELP


def test_the_chat_books_moves_and_cancels_by_number_on_the_embedded_defaults(
    tmp_path: Path, database_url: str
) -> None:
    """With no server running, the chat starts the app in its own process."""
    env = demo_env(tmp_path / "data", free_port(), DATABASE_URL=database_url)
    lines = chat(env, "phone +14155550161\n" + SCRIPT)
    assert lines[0].startswith("Talking to this process (embedded defaults) as a caller.")
    assert_books_moves_and_cancels_by_number(lines[1:])


def test_the_chat_talks_to_a_running_server_over_http_signing_as_retell_does(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(
        port=free_port(),
        data_dir=tmp_path / "server",
        database_url=database_url,
        retell_api_key="key_chat_51c0",
    )
    with running(settings) as url:
        env = demo_env(tmp_path / "chat", free_port(), CHAT_URL=url, RETELL_API_KEY="key_chat_51c0")
        lines = chat(env, "phone +14155550162\n" + SCRIPT)
    assert lines[0].startswith(f"Talking to {url} as a caller.")
    assert_books_moves_and_cancels_by_number(lines[1:])
    assert not (tmp_path / "chat").exists()  # it used the server's data, not its own


def test_with_an_agent_id_each_tool_call_names_the_agent_whose_business_answers() -> None:
    sent: list[dict[str, Any]] = []

    def send(body: dict[str, Any]) -> dict[str, Any]:
        sent.append(body)
        return {"ok": True, "message": "Hello.", "slots": []}

    Chat(send, agent_id="agent_harbour_physio_demo").handle("find tomorrow")
    Chat(send).handle("find tomorrow")
    assert sent[0]["call"]["agent_id"] == "agent_harbour_physio_demo"
    assert "agent_id" not in sent[1]["call"]
