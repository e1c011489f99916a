"""What a test participant types to a step or a question: one reply that fills every part
the message asks for (or only those still missing), in words p2p reads back exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.workshop.core.questions import Question, QuestionKind

FIGURES = {
    "process_time": "half a day of work",
    "lead_time": "over 2-3 weeks",
    "rework": "comes back rarely",
    "receive_pca": "usable 90% of the time",
    "lead_time_worst": "worst case about 2 months",
    "handover_returns": "it comes back sometimes",
    "perceived_lead_time": "About a month",
}
# The same figures, as a reply to that part alone.
ALONE = {
    "process_time": "half a day",
    "lead_time": "2-3 weeks",
    "rework": "rarely",
    "receive_pca": "90%",
    "lead_time_worst": "about 2 months",
    "wait_before": "3 days",
    "handover_returns": "sometimes",
    "perceived_lead_time": "about a month",
}
KIND_DEFAULTS = {QuestionKind.DURATION: "2-3 days", QuestionKind.PERCENT: "about 80%"}


def text_for(key: str) -> str:
    return f"Our answer about {key}, in brief."


def reply_for(
    question: Question,
    *,
    missing: Sequence[str] = (),
    texts: Mapping[str, str] | None = None,
) -> str:
    """A typed reply to ``question``: every part it asks (or the ``missing`` ones), the
    text parts as sentences first, then the figures in one sentence. ``texts`` replaces
    the words for text parts by their base key."""
    if not question.is_step:
        base = question.base_key
        if question.kind is QuestionKind.TEXT:
            return (texts or {}).get(base) or text_for(question.key)
        return ALONE.get(base) or KIND_DEFAULTS[question.kind]
    parts = [p for p in question.asked_parts() if not missing or p.key in missing]
    if len(parts) == 1:
        (part,) = parts
        if part.kind is QuestionKind.TEXT:
            return (texts or {}).get(part.base_key) or text_for(part.key)
        return ALONE.get(part.base_key) or KIND_DEFAULTS[part.kind]
    sentences = [
        (texts or {}).get(p.base_key) or text_for(p.key)
        for p in parts
        if p.kind is QuestionKind.TEXT
    ]
    figures = [FIGURES[p.base_key] for p in parts if p.kind.is_figure and p.base_key in FIGURES]
    if figures:
        sentences.append(", ".join(figures) + ".")
    return " ".join(sentences)
