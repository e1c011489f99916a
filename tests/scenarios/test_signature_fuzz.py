"""Forged requests: a thousand requests to p2p's real endpoint whose signature or timestamp
is wrong (missing, from another secret, cut short, of another version, too old, from the
future, or a genuine signature replayed onto an altered body or another timestamp), across
slash commands, events and interactions. Every one is refused as Bolt refuses a bad
signature (HTTP 401) and changes nothing: p2p calls no Web API method, posts to no
response_url and stores nothing. A correctly signed request delivered again, byte for byte
or as Slack's retry, is accepted and applied once.

The cases come from a seeded random.Random, so every run sends the same thousand.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import select

from bot.app import EVENTS_PATH
from bot.sandbox.clickables import action_entry, find_clickable
from bot.sandbox.state import JsonDict
from bot.slack.ids import ActionId
from storage.tables import AnswerRow, Base
from tests.scenarios.conftest import SIGNING_SECRET, Harness

SEED = 20261102
FORGED = 1000
STALE = 5 * 60  # Slack's window: a request further from now than this is refused
MARGIN = 30  # seconds kept clear of the window's edge, so a slow run cannot cross it
FORM = "application/x-www-form-urlencoded"
JSON_BODY = "application/json"
ANSWER = "half a day of work over 2-3 weeks, comes back rarely."


@dataclass(frozen=True)
class Genuine:
    """A request as Slack would send it, before it is signed."""

    kind: str  # slash_command, event or interactive
    body: bytes
    content_type: str
    user: str  # the user id it names, for forgeries that swap it


@dataclass(frozen=True)
class Forged:
    forgery: str
    kind: str
    body: bytes
    headers: dict[str, str]


def signature(
    body: bytes, timestamp: str, secret: str = SIGNING_SECRET, version: str = "v0"
) -> str:
    base = f"{version}:{timestamp}:".encode() + body
    return f"{version}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def headers_for(genuine: Genuine, timestamp: str | None, sig: str | None) -> dict[str, str]:
    headers = {"Content-Type": genuine.content_type}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if sig is not None:
        headers["X-Slack-Signature"] = sig
    return headers


# Each forgery: (rng, the genuine request, another genuine one, now, every user id) →
# the body sent and its headers.
Forgery = Callable[[random.Random, Genuine, Genuine, int, list[str]], tuple[bytes, dict[str, str]]]


def _missing_signature(rng: random.Random, g: Genuine, *_: Any) -> tuple[bytes, dict[str, str]]:
    return g.body, headers_for(g, str(int(time.time())), None)


def _missing_timestamp(rng: random.Random, g: Genuine, *_: Any) -> tuple[bytes, dict[str, str]]:
    return g.body, headers_for(g, None, signature(g.body, str(int(time.time()))))


def _missing_both(rng: random.Random, g: Genuine, *_: Any) -> tuple[bytes, dict[str, str]]:
    return g.body, headers_for(g, None, None)


def _wrong_secret(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    secret = rng.choice(
        [
            "",
            SIGNING_SECRET.upper(),
            SIGNING_SECRET + " ",
            SIGNING_SECRET[:-1],
            "xoxb-scenario",
            "".join(rng.choice("0123456789abcdef") for _ in range(32)),
        ]
    )
    return g.body, headers_for(g, str(now), signature(g.body, str(now), secret=secret))


def _truncated(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    valid = signature(g.body, str(now))
    return g.body, headers_for(g, str(now), valid[: rng.randrange(len(valid))])


def _flipped(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    valid = signature(g.body, str(now))
    at = rng.randrange(3, len(valid))
    digit = rng.choice([c for c in "0123456789abcdef" if c != valid[at]])
    return g.body, headers_for(g, str(now), valid[:at] + digit + valid[at + 1 :])


def _wrong_version(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    digest = signature(g.body, str(now)).removeprefix("v0=")
    if rng.random() < 0.3:  # another version, signed consistently with it
        version = rng.choice(["v1", "v2", "V0", "v00"])
        return g.body, headers_for(g, str(now), signature(g.body, str(now), version=version))
    prefix = rng.choice(["v1=", "V0=", "v0", "v0:", "", "v0==", "=", "sha256=", "v0=v0=", "v=0"])
    return g.body, headers_for(g, str(now), prefix + rng.choice([digest, digest.upper()]))


def _stale(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    timestamp = str(now - rng.choice([STALE + MARGIN, rng.randint(STALE + MARGIN, 10**9)]))
    return g.body, headers_for(g, timestamp, signature(g.body, timestamp))


def _future(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    timestamp = str(now + rng.choice([STALE + MARGIN, rng.randint(STALE + MARGIN, 10**9)]))
    return g.body, headers_for(g, timestamp, signature(g.body, timestamp))


def _garbled_timestamp(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    """A timestamp that is not a whole number, signed as if it were one."""
    timestamp = rng.choice(
        ["", "abc", f"{now}.0", f"{now}x", f"{now:x}", f"0x{now:x}", "1e9", "-", "NaN", "9" * 5000]
    )
    return g.body, headers_for(g, timestamp, signature(g.body, timestamp))


def _altered_body(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, users: list[str]
) -> tuple[bytes, dict[str, str]]:
    """A genuine signature, replayed onto a body changed after it was signed."""
    sig = signature(g.body, str(now))
    someone_else = rng.choice([u for u in users if u != g.user]).encode()
    if g.content_type == FORM:  # still a form, its payload still JSON: Bolt reads it
        changes = [g.body + b"&user_id=" + someone_else, g.body + b"&"]
        if g.kind == "slash_command":
            changes.append(g.body[:-1])
    else:  # still JSON
        changes = [g.body + b" ", b"\n" + g.body, g.body.replace(b'": "', b'":"', 1)]
    if g.user.encode() in g.body:
        changes.append(g.body.replace(g.user.encode(), someone_else))
    altered = rng.choice(changes)
    assert altered != g.body
    return altered, headers_for(g, str(now), sig)


def _moved_timestamp(
    rng: random.Random, g: Genuine, _other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    """A genuine signature, replayed with another (still recent) timestamp."""
    sig = signature(g.body, str(now))
    moved = now + rng.choice([-1, 1]) * rng.randint(1, STALE - MARGIN)
    return g.body, headers_for(g, str(moved), sig)


def _another_request(
    rng: random.Random, g: Genuine, other: Genuine, now: int, _users: list[str]
) -> tuple[bytes, dict[str, str]]:
    """The signature of another genuine request, on this body."""
    return g.body, headers_for(g, str(now), signature(other.body, str(now)))


FORGERIES: dict[str, Forgery] = {
    "missing signature": _missing_signature,
    "missing timestamp": _missing_timestamp,
    "missing both": _missing_both,
    "wrong secret": _wrong_secret,
    "truncated": _truncated,
    "flipped": _flipped,
    "wrong version": _wrong_version,
    "stale": _stale,
    "future": _future,
    "garbled timestamp": _garbled_timestamp,
    "altered body": _altered_body,
    "moved timestamp": _moved_timestamp,
    "another request's": _another_request,
}


def form(fields: JsonDict) -> bytes:
    return urlencode({key: str(value) for key, value in fields.items()}).encode()


def genuine_requests(harness: Harness) -> list[Genuine]:
    """What people would send now, each shaped as Slack shapes it: commands typed by the
    facilitator and the participant, a DM answer and other events, the participant's
    clicks under their question and the submission of their open form."""
    slack, ws = harness.slack, harness.slack.workspace
    fran, priya = harness["fran"], harness["priya"]
    channel = ws.require_conversation(harness.channel)
    im = ws.bot_im(priya)
    requests: list[Genuine] = []
    for user, conversation, text in [
        (fran, channel, 'start "Forged" product=@stranger'),
        (fran, channel, "summary"),
        (fran, channel, "close"),
        (fran, channel, "cancel"),
        (fran, channel, "export"),
        (fran, channel, "skip product"),
        (fran, channel, "remind"),
        (priya, im, "forget-me"),
        (priya, im, "status"),
    ]:
        payload = slack.payloads.slash_command(user, conversation, "/p2p", text)
        requests.append(Genuine("slash_command", form(payload), FORM, user))
    events: list[tuple[str, JsonDict]] = [
        (
            priya,
            {
                "type": "message",
                "channel": im.id,
                "channel_type": "im",
                "user": priya,
                "text": ANSWER,
                "client_msg_id": str(uuid.uuid4()),
            },
        ),
        (priya, {"type": "app_home_opened", "user": priya, "channel": im.id, "tab": "home"}),
        (priya, {"type": "user_change", "user": {"id": priya, "deleted": True}}),
        (fran, {"type": "app_uninstalled"}),
        (fran, {"type": "tokens_revoked", "tokens": {"bot": [slack.bot_user_id]}}),
    ]
    for user, event in events:
        ts = ws.next_ts()
        event = {**event, "ts": ts, "event_ts": ts}
        envelope = slack.payloads.event_callback(event)
        requests.append(Genuine("event", json.dumps(envelope).encode(), JSON_BODY, user))
    url_check = json.dumps(slack.payloads.url_verification("forged")).encode()
    requests.append(Genuine("event", url_check, JSON_BODY, fran))
    for action_id, value in [
        (ActionId.QUICK_ANSWER.numbered(0), None),
        (ActionId.QUICK_ANSWER.numbered(1), None),
        (ActionId.ANSWER_IN_FORM, None),
        (ActionId.ASK_SOMEONE, None),
        (ActionId.QUICK_ANSWER_PICK.numbered(0), "1 day"),
    ]:
        clickable = find_clickable(ws, priya, action_id, value, None)
        action = action_entry(ws, clickable, value)
        place = clickable.place
        if isinstance(place, tuple):
            payload = slack.payloads.message_actions(priya, place[0], place[1], [action])
        else:
            payload = slack.payloads.view_actions(priya, place, [action])
        encoded = form({"payload": json.dumps(payload)})
        requests.append(Genuine("interactive", encoded, FORM, priya))
    (view,) = slack.open_views(priya)
    submission = slack.payloads.view_submission(priya, view)
    values = {
        str(block["block_id"]): {
            str(block["element"]["action_id"]): {"type": "plain_text_input", "value": "1 day"}
        }
        for block in view.blocks
        if block.get("type") == "input"
    }
    submission["view"]["state"] = {"values": values}
    encoded = form({"payload": json.dumps(submission)})
    requests.append(Genuine("interactive", encoded, FORM, priya))
    return requests


def forged_requests(genuine: list[Genuine], users: list[str], count: int) -> list[Forged]:
    rng = random.Random(SEED)
    now = int(time.time())
    names = sorted(FORGERIES)
    forged = []
    for number in range(count):
        name = names[number % len(names)] if number < len(names) else rng.choice(names)
        original, other = rng.sample(genuine, 2)
        body, headers = FORGERIES[name](rng, original, other, now, users)
        forged.append(Forged(name, original.kind, body, headers))
    return forged


async def stored(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    async with harness.p2p.database.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in await connection.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


@dataclass(frozen=True)
class Seen:
    """Everything a request could have changed: what p2p did in Slack, and what it stored."""

    calls: int
    response_posts: int
    ephemerals: int
    rows: dict[str, list[tuple[Any, ...]]]


async def seen(harness: Harness) -> Seen:
    slack = harness.slack
    return Seen(
        calls=len(slack.calls),
        response_posts=len(slack.response_posts),
        ephemerals=len(slack.workspace.ephemerals),
        rows=await stored(harness),
    )


async def started_workshop(harness: Harness, *, form_open: bool) -> None:
    """A workshop is under way: the participant has their first step (and its form open)."""
    await harness.command("fran", 'start "Checkout" product=@priya eng=@erin')
    await harness.slack.wait_for(lambda: harness.dm_texts("priya"), timeout=30)
    await harness.slack.settle(quiet=0.2)
    if not form_open:
        return
    await harness.slack.click(harness["priya"], ActionId.ANSWER_IN_FORM)
    await harness.slack.wait_for(lambda: harness.slack.open_views(harness["priya"]), timeout=30)
    await harness.slack.settle(quiet=0.2)


async def send(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> int:
    async with session.post(url, data=body, headers=headers) as response:
        await response.read()
        return response.status


async def test_a_thousand_forged_requests_are_refused_and_change_nothing(
    harness: Harness,
) -> None:
    await started_workshop(harness, form_open=True)
    genuine = genuine_requests(harness)
    assert {g.kind for g in genuine} == {"slash_command", "event", "interactive"}
    forged = forged_requests(genuine, list(harness.users.values()), FORGED)
    before = await seen(harness)
    url = harness.app_url + EVENTS_PATH
    limit = asyncio.Semaphore(8)

    async def refused(session: aiohttp.ClientSession, request: Forged) -> bool:
        async with limit:
            return await send(session, url, request.body, request.headers) == 401

    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(*(refused(session, request) for request in forged))
    await harness.slack.settle(quiet=0.3)

    assert sum(results) == FORGED, Counter(
        request.forgery for request, ok in zip(forged, results, strict=True) if not ok
    )
    assert set(Counter(request.forgery for request in forged)) == set(FORGERIES)
    assert {request.kind for request in forged} == {"slash_command", "event", "interactive"}
    assert await seen(harness) == before, "a forged request changed something"


async def test_a_valid_request_delivered_again_is_applied_once(harness: Harness) -> None:
    """A byte-identical replay within five minutes passes Slack's scheme, as does Slack's
    own retry; the inbound-delivery dedup keeps either from being stored or answered twice."""
    await started_workshop(harness, form_open=False)
    slack, priya = harness.slack, harness["priya"]
    replies = len(slack.dm_messages(priya))
    delivery = await slack.send_dm(priya, ANSWER)
    assert delivery.ok
    await slack.wait_for(lambda: len(slack.dm_messages(priya)) > replies + 1, timeout=30)
    await slack.settle(quiet=0.3)
    once = await seen(harness)
    assert once.rows[AnswerRow.__tablename__], "the answer was stored"
    messages = len(slack.dm_messages(priya))

    async with aiohttp.ClientSession() as session:
        url = harness.app_url + EVENTS_PATH
        assert await send(session, url, delivery.request_body, delivery.request_headers) == 200
    retry = await slack.deliverer.deliver(
        "event", delivery.payload, retry_num=1, retry_reason="http_timeout"
    )
    assert retry.ok
    await slack.settle(quiet=0.3)

    again = await seen(harness)
    assert again.rows == once.rows, "stored once"
    assert len(slack.dm_messages(priya)) == messages, "answered once"
    assert again.calls == once.calls
