"""Messages and views as plain readable text, for the demo and for test assertions."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.state import Ephemeral, Message, View

_USER_LINK = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]+))?>")
_CHANNEL_LINK = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_URL_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]+))?>")

NameLookup = Callable[[str], str | None]


def readable_mrkdwn(text: str, names: NameLookup | None = None) -> str:
    """Slack markup made readable: ``<@U1|ann>`` → ``@ann``, ``<url|label>`` → ``label (url)``."""

    def user(match: re.Match[str]) -> str:
        label = match.group(2) or (names(match.group(1)) if names else None) or match.group(1)
        return f"@{label}"

    def channel(match: re.Match[str]) -> str:
        label = match.group(2) or (names(match.group(1)) if names else None) or match.group(1)
        return f"#{label}"

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"{label} ({url})" if label and label != url else url

    text = _USER_LINK.sub(user, text)
    text = _CHANNEL_LINK.sub(channel, text)
    text = _SPECIAL.sub(lambda m: f"@{m.group(1)}", text)
    text = _URL_LINK.sub(link, text)
    return html.unescape(text)


def _text_of(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return ""


def _element_text(element: Any) -> str:
    if not isinstance(element, Mapping):
        return ""
    kind = element.get("type")
    if kind in ("button", "workflow_button"):
        return f"[{_text_of(element.get('text'))}]"
    if kind == "overflow":
        return "[…]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in ("checkboxes", "radio_buttons"):
        options = element.get("options") or []
        return " ".join(f"( ) {_text_of(o.get('text'))}" for o in options if isinstance(o, Mapping))
    placeholder = _text_of(element.get("placeholder"))
    label = placeholder or str(kind).replace("_", " ")
    return f"[{label} ▾]" if "select" in str(kind) else f"[{label}]"


def _rich_text(elements: Any) -> str:
    parts: list[str] = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind == "text":
            parts.append(str(element.get("text", "")))
        elif kind == "user":
            parts.append(f"<@{element.get('user_id')}>")
        elif kind == "channel":
            parts.append(f"<#{element.get('channel_id')}>")
        elif kind == "link":
            parts.append(str(element.get("text") or element.get("url", "")))
        elif kind == "emoji":
            parts.append(f":{element.get('name')}:")
        elif "elements" in element:
            parts.append(_rich_text(element.get("elements")))
            if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
                parts.append("\n")
    return "".join(parts).rstrip("\n") if parts else ""


def render_blocks(blocks: list[Any]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {_text_of(block.get('text'))} ==")
        elif kind == "section":
            if block.get("text"):
                lines.append(_text_of(block.get("text")))
            lines.extend(_text_of(field) for field in block.get("fields") or [])
            if block.get("accessory"):
                lines.append(_element_text(block.get("accessory")))
        elif kind == "context":
            parts = [
                _text_of(e)
                if isinstance(e, Mapping) and e.get("type") != "image"
                else _element_text(e)
                for e in block.get("elements") or []
            ]
            lines.append(" · ".join(p for p in parts if p))
        elif kind == "actions":
            lines.append(" ".join(_element_text(e) for e in block.get("elements") or []))
        elif kind == "divider":
            lines.append("---")
        elif kind == "input":
            lines.append(f"{_text_of(block.get('label'))}: {_element_text(block.get('element'))}")
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            lines.append(_rich_text(block.get("elements")))
        elif kind == "markdown":
            lines.append(str(block.get("text", "")))
    return lines


def render_message_text(
    message: Message | Ephemeral | Mapping[str, Any], names: NameLookup | None = None
) -> str:
    """A message as the channel sees it: its blocks (or else its text) as plain lines."""
    if isinstance(message, (Message, Ephemeral)):
        blocks: list[Any] = message.blocks
        text = message.text
        files = message.files if isinstance(message, Message) else []
    else:
        blocks = list(message.get("blocks") or [])
        text = str(message.get("text") or "")
        files = list(message.get("files") or [])
    lines = render_blocks(blocks) if blocks else ([text] if text else [])
    if blocks and not lines and text:
        lines = [text]
    lines += [
        "[file deleted]"
        if f.get("mode") == "tombstone"
        else f"[file: {f.get('title') or f.get('name')}]"
        for f in files
        if isinstance(f, Mapping)
    ]
    return readable_mrkdwn("\n".join(lines), names)


def render_view_text(view: View | Mapping[str, Any], names: NameLookup | None = None) -> str:
    """A modal or Home tab as plain lines, title first."""
    spec = view.spec if isinstance(view, View) else view
    lines = []
    title = _text_of(spec.get("title"))
    if title:
        lines.append(f"[ {title} ]")
    lines += render_blocks(list(spec.get("blocks") or []))
    submit = _text_of(spec.get("submit"))
    if submit:
        lines.append(f"[{submit}]")
    return readable_mrkdwn("\n".join(lines), names)
