"""Hostile text for property-based tests, and what p2p must do with it.

Hypothesis generates the text: Slack markup that would ping or disguise a link if it
reached Slack raw (``<!channel>``, ``<@U123>``, ``<https://evil.example|click>``), mrkdwn
control characters, bare entities, zero-width and direction-changing characters, emoji
sequences, newlines and answers of up to 10,000 characters, mixed with arbitrary Unicode.
It finds the combinations no hand-written list thinks of, and shrinks a failure to the
smallest text that shows it.

The ``p2p-ci`` profile is what the suite runs: derandomized (the same examples every run),
a bounded number of examples, no deadline (a shared machine is slow at times). Set
``P2P_HYPOTHESIS_PROFILE=p2p-explore`` to search further, with fresh examples each run.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.sandbox.blockkit import message_block_problems, view_problems, view_size_exceeded

settings.register_profile(
    "p2p-ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "p2p-explore",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("P2P_HYPOTHESIS_PROFILE", "p2p-ci"))


def examples(count: int) -> settings:
    """The profile, with fewer examples for a slow property (unless exploring)."""
    return settings(PROFILE, max_examples=min(count, PROFILE.max_examples))


MARKUP = (
    "<!channel>", "<!here>", "<!everyone>", "<!here|here>", "<!subteam^S0123>",
    "<!date^1392734382^{date_short}|Feb 18>", "<@U123>", "<@U123|bob>", "<@W0AB1>", "<#C123>",
    "<#C123|general>", "<https://evil.example|click>", "<http://evil.example>",
    "<mailto:x@evil.example|mail>", "<slack://open>", "<https://evil.example|<!channel>>",
)  # fmt: skip
MRKDWN = ("*", "_", "~", "`", "```", "> ", "\n> ", ">>>", "*bold*", "_it_", "~gone~", "`code`")
ENTITIES = ("&lt;", "&gt;", "&amp;", "&lt;!channel&gt;", "&#60;", "&", "<", ">", "<<", ">>")
INVISIBLE = ("\u200b", "\u200d", "\u202e", "\u2066", "\u2069", "\u200f", "\ufeff", "\u00ad")
EMOJI = ("😀", "👩\u200d👩\u200d👧\u200d👦", "🇬🇧", "👍🏽", "e\u0301", "𝕏", "🏳️\u200d🌈", ":tada:")
SPACING = ("\n", "\r\n", "\r", "\t", "  ", "\n\n", "\u2028", "\u0085", "\x0b")
PLAIN = ("@channel", "@here", "#general", "https://evil.example", "approval board", "waiting")
FRAGMENTS = (*MARKUP, *MRKDWN, *ENTITIES, *INVISIBLE, *EMOJI, *SPACING, *PLAIN)

# Any Unicode a Slack message can carry (no lone surrogates: JSON from Slack has none).
_UNICODE = st.text(st.characters(codec="utf-8"), max_size=12)
_WORDS = st.sampled_from(("the", "build", "waits", "for", "QA", "2 days", "90%", "a week"))
_PIECE = st.one_of(st.sampled_from(FRAGMENTS), _UNICODE, _WORDS)
SHORT_TEXT = st.lists(_PIECE, min_size=1, max_size=24).map(" ".join)


def _long(seed: str, length: int) -> str:
    return (seed * (length // max(len(seed), 1) + 1))[:length]


LONG_TEXT = st.builds(_long, SHORT_TEXT, st.integers(min_value=2_000, max_value=10_000))
HOSTILE_TEXT = st.one_of(SHORT_TEXT, SHORT_TEXT, SHORT_TEXT, LONG_TEXT)
"""An answer as someone could type it: mostly short, sometimes up to 10,000 characters."""

HOSTILE_NAME = st.lists(_PIECE, min_size=1, max_size=6).map(" ".join).map(str.strip)
"""A short name (a title, a stage) as a facilitator could type it."""


# -- what must hold --------------------------------------------------------------------

_TOKEN = re.compile(r"<[^<>]*>?")
NOT_TEXT = frozenset({"value", "initial_value", "private_metadata", "action_id", "block_id"})


def slack_strings(payload: object) -> Iterator[str]:
    """Every string Slack reads as mrkdwn in a message or view: the fallback ``text`` and
    each mrkdwn text object. Not plain_text (Slack shows it as it is: it cannot ping or
    link), nor what a message only carries back (``value``, ``private_metadata``, ids)."""
    if isinstance(payload, Mapping):
        plain_text = payload.get("type") == "plain_text"
        for key, value in payload.items():
            if key in NOT_TEXT:
                continue
            if isinstance(value, str):
                if key == "text" and not plain_text:
                    yield value
            else:
                yield from slack_strings(value)
    elif isinstance(payload, list | tuple):
        for item in payload:
            yield from slack_strings(item)


def markup_problems(payload: object, *, mentions: Sequence[str] = ()) -> list[str]:
    """Slack markup in what p2p posts that p2p did not mean: anything in angle brackets
    other than the mentions of people and channels it names on purpose (``mentions``:
    their ids). User text must arrive escaped (``&lt;``), so it can hold none."""
    allowed = {f"<@{ident}>" for ident in mentions} | {f"<#{ident}>" for ident in mentions}
    return [
        f"{token!r} in {text[:120]!r}"
        for text in slack_strings(payload)
        for token in _TOKEN.findall(text)
        if token not in allowed
    ]


def encodable(payload: object) -> bool:
    """Whether the payload is valid UTF-8 JSON (no surrogate halves cut apart)."""
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def message_problems(
    text: str, blocks: Sequence[Mapping[str, Any]], *, mentions: Sequence[str] = ()
) -> list[str]:
    """What Slack would refuse or show wrongly in a message: Block Kit violations, a
    fallback text out of bounds, markup from user text, broken UTF-8."""
    message = {"text": text, "blocks": list(blocks)}
    problems = [str(p) for p in message_block_problems(list(blocks))]
    if not 0 < len(text) <= 40_000:
        problems.append(f"fallback text of {len(text)} characters")
    problems += markup_problems(message, mentions=mentions)
    if not encodable(message):
        problems.append("not valid UTF-8")
    return problems


def modal_problems(view: Mapping[str, Any], *, mentions: Sequence[str] = ()) -> list[str]:
    """What Slack would refuse or show wrongly in a modal or Home tab."""
    problems = [str(p) for p in view_problems(dict(view))]
    if view_size_exceeded(dict(view)):
        problems.append("over 250 kB")
    problems += markup_problems(view, mentions=mentions)
    if not encodable(view):
        problems.append("not valid UTF-8")
    return problems
