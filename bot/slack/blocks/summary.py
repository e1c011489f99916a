"""The summary as Slack shows it: one headline message in the channel, the detail in
its thread. Pure builders; every message keeps within Block Kit's limits, splitting long
content across messages with a note, and cutting only between words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.documents.findings import findings_lines
from bot.rendering import Mrkdwn, Renderer, shorten
from bot.slack.blocks.messages import Block, SlackMessage, button, context, header, plain, section
from bot.slack.ids import ActionId
from bot.workshop.core.analysis.model import PathAnalysis, Quote
from bot.workshop.core.analysis.quotes import Said, Shown, merge
from bot.workshop.core.model import Frozen

SECTION_ROOM = 2900  # Slack allows 3,000 characters a section; keep a margin
BLOCKS_PER_MESSAGE = 40  # Slack allows 50
HOT_HANDOFFS = 3
THEME_QUOTES = 3  # the strongest wordings a theme quotes; the rest are counted
STAGE_QUOTES = 6  # the wordings a stage shows in the stage-by-stage view; the rest are counted
BLOCKS_PER_VIEW = 95  # Slack allows 100 in a modal


Part = Sequence[str] | Block  # a heading and its lines, or one ready block


class SummaryPost(Frozen):
    parent: SlackMessage
    thread: tuple[SlackMessage, ...]


class _Say:
    def __init__(self, renderer: Renderer, named: bool, everyone: int = 0) -> None:
        self.renderer = renderer
        self.named = named
        self.everyone = everyone  # how many people were asked

    def __call__(self, macro: str, **values: Any) -> str:
        return self.renderer.message(f"summary.{macro}", **values)

    def who(self, role: str | None, user_id: str) -> Mrkdwn:
        """The role (None: "a participant") and, with named quotes, the person."""
        return Mrkdwn(self("who", role=role, user_id=user_id, named=self.named))

    def quote(self, quote: Quote) -> str:
        return self(
            "quote_line",
            label=quote.label,
            who=self.who(quote.role, quote.user_id),
            text=quote.text,
        )

    def said(self, said: Said) -> str:
        """A wording and who said it: the person's role (and name), or how many people."""
        if said.people == 1:
            return self.quote(said.quote)
        who = Mrkdwn(
            self(
                "many",
                people=said.people,
                roles=", ".join(said.roles),
                everyone=self.everyone,
                unnamed=said.unnamed,
            )
        )
        return self("quote_line", label=said.quote.label, who=who, text=said.quote.text)


def build_summary_post(
    analysis: PathAnalysis, renderer: Renderer, *, named: bool, updated: bool
) -> SummaryPost:
    say = _Say(renderer, named, analysis.roles_total)
    return SummaryPost(
        parent=_parent(analysis, say, updated=updated),
        thread=tuple(pack_messages(_thread_parts(analysis, say), say("continued"))),
    )


def _parent(analysis: PathAnalysis, say: _Say, *, updated: bool) -> SlackMessage:
    blocks: list[Block] = [
        header(say("header", title=analysis.title)),
        section(
            say(
                "headline",
                lead=analysis.lead_days,
                process=analysis.process_days,
                efficiency=analysis.flow_efficiency,
            )
        ),
    ]
    if analysis.rolled_pca is not None:
        blocks.append(section(say("rolled", rolled=analysis.rolled_pca)))
    lines = [say("hot_heading")]
    for number, handoff in enumerate(analysis.handoffs[:HOT_HANDOFFS], start=1):
        lines.append(say("hot_line", number=number, handoff=handoff))
        if handoff.evidence:
            evidence = handoff.evidence[0]
            who = say.who(evidence.role, evidence.user_id)
            lines.append(say("evidence", text=evidence.text, who=who))
    if not analysis.handoffs:
        lines.append(say("no_handoffs"))
    blocks.append(section(fit_lines(lines)))
    longest = analysis.longest_wait
    if longest is not None and longest.wait_days:
        blocks.append(
            section(
                say(
                    "longest_wait",
                    stage=longest.name,
                    wait=longest.wait_days,
                    process=longest.process_days,
                )
            )
        )
    complete = analysis.roles_answered >= analysis.roles_total
    blocks.append(
        context(
            say(
                "footer",
                answered=analysis.roles_answered,
                total=analysis.roles_total,
                complete=complete,
                updated=updated,
            )
        )
    )
    return SlackMessage(text=say("fallback", title=analysis.title), blocks=tuple(blocks))


def _stages_button(analysis: PathAnalysis, say: _Say) -> Block:
    """The stage-by-stage detail is a click away, in a view, rather than in the thread."""
    block = section(say("stages_teaser", stages=len(analysis.stages)))
    block["accessory"] = button(
        say("stages_button"), ActionId.SHOW_STAGES, str(analysis.workshop_id)
    )
    return block


def build_stage_view(analysis: PathAnalysis, renderer: Renderer, *, named: bool) -> Block:
    """The path, stage by stage: figures, estimates that differ, notes and what was said,
    in a modal that only the person who asked sees."""
    say = _Say(renderer, named, analysis.roles_total)
    lines: list[str] = []
    for stage in analysis.stages:
        entry = [say("stage_line", stage=stage)]
        if stage.disagreement:
            items = [
                {"who": say.who(e.role, e.user_id), "days": e.days} for e in stage.disagreement
            ]
            entry.append(say("estimates", items=items))
        entry.extend(say("stage_note", note=note) for note in stage.notes)
        said = merge(stage.quotes)
        entry.extend(say.said(q) for q in _each_label(said, STAGE_QUOTES))
        if len(said) > STAGE_QUOTES:
            entry.append(say("stage_more", count=len(said) - STAGE_QUOTES))
        lines.append("\n".join(entry))
    blocks: list[Block] = [context(say("stages_intro", title=analysis.title))]
    for text in _sections(lines):
        if len(blocks) >= BLOCKS_PER_VIEW:
            blocks.append(context(say("stages_cut")))
            break
        blocks.append(section(text))
    return _stage_modal(say, blocks)


def build_stage_note_view(text: str, renderer: Renderer) -> Block:
    """The stage-by-stage view while it is being assembled, or why it cannot be shown."""
    return _stage_modal(_Say(renderer, named=False), [section(text)])


def _stage_modal(say: _Say, blocks: list[Block]) -> Block:
    return {
        "type": "modal",
        "title": plain(say("stages_title")[:24]),
        "close": plain(say("stages_close")[:24]),
        "blocks": blocks,
    }


def _each_label(said: Sequence[Said], limit: int) -> list[Said]:
    """At most `limit` wordings, taken in turn from each label (what happens, what hurts,
    …), kept in their order: a stage's view shows a little of everything said."""
    by_label: dict[str, list[int]] = {}
    for index, item in enumerate(said):
        by_label.setdefault(item.quote.label, []).append(index)
    picked: list[int] = []
    while len(picked) < min(limit, len(said)):
        for indexes in by_label.values():
            if indexes and len(picked) < limit:
                picked.append(indexes.pop(0))
    return [said[index] for index in sorted(picked)]


def _thread_parts(analysis: PathAnalysis, say: _Say) -> list[Part]:
    """Each part is a heading and its lines, or one ready block; parts may span several
    sections. The same wording is quoted once, where it first comes, with how many people
    said it."""
    shown = Shown()
    opening = findings_lines(analysis.findings, say.renderer, shown, analysis.roles_total)
    handoffs = [say("handoffs_heading")] + [
        say("handoff_line", number=n, handoff=h) for n, h in enumerate(analysis.handoffs, 1)
    ]
    voices: list[str] = [say("voices_heading")]
    for estimate in analysis.estimates_by_role():
        who = Mrkdwn(
            say("who_all", role=estimate.role, user_ids=estimate.user_ids, named=say.named)
        )
        voices.append(
            say(
                "perception_line",
                who=who,
                days=estimate.low_days,
                high=estimate.high_days,
                ratio=estimate.ratio,
            )
        )
    for heading, quotes in (
        ("craziest_heading", analysis.craziest_steps),
        ("deletions_heading", analysis.deletions),
    ):
        fresh = shown.fresh(merge(quotes))
        if fresh:
            voices.append(say(heading))
            voices.extend(say.said(q) for q in fresh)
    themes: list[str] = [say("themes_heading")]
    for theme in analysis.themes:
        said = merge(theme.quotes)
        fresh = shown.fresh(said[:THEME_QUOTES])
        themes.append(say("theme_heading", title=theme.title, count=len(theme.quotes)))
        themes.extend(say.said(q) for q in fresh)
        rest = [q for q in said if q not in fresh]
        if rest:
            places = dict.fromkeys(q.quote.stage or q.quote.label for q in rest)
            themes.append(
                say("theme_more", count=len(rest), shown=len(fresh), places=", ".join(places))
            )
    gaps = [say("gaps_heading")] + [
        say(
            "gap_line",
            kind=g.kind.value,
            subject=g.subject,
            owner=g.suggested_owner,
            figure=g.figure,
        )
        for g in analysis.gaps
    ]
    parts: list[Part] = [opening, _stages_button(analysis, say)]
    if len(handoffs) > 1:
        parts.append(handoffs)
    if len(voices) > 1:
        parts.append(voices)
    if len(themes) > 1:
        parts.append(themes)
    if len(gaps) > 1:
        parts.append(gaps)
    return parts


def fit_lines(lines: Iterable[str], room: int = SECTION_ROOM) -> str:
    """Join lines into one section's text, shortening any single line that is too long."""
    return "\n".join(shorten(line, room) if len(line) > room else line for line in lines)


def _sections(lines: Sequence[str]) -> list[str]:
    """Lines grouped into section texts of at most SECTION_ROOM characters."""
    texts: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        line = line if len(line) <= SECTION_ROOM else _shorten_block(line)
        if current and used + len(line) + 1 > SECTION_ROOM:
            texts.append("\n".join(current))
            current, used = [], 0
        current.append(line)
        used += len(line) + 1
    if current:
        texts.append("\n".join(current))
    return texts


def _shorten_block(text: str) -> str:
    """A multi-line entry too long for a section: keep whole lines, then cut between words."""
    kept: list[str] = []
    used = 0
    for line in text.splitlines():
        if used + len(line) + 1 > SECTION_ROOM - 2:
            kept.append(shorten(line, max(SECTION_ROOM - used - 2, 20)))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def pack_messages(parts: Sequence[Part], continued: str) -> list[SlackMessage]:
    """Parts laid out as sections and dividers, as few messages as the limits allow."""
    messages: list[SlackMessage] = []
    blocks: list[Block] = []
    for part in parts:
        if blocks:
            blocks.append({"type": "divider"})
        for block in [part] if isinstance(part, dict) else map(section, _sections(part)):
            if len(blocks) >= BLOCKS_PER_MESSAGE:
                messages.append(_message(blocks))
                blocks = [context(continued)]
            blocks.append(block)
    if blocks:
        messages.append(_message(blocks))
    return messages


def _message(blocks: list[Block]) -> SlackMessage:
    first = next((b["text"]["text"] for b in blocks if b["type"] == "section"), "")
    return SlackMessage(text=shorten(first.replace("*", ""), 300), blocks=tuple(blocks))
