"""A typed reply changed after it was stored: the person edited or deleted their message in
Slack. Pure.

Each DM reply stored as an answer is kept as an `AnswerReply`: its message ts, its text,
and the parts it filled. A step's answer may come from several replies ("2 days of work
over 3 weeks", then "comes back rarely"), from menus and from the form too. So:

- Editing a reply re-reads the edited text for the parts that reply filled, and only
  those, as a fresh typed reply to the step would be read if the step wanted just them
  (`read_reply`; a single question is read by its kind, `interpret_text`); the parts the
  other replies, the menus or the form gave stay as they are. `skip` skips those parts
  (the whole step when no other part is held, as a first reply of `skip` would). The edit
  is taken only when it still answers every part it answered that is not optional: an
  edit that no longer reads as an answer to them is refused and the answer kept. So an
  edit never changes which parts a step holds (except optional ones it no longer names),
  and a finished step stays finished.
- Deleting a reply withdraws what it filled: the step keeps what other replies gave and
  asks again for the rest; an answer left with nothing is removed.
- A reply no longer stands for its answer once somebody replaced the answer as a whole
  (a colleague answering a question handed on to them): changing it changes nothing.

The stored raw text of a step joins its replies, one per line; the edited reply's text
is replaced there (or taken out), wherever it stands as whole lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.workshop.core.model import Answer, Frozen
from bot.workshop.core.questions import Question
from bot.workshop.core.replies import read_reply
from bot.workshop.core.steps import (
    SKIPPED,
    interpret_step,
    is_done,
    is_skip,
    step_parsed,
    step_parts,
)


class AnswerReply(Frozen):
    """One DM message that was stored as (part of) an answer."""

    interview_id: int
    question_key: str
    message_ts: str
    text: str  # as stored in the answer's raw text
    parts: tuple[str, ...]  # the part keys it filled; the question's own key for all of it

    def is_whole(self, question: Question) -> bool:
        """The reply answered the question (or the whole step at once, e.g. `skip`)."""
        return self.parts == (question.key,)


def filled_by(question: Question, before: Answer | None, after: Answer) -> tuple[str, ...]:
    """The parts a reply filled: what the answer holds after it that it did not before."""
    parts = step_parts(after)
    if not question.is_step or not parts:
        return (question.key,)
    had = step_parts(before)
    return tuple(key for key in parts if key not in had)


def stands_for(question: Question, answer: Answer, reply: AnswerReply) -> bool:
    """Whether the answer still holds what the reply gave it."""
    parsed = answer.parsed or {}
    if answer.answered_by or parsed.get("delegated_to"):
        return False
    if reply.is_whole(question):
        return not (question.is_step and step_parts(answer))
    held = step_parts(answer)
    return bool(reply.parts) and all(key in held for key in reply.parts)


def edited_answer(
    question: Question, answer: Answer, reply: AnswerReply, text: str, now: datetime
) -> Answer | None:
    """The answer with the reply read again from its edited text; None when the edit no
    longer answers what the reply answered (the answer is then kept as it was)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if reply.is_whole(question):
        reading = interpret_step(question, cleaned, None)
        if not reading.accepted:
            return None
        whole = answer.model_copy(
            update={"raw_text": cleaned, "parsed": reading.parsed, "answered_at": now}
        )
        return whole if is_done(question, whole) else None
    given = _reread_parts(question, reply, cleaned)
    if given is None:
        return None
    kept = {k: v for k, v in step_parts(answer).items() if k not in reply.parts}
    parts: dict[str, dict[str, Any]] = {}
    for key, value in step_parts(answer).items():
        if key in given:
            parts[key] = given[key]
        elif key in kept:
            parts[key] = value
    parsed = dict(SKIPPED) if not kept and is_skip(cleaned) else step_parsed(parts)
    raw = replace_lines(answer.raw_text, reply.text, cleaned)
    return answer.model_copy(
        update={
            "raw_text": answer.raw_text if raw is None else raw,
            "parsed": parsed,
            "answered_at": now,
        }
    )


def _reread_parts(
    question: Question, reply: AnswerReply, cleaned: str
) -> dict[str, dict[str, Any]] | None:
    wanted = [p for p in question.answer_parts() if p.key in reply.parts]
    required = [p for p in wanted if not p.template.optional]
    if is_skip(cleaned):
        return {p.key: {"text": cleaned, "parsed": dict(SKIPPED)} for p in required}
    found = read_reply(cleaned, wanted)
    if any(p.key not in found for p in required):
        return None
    return {key: {"text": r.text, "parsed": r.parsed} for key, r in found.items()}


def withdrawn_answer(question: Question, answer: Answer, reply: AnswerReply) -> Answer | None:
    """The answer without what the reply gave; None when nothing else is left of it."""
    if reply.is_whole(question):
        return None
    parts = {k: v for k, v in step_parts(answer).items() if k not in reply.parts}
    if not parts:
        return None
    raw = replace_lines(answer.raw_text, reply.text, "")
    return answer.model_copy(
        update={"raw_text": answer.raw_text if raw is None else raw, "parsed": step_parsed(parts)}
    )


def replace_lines(raw_text: str, old: str, new: str) -> str | None:
    """``raw_text`` with the lines that say ``old`` replaced by ``new`` (taken out when
    ``new`` is empty); None when ``old`` is not there as whole lines."""
    padded, target = f"\n{raw_text}\n", f"\n{old}\n"
    at = padded.find(target)
    if not old or at < 0:
        return None
    middle = f"\n{new}\n" if new else "\n"
    return (padded[:at] + middle + padded[at + len(target) :])[1:-1]
