"""Pure Block Kit builders: domain values and rendered words in, Slack JSON out.

Every builder keeps within Slack's limits (50 blocks a message, 3,000 characters a
section, 150 a header), cutting at word boundaries and saying when something was left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.rendering import Mrkdwn, Renderer, shorten
from bot.slack.ids import ActionId, BlockId
from bot.workshop.core.model import Frozen, Workshop
from bot.workshop.core.progress import WorkshopProgress
from bot.workshop.core.questions import Part, QuickAnswers
from bot.workshop.ports import Notice, QuestionPrompt

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FALLBACK_TEXT = 3000
MAX_OPTION_VALUE = 150  # what a menu option carries back; Slack refuses the message above


class SlackMessage(Frozen):
    text: str  # the notification and accessibility fallback
    blocks: tuple[Block, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"text": self.text[:MAX_FALLBACK_TEXT]}
        if self.blocks:
            kwargs["blocks"] = list(self.blocks)
        return kwargs


def section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": fit(text, MAX_SECTION)}}
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": fit(text, MAX_HEADER)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, MAX_SECTION)}]}


def fit(text: str, limit: int) -> str:
    """Keep text within a limit, cutting between words; short text is left alone."""
    if len(text) <= limit:
        return text
    lines: list[str] = []
    used = 0
    for line in text.splitlines():
        if used + len(line) + 1 > limit - 2:
            room = limit - used - 2
            if room > 20:
                lines.append(shorten(line, room))
            break
        lines.append(line)
        used += len(line) + 1
    result = "\n".join(lines)
    return result if result.endswith("…") else result + "\n…"


def notice_text(notice: Notice, renderer: Renderer) -> str:
    """The words for a notice (prompts/messages/notices.j2)."""
    return renderer.message(f"notices.{notice.kind.value}", **notice.context)


def build_text_message(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=(section(text),))


class QuickAnswer(Frozen):
    """What a quick-answer button or menu option carries through Slack and back."""

    interview_id: int
    question_key: str
    text: str
    part: str | None = None  # a menu for one part of a step: the part, without the stage

    @property
    def part_key(self) -> str | None:
        """The part's whole key, the step's stage put back: "Design.process_time". (The
        stage is left out of what a menu carries: Slack allows an option 150 characters.)"""
        if self.part is None or "." in self.part:
            return self.part  # a whole key already, as older messages carry it
        stage, _, _ = self.question_key.rpartition(".")
        return f"{stage}.{self.part}" if stage else self.part


def build_question_message(
    prompt: QuestionPrompt,
    renderer: Renderer,
    quick_answers: QuickAnswers | None = None,
    *,
    answered: str | None = None,
) -> SlackMessage:
    """A step or question in a participant's DM; once ``answered``, without its buttons."""
    question = prompt.question
    question_text = renderer.text(
        question.template.text,
        stage=question.stage or "",
        role=prompt.role,
        upstream_role=prompt.upstream.role if prompt.upstream else "",
    )
    blocks: list[Block] = []
    if prompt.first:
        stages = ", ".join(s.name for s in prompt.workshop.stages_of(_role_key(prompt)))
        blocks.append(
            section(
                renderer.message(
                    "interview.intro",
                    title=prompt.workshop.title,
                    facilitator_id=prompt.workshop.facilitator_id,
                    channel_id=prompt.workshop.channel_id,
                    role=prompt.role,
                    total=prompt.total,
                    minutes=prompt.minutes,
                    stages=stages,
                )
            )
        )
        if prompt.upstream is not None:
            blocks.append(
                section(
                    renderer.message(
                        "interview.upstream", role=prompt.upstream.role, text=prompt.upstream.text
                    ),
                    block_id=BlockId.UPSTREAM,
                )
            )
    if prompt.retry:
        blocks.append(section(renderer.message("interview.retry", kind=question.kind.value)))
    parts = _parts_to_ask(prompt)
    blocks.append(
        section(
            renderer.message(
                "interview.question",
                number=prompt.number,
                total=prompt.total,
                stage=question.stage or "",
                extra=prompt.extra,
                text=Mrkdwn(question_text),
                parts=[(Mrkdwn(p.template.ask), p.template.optional) for p in parts]
                if question.is_step
                else [],
                have=prompt.have if answered is None else "",
            ),
            block_id=BlockId.QUESTION.keyed(question.key),
        )
    )
    if answered is not None:
        blocks.append(context(renderer.message("interview.answered", text=answered)))
    else:
        kinds = sorted({p.kind.value for p in parts})
        examples = renderer.message(
            "interview.examples", kind=question.kind.value, kinds=kinds, figures=_figures(parts)
        )
        if examples:
            blocks.append(context(examples))
        blocks.append(_quick_answer_actions(prompt, parts, renderer, quick_answers))
    fallback = renderer.message(
        "interview.fallback",
        number=prompt.number,
        total=prompt.total,
        stage=question.stage or "",
        extra=prompt.extra,
    )
    return SlackMessage(text=f"{fallback}: {question_text}", blocks=tuple(blocks))


def _parts_to_ask(prompt: QuestionPrompt) -> tuple[Part, ...]:
    parts = prompt.question.asked_parts()
    if prompt.missing:
        return tuple(p for p in parts if p.key in prompt.missing)
    return parts


def _figures(parts: Sequence[Part]) -> list[str]:
    return [p.base_key for p in parts if p.kind.is_figure]


def _quick_answer_actions(
    prompt: QuestionPrompt,
    parts: Sequence[Part],
    renderer: Renderer,
    quick_answers: QuickAnswers | None,
) -> Block:
    def value(text: str, part: str | None = None) -> str:
        return QuickAnswer(
            interview_id=prompt.interview_id,
            question_key=prompt.question.key,
            text=text,
            part=part,
        ).model_dump_json()

    elements: list[Block] = []
    figures = [p for p in parts if p.kind.is_figure]
    for index, part in enumerate(figures):
        options = quick_answers.for_kind(part.kind) if quick_answers else ()
        carried = part.base_key if prompt.question.is_step else None
        values = [value(option, carried) for option in options[:100]]
        if not options or max(map(len, values)) > MAX_OPTION_VALUE:
            continue  # a stage name too long even so: typing and the form still answer
        elements.append(
            {
                "type": "static_select",
                "action_id": ActionId.QUICK_ANSWER_PICK.numbered(index),
                "placeholder": plain(
                    fit(part.template.label, 150)
                    if prompt.question.is_step
                    else renderer.message("interview.pick_placeholder", kind=part.kind.value)
                ),
                "options": [
                    {"text": plain(fit(option, 75)), "value": option_value}
                    for option, option_value in zip(options[:100], values, strict=True)
                ],
            }
        )
    choices = [("interview.dont_know", "don't know"), ("interview.skip", "skip")]
    for index, (label, text) in enumerate(choices):
        if text == "don't know" and not figures:
            continue
        elements.append(
            button(renderer.message(label), ActionId.QUICK_ANSWER.numbered(index), value(text))
        )
    elements.append(
        button(renderer.message("interview.answer_in_form"), ActionId.ANSWER_IN_FORM, value(""))
    )
    if prompt.question.stage and not prompt.extra:
        elements.append(
            button(renderer.message("interview.ask_someone"), ActionId.ASK_SOMEONE, value(""))
        )
    return {"type": "actions", "block_id": BlockId.QUICK_ANSWERS, "elements": elements}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(fit(label, 75)),
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _role_key(prompt: QuestionPrompt) -> str:
    for role in prompt.workshop.roles:
        if role.name == prompt.role:
            return role.key
    return ""


def build_announcement(
    workshop: Workshop, people: dict[str, list[str]], renderer: Renderer
) -> SlackMessage:
    stages = ", ".join(stage.name for stage in workshop.stages)
    intro = renderer.message(
        "channel.announcement",
        title=workshop.title,
        facilitator_id=workshop.facilitator_id,
        roles=len(people),
        stages=stages,
    )
    roles = renderer.message("channel.announcement_roles", roles=list(people.items()))
    return SlackMessage(
        text=renderer.message("channel.announcement_fallback", title=workshop.title),
        blocks=(section(intro), section(roles)),
    )


def build_status_message(summary: WorkshopProgress, renderer: Renderer) -> SlackMessage:
    lines = [
        renderer.message(
            "commands.status_header",
            title=summary.title,
            done=sum(1 for p in summary.progress if p.status.finished),
            total=len(summary.progress),
        )
    ]
    lines.extend(
        renderer.message(
            "commands.status_line",
            role=p.role,
            user_id=p.user_id,
            status=p.status.value,
            answered=p.answered,
            total=p.total,
            paused=p.paused,
            last_activity=p.last_activity.strftime("%a %d %b %H:%M UTC") if p.last_activity else "",
        )
        for p in summary.progress
    )
    text = "\n".join(lines)
    return SlackMessage(text=fit(text, MAX_FALLBACK_TEXT), blocks=(section(text),))
