"""``p2p demo``: a whole workshop, run by the real app against an emulated Slack.

A scripted team (prompts/demo/team.toml) answers p2p's DMs through the sandbox's user
API, over real HTTP, exactly as people would in Slack. The database is kept in the folder
given, so the workshop can be explored afterwards.
"""

from __future__ import annotations

import contextlib
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr

from bot.app import EVENTS_PATH, P2P, build_p2p, start_http
from bot.cli.summary import SummaryFormat, analyse_stored_workshop, render_summary
from bot.sandbox import Sandbox, SandboxSettings, render_message_text
from bot.settings import Settings
from bot.slack.ids import ActionId
from bot.workshop.core.model import Frozen
from prompts import PROMPTS_DIR

TEAM_FILE = PROMPTS_DIR / "demo" / "team.toml"
SIGNING_SECRET = "demo-signing-secret"
BOT_TOKEN = "xoxb-demo"
DEADLINE_SECONDS = 120

QUESTION_BLOCK = "question:"


class DemoPerson(Frozen):
    name: str
    real_name: str
    tz: str
    role: str | None = None
    answers: dict[str, str | list[str]] = Field(default_factory=dict)
    stages: dict[str, dict[str, str | list[str]]] = Field(default_factory=dict)


class DemoTeam(Frozen):
    channel: str
    title: str
    facilitator: str
    defaults: dict[str, str | list[str]] = Field(default_factory=dict)
    people: tuple[DemoPerson, ...]

    def start_text(self) -> str:
        roles: dict[str, list[str]] = {}
        for person in self.people:
            if person.role:
                roles.setdefault(person.role, []).append(f"@{person.name}")
        assignments = " ".join(f"{role}={','.join(names)}" for role, names in roles.items())
        return f'start "{self.title}" {assignments}'


Say = Callable[[str], None]


def load_demo_team(path: Path = TEAM_FILE) -> DemoTeam:
    with path.open("rb") as file:
        return DemoTeam.model_validate(tomllib.load(file))


class ScriptedParticipant:
    """Answers each new question in their DM from the script, like a person would."""

    def __init__(self, person: DemoPerson, user_id: str, defaults: Mapping[str, Any]) -> None:
        self.person = person
        self.user_id = user_id
        self.defaults = defaults
        self.seen: set[str] = set()
        self.asked: dict[str, int] = {}
        self.answered = 0

    def reply_to(self, message: Any) -> str | None:
        key = _question_key(message)
        if key is None or message.ts in self.seen:
            return None
        self.seen.add(message.ts)
        scripted = self.scripted(key) or "skip"
        options = [scripted] if isinstance(scripted, str) else list(scripted)
        attempt = self.asked.get(key, 0)
        self.asked[key] = attempt + 1
        self.answered += 1
        return str(options[min(attempt, len(options) - 1)])

    def scripted(self, key: str) -> str | list[str] | None:
        """What the script says to the question or part with this key, if anything."""
        stage, _, base = key.rpartition(".") if "." in key else ("", "", key)
        if base == "example":
            stage, base = "", "example"
        return (
            self.person.stages.get(stage, {}).get(base)
            or self.person.answers.get(base)
            or self.defaults.get(base)
        )


def _question_key(message: Any) -> str | None:
    """The question a DM asks, from its question block, if it is an open question."""
    blocks = message.blocks or []
    if not any(block.get("type") == "actions" for block in blocks):
        return None  # answered already: its buttons are gone
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(QUESTION_BLOCK):
            return block_id[len(QUESTION_BLOCK) :]
    return None


@contextlib.asynccontextmanager
async def serving_the_sandbox(sandbox: Sandbox, database_url: str) -> AsyncIterator[P2P]:
    """The real app for ``sandbox`` (started already) on ``database_url``: migrated, and
    taking the sandbox's deliveries over loopback HTTP. On the way out p2p is closed and
    the sandbox stopped."""
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr(sandbox.bot_token),
        slack_signing_secret=SecretStr(sandbox.signing_secret),
        slack_api_url=sandbox.api_url,
        database_url=database_url,
    )
    p2p = build_p2p(settings)
    runner = None
    try:
        await p2p.database.migrate()
        runner = await start_http(p2p, host="127.0.0.1", port=0)
        sandbox.request_url = f"http://127.0.0.1:{runner.addresses[0][1]}{EVENTS_PATH}"
        yield p2p
    finally:
        if runner is not None:
            await runner.cleanup()
        await p2p.close()
        await sandbox.stop()


async def run_demo(folder: Path, *, quiet: bool = False) -> int:
    started = time.monotonic()
    team = load_demo_team()
    database_path = _fresh_database(folder)

    def say(line: str = "") -> None:
        if not quiet:
            print(line, flush=True)

    # Slack's rate limits are on, as in Slack: p2p paces itself on 429 and Retry-After.
    sandbox = Sandbox(SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN))
    await sandbox.start()
    database_url = f"sqlite+aiosqlite:///{database_path.resolve()}"
    async with serving_the_sandbox(sandbox, database_url) as p2p:
        ids = {
            p.name: sandbox.add_user(p.name, real_name=p.real_name, tz=p.tz) for p in team.people
        }
        channel = sandbox.add_channel(team.channel, members=list(ids.values()))
        participants = [
            ScriptedParticipant(p, ids[p.name], team.defaults) for p in team.people if p.role
        ]
        say(f"An emulated Slack workspace is running at {sandbox.url}.")
        say(f"p2p takes its deliveries at {sandbox.request_url}.")
        say(f"#{team.channel} has {len(participants)} people playing {_role_count(team)} roles.")
        say()
        say(f"@{team.facilitator} types: /p2p {team.start_text()}")
        await sandbox.slash_command(ids[team.facilitator], channel, "/p2p", team.start_text())
        for line in _texts(sandbox.ephemerals(ids[team.facilitator])):
            say(f"  (only @{team.facilitator} sees) {line}")

        await _run_interviews(sandbox, participants, channel, say)
        await sandbox.settle()
        say()
        say(f"What #{team.channel} sees:")
        say("=" * 72)
        for message in sandbox.channel_messages(channel):
            print(sandbox.render(message), flush=True)
            for reply in sandbox.thread(channel, message.ts):
                print(_indented(sandbox.render(reply)), flush=True)
            for upload in sandbox.files:
                if upload.channel == channel and upload.thread_ts == message.ts:
                    print(f"    [file: {upload.name}, {len(upload.content):,} bytes]", flush=True)
            print("-" * 72, flush=True)
        if len(sandbox.channel_messages(channel)) < 2:  # the announcement and the summary
            print(
                f"p2p demo: the summary never reached #{team.channel}; see the log above.",
                file=sys.stderr,
                flush=True,
            )
            return 1
        await _show_stages(sandbox, ids[team.facilitator], team.facilitator, say)
        written = await _write_summary_files(p2p, folder)
        say(f"Written: {', '.join(str(path) for path in written)}")
        say(f"Done in {time.monotonic() - started:.1f} s. The workshop is kept in {database_path}.")
        say(f"Explore it: DATABASE_URL=sqlite:///{database_path} p2p summary (or p2p export)")
        return 0


async def _show_stages(sandbox: Sandbox, user_id: str, name: str, say: Say) -> None:
    """Somebody in the channel opens the stage-by-stage view under the summary."""
    say(f'@{name} clicks "Show the path, stage by stage" and sees, alone:')
    await sandbox.click(user_id, ActionId.SHOW_STAGES)
    await sandbox.settle()
    for view in sandbox.open_views(user_id):
        say(_indented(sandbox.render_view(view)))
    say("-" * 72)


async def _write_summary_files(p2p: P2P, folder: Path) -> list[Path]:
    """summary.md, summary.json and summary.png, from what the database now holds."""
    workshop, analysis = await analyse_stored_workshop(p2p.database)
    written = []
    for output in (SummaryFormat.MD, SummaryFormat.JSON, SummaryFormat.PNG):
        path = folder / f"summary.{output.value}"
        path.write_bytes(render_summary(workshop, analysis, output))
        written.append(path)
    return written


def _indented(text: str) -> str:
    """A thread reply, set in under its parent."""
    return "\n".join(f"    │ {line}" if line else "    │" for line in text.splitlines())


def _fresh_database(folder: Path) -> Path:
    """The demo starts each run on an empty database in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "p2p.db"
    path.unlink(missing_ok=True)
    return path


def _role_count(team: DemoTeam) -> int:
    return len({p.role for p in team.people if p.role})


def _texts(messages: Any) -> list[str]:
    return [render_message_text(m).replace("\n", " ") for m in messages]


def _anything_new(participants: list[ScriptedParticipant], sandbox: Sandbox) -> bool:
    """Whether p2p has asked anyone something they have not answered yet."""
    return any(
        message.ts not in person.seen and _question_key(message) is not None
        for person in participants
        for message in sandbox.dm_messages(person.user_id)
        if message.user != person.user_id
    )


async def _run_interviews(
    sandbox: Sandbox, participants: list[ScriptedParticipant], channel: str, say: Say
) -> None:
    """Let everyone answer what they are asked until the summary is in the channel and
    nobody is asked anything new. p2p may be waiting out a rate limit meanwhile."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        await sandbox.settle(quiet=0.05)
        replies = []
        for person in participants:
            for message in sandbox.dm_messages(person.user_id):
                if message.user == person.user_id:
                    continue
                reply = person.reply_to(message)
                if reply is not None:
                    replies.append((person, reply))
        if not replies:
            if _anything_new(participants, sandbox):
                continue
            with contextlib.suppress(TimeoutError):  # p2p may be waiting out a rate limit
                await sandbox.wait_for(lambda: _anything_new(participants, sandbox), timeout=3)
                continue
            # Quiet for two seconds, with no caller still due back from a rate limit:
            # p2p has nothing more to say (the summary's last updates included).
            await sandbox.settle(quiet=2.0, timeout=DEADLINE_SECONDS)
            if not _anything_new(participants, sandbox):
                break
            continue
        for person, reply in replies:
            await sandbox.send_dm(person.user_id, reply)
    for person in participants:
        role = person.person.role or ""
        say(f"  @{person.person.name} ({role}) answered {person.answered} questions by DM")
    if time.monotonic() >= deadline:
        print("p2p demo: the team was still answering when time ran out", file=sys.stderr)
