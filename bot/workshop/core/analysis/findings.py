"""Findings: what a facilitator would say first, from rules kept as data. Pure.

The rules are in prompts/questions/findings.toml (beside the theme book); loading
validates them. Each rule looks at one measure of the analysed path and holds where the
measure passes its threshold; its strength is how far the measure is towards `full_at`
(0..1) times the rule's weight. One finding a place (a stage, and the hand-off into it
count as one place): the strongest. Then the strongest `max_findings`, strongest first.

A finding carries its figures, how many people gave them, the quote that shows it best
(the hand-off's first piece of evidence, else what the stage waits for or what hurts
there), and the experiment: the rule's, or a better one where the stage's quotes fall
in a theme the rule names. Its words are in prompts/messages/findings.j2.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from bot.workshop.core.analysis.model import (
    Finding,
    Handoff,
    Perception,
    Quote,
    StageMetrics,
    Theme,
    ThemeKey,
)
from bot.workshop.core.analysis.quotes import wording
from bot.workshop.core.model import Frozen
from bot.workshop.core.questions import QuestionBankError
from prompts import QUESTIONS_DIR

Measure = Literal["wait", "pca", "rework", "dispute", "perception", "theme", "disagreement"]
# The labels of the quotes that show a finding best, by measure, in order of preference.
QUOTE_LABELS: dict[str, tuple[str, ...]] = {
    "wait": ("Waiting for", "The approval", "Requests to other teams", "What hurts"),
    "rework": ("Why it comes back", "What hurts", "Usually missing"),
    "pca": ("Usually missing", "What hurts"),
    "dispute": ("Usually missing", "What hurts"),
}


class FindingRule(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    measure: Measure
    at_least: float | None = None
    at_most: float | None = None
    full_at: float
    weight: float = Field(gt=0, le=1)
    experiment: str = Field(min_length=1, max_length=300)
    by_theme: dict[ThemeKey, str] = Field(default_factory=dict)
    themes: tuple[ThemeKey, ...] = ()  # measure "theme": the themes it looks at

    def holds(self, value: float) -> bool:
        if self.at_least is not None and value < self.at_least:
            return False
        return self.at_most is None or value <= self.at_most

    def strength(self, value: float) -> float:
        start = self.at_least if self.at_least is not None else self.at_most
        assert start is not None
        span = self.full_at - start
        share = 1.0 if span == 0 else (value - start) / span
        return self.weight * (0.5 + 0.5 * min(max(share, 0.0), 1.0))


class FindingBook(Frozen):
    max_findings: int = Field(default=5, ge=1, le=10)
    rule: tuple[FindingRule, ...] = Field(min_length=1)


def _theme_of(place: str, themes: Sequence[Theme], rule: FindingRule) -> str:
    """The rule's experiment for the theme most of the place's quotes fall in, if any; on
    a tie, the theme most particular to the place (the larger share of its mentions)."""
    counts = {
        theme.key: (here := sum(q.stage == place for q in theme.quotes), here / len(theme.quotes))
        for theme in themes
        if theme.key in rule.by_theme and theme.quotes
    }
    best = max(counts, key=lambda key: counts[key], default=None)
    return rule.by_theme[best] if best is not None and counts[best][0] else rule.experiment


def _candidates(measure: str, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    labels = QUOTE_LABELS.get(measure, ())
    return tuple(q for label in labels for q in quotes if q.label == label)


def _stage_findings(
    rule: FindingRule, stages: Sequence[StageMetrics], themes: Sequence[Theme]
) -> list[Finding]:
    found = []
    for s in stages:
        value = s.wait_days if rule.measure == "wait" else s.rework
        if value is None or not rule.holds(value):
            continue
        found.append(
            Finding(
                key=rule.key, place=s.name, strength=rule.strength(value),
                figures={"stage": s.name, "wait": s.wait_days, "process": s.process_days,
                         "lead": s.lead_days, "rework": s.rework, "roles": ", ".join(s.roles)},
                people=s.respondents, quotes=_candidates(rule.measure, s.quotes),
                experiment=_theme_of(s.name, themes, rule),
            )
        )  # fmt: skip
    return found


def _handoff_findings(
    rule: FindingRule, handoffs: Sequence[Handoff], stages: Sequence[StageMetrics]
) -> list[Finding]:
    found = []
    respondents = {s.name: s.respondents for s in stages}
    for h in handoffs:
        if rule.measure == "pca":
            value = h.pca
        elif h.pca is None or h.sender_pca is None:
            value = None
        else:
            value = abs(h.pca - h.sender_pca)
        if value is None or not rule.holds(value):
            continue
        people = len({q.user_id for q in h.evidence}) or respondents.get(h.to_stage, 0)
        found.append(
            Finding(
                key=rule.key, place=h.to_stage, strength=rule.strength(value),
                figures={"from_stage": h.from_stage, "stage": h.to_stage, "pca": h.pca,
                         "sender_pca": h.sender_pca, "rework": h.rework,
                         "from_role": h.from_role, "to_role": h.to_role},
                people=people,
                quotes=_candidates(rule.measure, h.evidence) + tuple(h.evidence),
                experiment=rule.experiment,
            )
        )  # fmt: skip
    return found


def _perception_findings(
    rule: FindingRule, perceptions: Sequence[Perception], lead: float | None
) -> list[Finding]:
    by_role: dict[str, list[Perception]] = {}
    for p in perceptions:
        if p.ratio is not None:
            by_role.setdefault(p.role, []).append(p)
    found = []
    for role, said in by_role.items():
        ratio = sorted(p.ratio or 0 for p in said)[len(said) // 2]
        if not rule.holds(ratio):
            continue
        found.append(
            Finding(
                key=rule.key, place=role, strength=rule.strength(ratio),
                figures={"role": role, "days": sorted(p.days for p in said)[len(said) // 2],
                         "lead": lead, "ratio": ratio},
                people=len(said), experiment=rule.experiment,
            )
        )  # fmt: skip
    return found


def _theme_findings(rule: FindingRule, themes: Sequence[Theme]) -> list[Finding]:
    found = []
    for theme in themes:
        people = len({q.user_id for q in theme.quotes})
        if theme.key not in rule.themes or not rule.holds(people):
            continue
        roles = list(dict.fromkeys(q.role for q in theme.quotes if q.role is not None))
        shown = {q.user_id for q in theme.quotes if q.role is not None}
        unnamed = len({q.user_id for q in theme.quotes} - shown)
        found.append(
            Finding(
                key=rule.key, place=f"theme:{theme.key.value}", strength=rule.strength(people),
                figures={"theme": theme.title, "people": people, "roles": ", ".join(roles),
                         "unnamed": unnamed},
                people=people, quotes=tuple(theme.quotes),
                experiment=rule.by_theme.get(theme.key, rule.experiment),
            )
        )  # fmt: skip
    return found


def _disagreement_findings(rule: FindingRule, stages: Sequence[StageMetrics]) -> list[Finding]:
    found = []
    for s in stages:
        days = [e.days for e in s.disagreement if e.days > 0]
        if len(days) < 2 or not rule.holds(max(days) / min(days)):
            continue
        found.append(
            Finding(
                key=rule.key, place=s.name, strength=rule.strength(max(days) / min(days)),
                figures={"stage": s.name, "low": min(days), "high": max(days),
                         "roles": ", ".join(s.roles)},
                people=len(s.disagreement), experiment=rule.experiment,
            )
        )  # fmt: skip
    return found


def find(
    book: FindingBook,
    stages: Sequence[StageMetrics],
    handoffs: Sequence[Handoff],
    perceptions: Sequence[Perception],
    themes: Sequence[Theme],
    lead_days: float | None,
) -> tuple[Finding, ...]:
    """The strongest findings, one a place, by the rules in this module's docstring."""
    candidates: list[Finding] = []
    for rule in book.rule:
        if rule.measure in ("wait", "rework"):
            candidates += _stage_findings(rule, stages, themes)
        elif rule.measure in ("pca", "dispute"):
            candidates += _handoff_findings(rule, handoffs, stages)
        elif rule.measure == "theme":
            candidates += _theme_findings(rule, themes)
        elif rule.measure == "disagreement":
            candidates += _disagreement_findings(rule, stages)
        else:
            candidates += _perception_findings(rule, perceptions, lead_days)
    best: dict[str, Finding] = {}
    for finding in sorted(candidates, key=lambda f: -f.strength):
        best.setdefault(finding.place, finding)
    chosen = sorted(best.values(), key=lambda f: -f.strength)[: book.max_findings]
    quoted: set[str] = set()
    kept = []
    for finding in chosen:  # each finding its own quote: the best not quoted already
        quote = next((q for q in finding.quotes if wording(q.text) not in quoted), None)
        if quote is not None:
            quoted.add(wording(quote.text))
        kept.append(finding.model_copy(update={"quote": quote, "quotes": ()}))
    return tuple(kept)


@lru_cache(maxsize=4)
def load_finding_book(path: Path = QUESTIONS_DIR / "findings.toml") -> FindingBook:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise QuestionBankError(f"{path} is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionBankError(f"{path}: {error}") from None
    try:
        return FindingBook.model_validate(data)
    except ValidationError as error:
        raise QuestionBankError(f"{path}: {error}") from None
