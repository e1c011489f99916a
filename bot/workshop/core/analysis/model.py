"""The measures of an assembled path (value stream mapping), as plain values.

Computed by bot.workshop.core.analysis.metrics from the stored answers; read by the summary, the
picture and the JSON export. All durations are in working days (8 hours unless the
workshop says otherwise); fractions (flow efficiency, %C&A, rework) are 0..1.

No sentence is kept here: what the analysis remarks on is a code with its values (a
`Note`, a `GapKind`), and the summary's renderers put it into words from
prompts/messages/ (the notes in notes.j2, one macro per `NoteKind`).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.workshop.core.model import Frozen


class Estimate(Frozen):
    """One respondent's figure, kept when respondents disagree."""

    role: str
    user_id: str
    days: float


class Quote(Frozen):
    """Something a participant said, attributed to their role (and person)."""

    role: str | None  # None where it would name the person: "a participant" (see quotes.py)
    user_id: str
    stage: str | None
    label: str  # the question's label, e.g. "What hurts"
    text: str


class NoteKind(StrEnum):
    """What a note on a stage remarks; its words are the macro of that name in notes.j2."""

    PT_OVER_LT = "pt_over_lt"  # hands-on time exceeds elapsed time
    PT_SPREAD = "pt_spread"  # hands-on estimates over 2x apart; context: low, high, hours_per_day


class Note(Frozen):
    """A remark about a stage's figures: its kind, and the values its words need."""

    kind: NoteKind
    context: dict[str, str | int | float] = Field(default_factory=dict)


class StageMetrics(Frozen):
    position: int  # 1-based, in path order
    name: str
    roles: tuple[str, ...]  # names of the roles that own the stage
    process_days: float | None  # hands-on time (PT), typical
    lead_days: float | None  # elapsed time (LT), typical
    wait_days: float | None  # LT - PT, never below 0
    worst_lead_days: float | None
    worst_wait_days: float | None
    pca: float | None  # %C&A of what the stage receives, where a hand-off leads into it
    rework: float | None  # how often work comes back, 0..1
    respondents: int  # people who gave any figure for the stage
    disagreement: tuple[Estimate, ...] = ()  # lead-time estimates more than 2x apart
    notes: tuple[Note, ...] = ()  # e.g. hands-on time exceeds elapsed time
    quotes: tuple[Quote, ...] = ()  # what happens, what hurts, what it waits for


class Handoff(Frozen):
    from_stage: str
    to_stage: str
    from_role: str  # role names joined with " & " when several own a stage
    to_role: str
    wait_days: float | None  # the wait on the receiving side
    pca: float | None  # %C&A as the receiver judges it
    sender_pca: float | None  # usable as sent, as the sender judges it (1 - comes back)
    rework: float | None
    pain_mentions: int
    heat: float  # 0..1, see bot.workshop.core.analysis.heat for the formula
    disputed: bool  # sender and receiver disagree by 25 points or more
    evidence: tuple[Quote, ...] = ()
    unknown: tuple[str, ...] = ()  # heat components not known: "wait", "quality", …


class ThemeKey(StrEnum):
    IDEA_SPONSORSHIP = "idea_sponsorship"
    APPROVALS = "approvals"
    DESIGN_AND_STANDARDS = "design_and_standards"
    TESTING_AND_ENVIRONMENTS = "testing_and_environments"
    HANDOFFS_AND_CONTEXT = "handoffs_and_context"
    RISK_CONTROLS = "risk_controls"
    EXTERNAL_DEPENDENCIES = "external_dependencies"


class Theme(Frozen):
    key: ThemeKey
    title: str
    quotes: tuple[Quote, ...]


class GapKind(StrEnum):
    UNOWNED_STAGE = "unowned_stage"
    UNKNOWN_DURATION = "unknown_duration"
    ONE_SIDED_HANDOFF = "one_sided_handoff"
    UNKNOWN_FIGURE = "unknown_figure"  # a figure the summary shows as "?"; `figure` names it
    DISAGREEMENT = "disagreement"  # elapsed-time estimates more than 2x apart
    MISSING_ROLE = "missing_role"


FACILITATOR = "facilitator"  # the code for "ask the workshop's facilitator"


class Gap(Frozen):
    kind: GapKind
    subject: str  # the stage, hand-off ("Design → Engineer") or role concerned
    suggested_owner: str  # a role name, or FACILITATOR
    figure: str = ""  # UNKNOWN_FIGURE: "process_time", "lead_time" or "pca"


class Perception(Frozen):
    role: str
    user_id: str
    days: float  # their estimate of idea to production
    ratio: float | None  # their estimate ÷ the assembled lead time


class Finding(Frozen):
    """One thing the path shows, with what backs it."""

    key: str  # the rule; its words are the macro of that name in findings.j2
    place: str  # the stage (for a hand-off, the stage it leads into) or the role
    strength: float
    figures: dict[str, str | float | None]  # what the words need: stage, wait, pca, …
    people: int  # how many people gave the figures or the complaints behind it
    quote: Quote | None = None  # the one that shows it best, quoted by no other finding
    quotes: tuple[Quote, ...] = ()  # while choosing: the candidates, best first
    experiment: str  # Jinja text from the rule, rendered with `figures`


class RoleEstimate(Frozen):
    """What the people of one role think idea to production takes: one line a role."""

    role: str
    user_ids: tuple[str, ...]
    low_days: float
    high_days: float
    ratio: float | None  # the middle of their range ÷ the assembled lead time


class PathAnalysis(Frozen):
    workshop_id: int
    title: str
    hours_per_day: float = 8
    stages: tuple[StageMetrics, ...]
    handoffs: tuple[Handoff, ...]  # hottest first
    lead_days: float | None  # Σ LT over stages with a figure
    process_days: float | None  # Σ PT
    flow_efficiency: float | None  # Σ PT ÷ Σ LT
    rolled_pca: float | None  # product of the hand-offs' %C&A
    longest_wait: StageMetrics | None
    perceptions: tuple[Perception, ...]
    themes: tuple[Theme, ...]  # most supported first
    gaps: tuple[Gap, ...]
    craziest_steps: tuple[Quote, ...]
    deletions: tuple[Quote, ...]  # "the one wait or approval I would delete"
    roles_answered: int
    roles_total: int
    findings: tuple[Finding, ...] = ()  # the strongest first, see analysis.findings

    def estimates_by_role(self) -> tuple[RoleEstimate, ...]:
        """The perceptions, one per role in their order, as a range when several people
        hold the role."""
        roles: dict[str, list[Perception]] = {}
        for perception in self.perceptions:
            roles.setdefault(perception.role, []).append(perception)
        estimates = []
        for role, said in roles.items():
            low, high = min(p.days for p in said), max(p.days for p in said)
            middle = (low + high) / 2
            ratio = middle / self.lead_days if self.lead_days else None
            estimates.append(
                RoleEstimate(
                    role=role,
                    user_ids=tuple(p.user_id for p in said),
                    low_days=low,
                    high_days=high,
                    ratio=ratio,
                )
            )
        return tuple(estimates)
