"""`p2p serve` as a real process: its configuration errors, and serving the sandbox."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox import Sandbox, SandboxSettings
from storage.db import Database
from tests.scenarios.conftest import BOT_TOKEN, SIGNING_SECRET


def clean_environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(values)
    return env


def run_p2p(*arguments: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_without_a_signing_secret_says_so_in_one_line(tmp_path: Path) -> None:
    result = run_p2p("serve", env=clean_environment(SLACK_BOT_TOKEN="xoxb-x"), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SLACK_SIGNING_SECRET" in lines[0]
    assert "p2p demo" in lines[0]
    assert "Traceback" not in result.stderr


def test_serve_without_a_bot_token_says_so(tmp_path: Path) -> None:
    result = run_p2p("serve", env=clean_environment(SLACK_SIGNING_SECRET="s"), cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


EMPTY_OR_BLANK = pytest.mark.parametrize("value", ["", "   "], ids=["empty", "blank"])


def refused_naming(result: subprocess.CompletedProcess[str], variable: str) -> None:
    """Refused at start-up as if unset: exit 2, one line on stderr that names `variable`."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"p2p: {variable} is not set"), lines[0]
    assert "Traceback" not in result.stderr


@EMPTY_OR_BLANK
def test_an_empty_signing_secret_is_refused_like_a_missing_one(tmp_path: Path, value: str) -> None:
    env = clean_environment(SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET=value)
    refused_naming(run_p2p("serve", env=env, cwd=tmp_path), "SLACK_SIGNING_SECRET")


@EMPTY_OR_BLANK
def test_an_empty_bot_token_is_refused_like_a_missing_one(tmp_path: Path, value: str) -> None:
    env = clean_environment(SLACK_BOT_TOKEN=value, SLACK_SIGNING_SECRET="s")
    refused_naming(run_p2p("serve", env=env, cwd=tmp_path), "SLACK_BOT_TOKEN")


@EMPTY_OR_BLANK
def test_an_empty_app_token_is_refused_in_socket_mode(tmp_path: Path, value: str) -> None:
    env = clean_environment(SLACK_BOT_TOKEN="xoxb-x", SLACK_APP_TOKEN=value)
    refused_naming(run_p2p("serve", "--socket-mode", env=env, cwd=tmp_path), "SLACK_APP_TOKEN")


def test_the_env_example_as_shipped_does_not_serve(tmp_path: Path) -> None:
    """Copied to .env and left as it is, its empty SLACK_SIGNING_SECRET= stops p2p serve."""
    example = Path(__file__).parents[2] / ".env.example"
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    refused_naming(run_p2p("serve", env=clean_environment(), cwd=tmp_path), "SLACK_SIGNING_SECRET")


def test_an_invalid_setting_names_the_variable(tmp_path: Path) -> None:
    env = clean_environment(SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", PORT="eighty")
    result = run_p2p("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("p2p: PORT")
    assert len(result.stderr.strip().splitlines()) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    slack: Sandbox, database_url: str, cwd: Path, **settings: str
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`p2p serve` as a process against the sandbox; its log goes to cwd/serve-PORT.log."""
    port = free_port()
    env = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=database_url,
        PORT=str(port),
        LOG_LEVEL="WARNING",
    )
    env.update(settings)
    log = (cwd / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


async def wait_healthy(port: int, process: subprocess.Popen[str]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            assert process.poll() is None, "p2p serve stopped; see its serve-*.log"
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("p2p serve never became healthy")


@asynccontextmanager
async def sandbox() -> AsyncIterator[Sandbox]:
    slack = Sandbox(SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN))
    await slack.start()
    try:
        yield slack
    finally:
        await slack.stop()


async def test_serve_answers_health_and_a_signed_start(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    async with sandbox() as slack:
        fran, priya = slack.add_user("fran"), slack.add_user("priya")
        channel = slack.add_channel("path-to-prod", members=[fran, priya])
        with serving(slack, database_url, tmp_path) as (process, port):
            await wait_healthy(port, process)
            slack.request_url = f"http://127.0.0.1:{port}/slack/events"
            delivery = await slack.slash_command(fran, channel, "/p2p", "start Live product=@priya")
            assert delivery.ok
            await slack.wait_for(lambda: len(slack.dm_messages(priya)) == 1, timeout=15)
            assert "step 1 of 8" in slack.render(slack.dm_messages(priya)[0])
            assert len(slack.channel_messages(channel)) == 1


# The Product Owner's first three steps, each answered whole, none earning a follow-up.
REPLIES = (
    "2 days of work over 4 days, comes back rarely",
    "Idea written up. A sponsor signs it off in a week.",
    "3 days of work over 4 days, comes back rarely",
)
WHILE_DOWN = "1 day of work over 2 days, comes back sometimes"


async def test_killed_mid_interview_it_goes_on_where_it_was(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    async with sandbox() as slack:
        fran, priya = slack.add_user("fran"), slack.add_user("priya")
        channel = slack.add_channel("path-to-prod", members=[fran, priya])

        def asked() -> list[str]:
            return [
                str(b["block_id"])
                for m in slack.dm_messages(priya)
                for b in m.blocks or []
                if str(b.get("block_id", "")).startswith("question:")
            ]

        with serving(slack, database_url, tmp_path) as (process, port):
            await wait_healthy(port, process)
            slack.request_url = f"http://127.0.0.1:{port}/slack/events"
            await slack.slash_command(fran, channel, "/p2p", "start Restart product=@priya")
            await slack.wait_for(lambda: len(asked()) == 1, timeout=15)
            for n, reply in enumerate(REPLIES[:2], start=1):
                await slack.send_dm(priya, reply)
                await slack.wait_for(lambda n=n: len(asked()) == n + 1, timeout=15)
            process.kill()  # no goodbye: SIGKILL
            process.wait()
        await slack.send_dm(priya, WHILE_DOWN)  # Slack gives up delivering
        with serving(slack, database_url, tmp_path) as (process, port):
            await wait_healthy(port, process)
            slack.request_url = f"http://127.0.0.1:{port}/slack/events"
            await slack.send_dm(priya, REPLIES[2])
            await slack.wait_for(lambda: len(asked()) == 4, timeout=15)
            await slack.settle(quiet=0.5)
        assert asked() == [
            "question:Idea.figures",
            "question:Idea.story",
            "question:Design.figures",
            "question:Design.story",
        ], "nothing asked twice, nothing skipped"
        async with database.transaction() as session:
            from storage import interviews, workshops

            workshop = await workshops.get_latest_workshop(session)
            assert workshop is not None
            stored = await interviews.list_answers(session, workshop_id=workshop.id)
        assert [a.raw_text for a in stored] == list(REPLIES)


def test_serve_on_a_port_already_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_p2p(
            "serve",
            "--port",
            str(port),
            env=clean_environment(
                SLACK_BOT_TOKEN="xoxb-x",
                SLACK_SIGNING_SECRET="s",
                DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'p2p.db'}",
            ),
            cwd=tmp_path,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        f"p2p: port {port} is already in use by another program: stop it, or serve on "
        "another port with --port or PORT."
    )


def serve_with_database(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_p2p(
        "serve",
        "--port",
        "0",
        env=clean_environment(SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET="s", DATABASE_URL=url),
        cwd=cwd,
    )


def test_serve_on_a_database_nobody_answers_at_stops_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nobody listens once it is closed
    result = serve_with_database(f"postgresql://p2p:hunter2@127.0.0.1:{port}/p2p", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"p2p: nothing answers at postgresql+asyncpg://p2p:***@127.0.0.1:{port}/p2p"
    )
    assert last.endswith("DATABASE_URL says which database p2p uses.")


async def test_serve_on_a_postgresql_database_without_tables_says_to_migrate(
    database_url: str, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is migrated by p2p serve itself")
    result = serve_with_database(database_url, tmp_path)  # the fixture's: wiped, not migrated
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"p2p: the database at {database_url} has no p2p tables yet: run `p2p migrate` "
        "once, with the same DATABASE_URL, then serve."
    )
    database = Database(database_url)
    try:
        await database.migrate()
        assert await database.has_schema()
    finally:
        await database.dispose()
