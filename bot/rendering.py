"""The one Jinja2 environment: every sentence the bot says comes from prompts/messages/.

Templates produce Slack mrkdwn. Every value put into a template is escaped for Slack
(``&``, ``<`` and ``>`` only, ``&`` first) unless it is already :class:`Mrkdwn`, so an
answer holding ``<!channel>`` shows literally and pings nobody. Mentions are made with
the ``user`` and ``channel`` filters, which check the id before writing ``<@U…>``.

The domain carries codes, not sentences: a note on a stage is a kind and its values, put
into words by the macro of that kind in notes.j2 (``Renderer.note``, or the ``note``
filter in a template).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import jinja2

from prompts import MESSAGES_DIR

_SLACK_ID = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,30}$")


class Mrkdwn(str):
    """Text that is already valid mrkdwn and must not be escaped again."""


class Coded(Protocol):
    """A code standing for a sentence, with the values its words need (a stage's Note)."""

    @property
    def kind(self) -> str: ...

    @property
    def context(self) -> Mapping[str, str | int | float]: ...


def escape_mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _finalizer(escape: Callable[[str], str]) -> Callable[[Any], str]:
    def finalize(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Mrkdwn):
            return value
        return escape(str(value))

    return finalize


def _as_text(identifier: str) -> Mrkdwn:
    return Mrkdwn(identifier)


def _user(user_id: str) -> Mrkdwn:
    if not _SLACK_ID.match(user_id):
        return Mrkdwn(escape_mrkdwn(user_id))
    return Mrkdwn(f"<@{user_id}>")


def _channel(channel_id: str) -> Mrkdwn:
    if not _SLACK_ID.match(channel_id):
        return Mrkdwn(escape_mrkdwn(channel_id))
    return Mrkdwn(f"<#{channel_id}>")


def _quote(text: str) -> Mrkdwn:
    """Escape text and show it as a Slack block quote, line by line."""
    lines = escape_mrkdwn(str(text)).strip().splitlines() or [""]
    return Mrkdwn("\n".join(f"> {line}" for line in lines))


def shorten(text: str, limit: int = 300) -> str:
    """Cut at a word boundary, never mid-word, marking the cut with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def format_days(days: float | None, hours_per_day: float = 8) -> str:
    """Working days for people: "4 h", "1.5 d", "12 d"; "?" when unknown."""
    if days is None:
        return "?"
    if days < 1:
        hours = days * hours_per_day
        return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"
    if days < 10:
        return f"{days:.1f}".rstrip("0").rstrip(".") + " d"
    return f"{round(days)} d"


def format_percent(fraction: float | None, places: int = 0) -> str:
    """0.727 → "73%" (or "72.7%" with one place); "?" when unknown."""
    if fraction is None:
        return "?"
    return f"{fraction * 100:.{places}f}%"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


class Renderer:
    """Renders the macros in prompts/messages/*.j2 and the question bank's texts."""

    def __init__(self, directory: Path = MESSAGES_DIR, *, for_slack: bool = True) -> None:
        """``for_slack=False`` renders plain text (Markdown files): nothing escaped, and
        people and channels as their ids instead of Slack mentions."""
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            finalize=_finalizer(escape_mrkdwn if for_slack else str),
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            # the templates ship with p2p: no need to look at each file again per render
            auto_reload=False,
        )
        self.environment.filters.update(
            user=_user if for_slack else _as_text,
            channel=_channel if for_slack else _as_text,
            quote=_quote,
            shorten=shorten,
            plural=_plural,
            days=format_days,
            percent=format_percent,
            note=self.note,
        )

    def message(self, name: str, /, **context: Any) -> str:
        """Render the macro ``name`` of a template file: ``"notices.stranger"``."""
        template_name, _, macro_name = name.partition(".")
        module = self.environment.get_template(f"{template_name}.j2").make_module()
        macro = getattr(module, macro_name, None)
        if macro is None:
            raise KeyError(f"no macro {macro_name!r} in {template_name}.j2")
        return str(macro(**context)).strip()

    def note(self, note: Coded) -> Mrkdwn:
        """The words of a note on a stage: the macro named by its kind in notes.j2."""
        return Mrkdwn(self.message(f"notes.{note.kind}", **note.context))

    def has_message(self, name: str, /) -> bool:
        template_name, _, macro_name = name.partition(".")
        module = self.environment.get_template(f"{template_name}.j2").make_module()
        return hasattr(module, macro_name)

    def text(self, source: str, **context: Any) -> str:
        """Render a template string (a question from the bank)."""
        return _compiled(self.environment, source).render(**context).strip()


@cache
def _compiled(environment: jinja2.Environment, source: str) -> jinja2.Template:
    return environment.from_string(source)
