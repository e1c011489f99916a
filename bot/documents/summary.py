"""The summary as a JSON document (`p2p summary --format json`), with a JSON Schema in
bot/documents/schemas/summary.schema.json, and as Markdown. Pure: built from a PathAnalysis.

Figures and codes (a gap's kind, a theme's key) are kept as they are; the words (the unit,
the notes on a stage) come from prompts/messages/, rendered as plain text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field

from bot.documents.findings import finding_words
from bot.rendering import Renderer
from bot.workshop.core.analysis.model import PathAnalysis, Quote
from bot.workshop.core.model import Frozen

SCHEMA_PATH = Path(__file__).parent / "schemas" / "summary.schema.json"


class QuoteOut(Frozen):
    role: str | None = Field(
        description="The speaker's role; null where it would name them: anonymous quotes "
        "from a role one person holds (shown as 'a participant')."
    )
    user_id: str | None = None  # only when the workshop quotes people by name
    stage: str | None = None
    label: str
    text: str


class Metrics(Frozen):
    lead_time_days: float | None
    process_time_days: float | None
    flow_efficiency: float | None = Field(default=None, ge=0, le=1)
    rolled_pca: float | None = Field(default=None, ge=0, le=1)
    roles_answered: int
    roles_total: int


class StageOut(Frozen):
    position: int
    name: str
    roles: tuple[str, ...]
    lead_time_days: float | None
    process_time_days: float | None
    wait_days: float | None
    worst_lead_time_days: float | None
    pca: float | None = Field(default=None, ge=0, le=1)
    rework: float | None = Field(default=None, ge=0, le=1)
    respondents: int
    disagreement: dict[str, float] = Field(default_factory=dict)  # who → lead days
    notes: tuple[str, ...] = ()


class HandoffOut(Frozen):
    from_stage: str
    to_stage: str
    from_role: str
    to_role: str
    wait_days: float | None
    pca: float | None = Field(default=None, ge=0, le=1)
    sender_pca: float | None = Field(default=None, ge=0, le=1)
    rework: float | None = Field(default=None, ge=0, le=1)
    heat: float = Field(ge=0, le=1)
    disputed: bool
    evidence: tuple[QuoteOut, ...]
    unknown: tuple[str, ...] = Field(
        default=(), description="Heat components not known: wait, quality, rework, pain."
    )


class ThemeOut(Frozen):
    key: str
    title: str
    quotes: tuple[QuoteOut, ...]


class GapOut(Frozen):
    kind: str
    subject: str
    suggested_owner: str
    figure: str = ""


class PerceptionOut(Frozen):
    role: str
    user_id: str | None = None
    estimate_days: float
    ratio_to_lead_time: float | None


class FindingOut(Frozen):
    key: str = Field(description="The rule of prompts/questions/findings.toml it comes from.")
    place: str = Field(description="The stage (or the hand-off into it), role or theme.")
    text: str
    people: int
    quote: QuoteOut | None
    experiment: str


class SummaryDocument(Frozen):
    format: Literal["p2p.summary"] = "p2p.summary"
    version: Literal[1] = 1
    title: str
    unit: str
    metrics: Metrics
    stages: tuple[StageOut, ...]
    handoffs: tuple[HandoffOut, ...]  # hottest first
    themes: tuple[ThemeOut, ...]
    gaps: tuple[GapOut, ...]
    perception_gap: tuple[PerceptionOut, ...]
    craziest_steps: tuple[QuoteOut, ...]
    deletions: tuple[QuoteOut, ...]
    findings: tuple[FindingOut, ...] = Field(default=(), description="What we learned.")


def _rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def build_summary_document(
    analysis: PathAnalysis, *, named: bool, renderer: Renderer | None = None
) -> SummaryDocument:
    """``renderer``, for the words, should be a plain-text one (the default)."""
    words = renderer or Renderer(for_slack=False)

    def quote(q: Quote) -> QuoteOut:
        return QuoteOut(
            role=q.role, user_id=q.user_id if named else None, stage=q.stage, label=q.label,
            text=q.text,
        )  # fmt: skip

    def who(role: str, user_id: str) -> str:
        return f"{role} ({user_id})" if named else role

    findings = tuple(
        FindingOut(
            key=f.key, place=f.place, text=said.sentence, people=f.people,
            quote=quote(f.quote) if f.quote is not None else None, experiment=said.experiment,
        )
        for f in analysis.findings
        if (said := finding_words(f, words, analysis.roles_total))
    )  # fmt: skip
    return SummaryDocument(
        findings=findings,
        title=analysis.title,
        unit=words.message("summary_json.unit", hours=analysis.hours_per_day),
        metrics=Metrics(
            lead_time_days=_rounded(analysis.lead_days),
            process_time_days=_rounded(analysis.process_days),
            flow_efficiency=_rounded(analysis.flow_efficiency, 4),
            rolled_pca=_rounded(analysis.rolled_pca, 4),
            roles_answered=analysis.roles_answered,
            roles_total=analysis.roles_total,
        ),
        stages=tuple(
            StageOut(
                position=s.position,
                name=s.name,
                roles=s.roles,
                lead_time_days=_rounded(s.lead_days),
                process_time_days=_rounded(s.process_days),
                wait_days=_rounded(s.wait_days),
                worst_lead_time_days=_rounded(s.worst_lead_days),
                pca=_rounded(s.pca, 4),
                rework=_rounded(s.rework, 4),
                respondents=s.respondents,
                disagreement={
                    f"{who(e.role, e.user_id)} #{n}": round(e.days, 2)
                    for n, e in enumerate(s.disagreement, start=1)
                },
                notes=tuple(str(words.note(note)) for note in s.notes),
            )
            for s in analysis.stages
        ),
        handoffs=tuple(
            HandoffOut(
                from_stage=h.from_stage,
                to_stage=h.to_stage,
                from_role=h.from_role,
                to_role=h.to_role,
                wait_days=_rounded(h.wait_days),
                pca=_rounded(h.pca, 4),
                sender_pca=_rounded(h.sender_pca, 4),
                rework=_rounded(h.rework, 4),
                heat=round(h.heat, 4),
                disputed=h.disputed,
                evidence=tuple(quote(q) for q in h.evidence),
                unknown=h.unknown,
            )
            for h in analysis.handoffs
        ),
        themes=tuple(
            ThemeOut(key=t.key.value, title=t.title, quotes=tuple(quote(q) for q in t.quotes))
            for t in analysis.themes
        ),
        gaps=tuple(
            GapOut(
                kind=g.kind.value,
                subject=g.subject,
                suggested_owner=g.suggested_owner,
                figure=g.figure,
            )
            for g in analysis.gaps
        ),
        perception_gap=tuple(
            PerceptionOut(
                role=p.role,
                user_id=p.user_id if named else None,
                estimate_days=round(p.days, 2),
                ratio_to_lead_time=_rounded(p.ratio, 3),
            )
            for p in analysis.perceptions
        ),
        craziest_steps=tuple(quote(q) for q in analysis.craziest_steps),
        deletions=tuple(quote(q) for q in analysis.deletions),
    )


def render_summary_json(document: SummaryDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def summary_schema_text() -> str:
    schema = SummaryDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def render_summary_markdown(analysis: PathAnalysis, renderer: Renderer, *, named: bool) -> str:
    """``renderer`` should be a plain-text one (``Renderer(for_slack=False)``)."""
    findings = [finding_words(f, renderer, analysis.roles_total) for f in analysis.findings]
    return (
        renderer.message("summary_md.document", a=analysis, named=named, findings=findings) + "\n"
    )
