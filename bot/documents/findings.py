"""A finding in words (prompts/messages/findings.j2), for the Slack thread and for the
Markdown document alike."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rendering import Mrkdwn, Renderer
from bot.workshop.core.analysis.model import Finding, Quote
from bot.workshop.core.analysis.quotes import Shown, merge


@dataclass(frozen=True)
class FindingWords:
    sentence: str  # what the path shows, with its figures
    people: str  # "3 people said so"
    quote: Quote | None
    experiment: str  # the question for the team


def finding_words(finding: Finding, renderer: Renderer, everyone: int = 0) -> FindingWords:
    """`everyone` is how many people were asked: "2 of 8 people said so"."""
    figures = dict(finding.figures)
    return FindingWords(
        sentence=renderer.message(f"findings.{finding.key}", **figures),
        people=renderer.message("findings.people", count=finding.people, everyone=everyone),
        quote=finding.quote,
        experiment=renderer.text(finding.experiment, **figures),
    )


def findings_lines(
    findings: tuple[Finding, ...],
    renderer: Renderer,
    shown: Shown | None = None,
    everyone: int = 0,
) -> list[str]:
    """The thread's opening part: a heading, then each finding, its quote and its try;
    the quotes are marked as `shown`, so that the rest of the thread does not repeat them."""
    lines = [renderer.message("findings.heading")]
    if not findings:
        return [*lines, renderer.message("findings.nothing_yet")]
    for number, finding in enumerate(findings, start=1):
        words = finding_words(finding, renderer, everyone)
        entry = [
            renderer.message(
                "findings.line",
                number=number,
                sentence=Mrkdwn(words.sentence),
                people=words.people,
            )
        ]
        if words.quote is not None and shown is not None:
            shown.fresh(merge([words.quote]))
        if words.quote is not None:
            who = renderer.message(
                "summary.who", role=words.quote.role, user_id=words.quote.user_id, named=False
            )
            entry.append(
                renderer.message("summary.evidence", text=words.quote.text, who=Mrkdwn(who))
            )
        entry.append(renderer.message("findings.try", experiment=Mrkdwn(words.experiment)))
        lines.append("\n".join(entry))
    return lines
