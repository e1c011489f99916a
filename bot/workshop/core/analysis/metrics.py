"""Value-stream measures of an assembled path, from the stored answers. Pure, no I/O.

Process time (PT, hands-on), lead time (LT, elapsed, waiting included), percent complete
and accurate (%C&A) and the activity ratio (flow efficiency), after Martin & Osterling,
*Value Stream Mapping* (2013); output types in bot.workshop.core.analysis.model. The rules:

Answers: read and placed on the path by the rules in bot.workshop.core.analysis.answers.

Stages
- PT, LT, worst LT and rework (0..1): the median over everyone who answered
  `<Stage>.process_time`, `.lead_time`, `.lead_time_worst`, `.rework`. `respondents`:
  the people who gave any of the four.
- LT estimates more than 2× apart (largest > 2 × smallest): each respondent's LT is kept
  in `disagreement`; PT estimates likewise: a `PT_SPREAD` note gives their range (`low`,
  `high`, working days). Medians still count.
- wait = max(LT − PT, 0), worst wait = max(worst LT − PT, 0), where both are known;
  PT > LT adds a `PT_OVER_LT` note (hands-on time exceeds elapsed time). Notes are codes;
  their words are in prompts/messages/notes.j2.
- `quotes`: what happens, what hurts, what it waits for.

Hand-offs
- One at every boundary between consecutive owned stages whose owning roles differ;
  stages owned by nobody are skipped over (and are gaps).
- Roles *taking over* own the receiving stage and not the sending one; roles *letting go*
  the reverse. A role's receiving answers (receive_pca, receive_confirm, pca_missing)
  apply at every hand-off where it takes over, its hand-over answers (handover,
  handover_returns) where it lets go. So Design (product, engineering) → Engineer
  (engineering) has no receiver's %C&A, and Deploy → Release (+ product) no sender's.
- pca (and the receiving stage's `pca`): median receive_pca the roles taking over (else,
  where none does, the receiving owners) gave there, or for their whole part (imports);
  sender_pca: 1 − median handover_returns of the roles letting go; `disputed` when both
  are known and 0.25 or more apart. wait_days, rework: the receiving stage's.
- pain_mentions: the complaints (bot.workshop.core.analysis.themes) of pain, waiting_for, rework_why
  and gates at the receiving stage by its owners, and of pca_missing and receive_confirm
  by the roles taking over. `evidence`: up to 5 of them, one per wording, those touching
  the most themes first, then the longest, then path order.

Heat (0..1) and the order of the hand-offs, hottest first: bot.workshop.core.analysis.heat.

Totals
- lead_days = Σ LT, process_days = Σ PT, over the stages with the figure (None if none).
- flow_efficiency = Σ PT ÷ Σ LT over the stages with both, a stage's PT counting at most
  its LT (None when no stage has both, or Σ LT is 0).
- rolled_pca: the product of the hand-offs' known %C&A (90%, 95%, 85% → 72.7%).
- longest_wait: the stage waiting longest, the earliest on a tie; None if none waits.
- perceptions: each perceived_lead_time in working days and its ratio to lead_days; the
  "management" role first, then path order. craziest_steps, deletions: craziest_step and
  delete_one, in path order.
- themes: every complaint to pain, waiting_for, gates, approval_details,
  environment_details, request_details, craziest_step, delete_one, pca_missing or
  rework_why, in every theme whose keywords it contains (never guessed from its stage);
  themes with quotes only, most first, ties in the book's order.
- gaps, by kind then path order: stages nobody owns (ask the facilitator: FACILITATOR);
  owned stages with neither PT nor LT (their owners); every other figure the summary
  shows as "?": a stage's PT or LT (its owners), a hand-off's %C&A (the roles taking
  over, else the receiving owners); stages whose LT estimates disagree (their owners);
  hand-offs one side described (where roles both let go and take over: one letting go
  answered handover and none taking over answered receive_pca or receive_confirm, or the
  reverse; ask the silent side); roles with no interview done (the role).
- roles_total: the interviews; roles_answered: those done.
- Quotes carry their person and, unless it would name them (anonymous quotes, a role one
  person holds: bot.workshop.core.analysis.quotes), their role; the renderer shows the
  person only when the workshop's quotes are named. Estimates and perceptions, given per
  role on purpose, always name the role.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from bot.workshop.core.analysis.answers import Boundary, PathAnswers, Said, median_of
from bot.workshop.core.analysis.findings import FindingBook, find, load_finding_book
from bot.workshop.core.analysis.heat import HEAT_WEIGHTS, rank_by_heat
from bot.workshop.core.analysis.model import (
    FACILITATOR,
    Estimate,
    Gap,
    GapKind,
    Handoff,
    Note,
    NoteKind,
    PathAnalysis,
    Perception,
    StageMetrics,
)
from bot.workshop.core.analysis.themes import ThemeBook, load_theme_book
from bot.workshop.core.model import Answer, Interview, InterviewStatus, Stage, Workshop
from bot.workshop.core.questions import QuestionBank

__all__ = ["HEAT_WEIGHTS", "NOTE_PT_OVER_LT", "ThemeBook", "analyse_path", "load_theme_book"]

DISAGREEMENT_FACTOR = 2.0
DISPUTE_GAP = 0.25
MAX_EVIDENCE = 5
NOTE_PT_OVER_LT = Note(kind=NoteKind.PT_OVER_LT)

STAGE_QUOTES = ("what_happens", "pain", "waiting_for")
THEMED = frozenset(
    {"pain", "waiting_for", "gates", "approval_details", "environment_details",
     "request_details", "craziest_step", "delete_one", "pca_missing", "rework_why"}
)  # fmt: skip
HANDOFF_STAGE_PAIN = frozenset({"pain", "waiting_for", "rework_why", "gates", "pca_missing"})
HANDOFF_ROLE_PAIN = frozenset({"pca_missing", "receive_confirm"})
RECEIVING = frozenset({"receive_pca", "receive_confirm", "pca_missing"})


def _spread(values: Sequence[float]) -> bool:
    return len(values) > 1 and max(values) > DISAGREEMENT_FACTOR * min(values)


class _Measures(PathAnswers):
    """The measures of the stages, hand-offs and gaps, over the placed answers."""

    def stage(self, position: int, stage: Stage, pca: float | None) -> StageMetrics:
        here = [s for s in self.said if s.quote.stage == stage.name]

        def figures(base: str) -> list[tuple[Said, float]]:
            found = [(s, s.fraction() if base == "rework" else s.days(self.hours_per_day))
                     for s in here if s.base == base]  # fmt: skip
            return [(s, value) for s, value in found if value is not None]

        pt, lt, worst, rework = map(
            figures, ("process_time", "lead_time", "lead_time_worst", "rework")
        )
        process, lead = median_of(v for _, v in pt), median_of(v for _, v in lt)
        worst_lead = median_of(v for _, v in worst)
        notes = (
            [NOTE_PT_OVER_LT] if process is not None and lead is not None and process > lead else []
        )
        if _spread([v for _, v in pt]):
            low, high = min(v for _, v in pt), max(v for _, v in pt)
            notes.append(
                Note(
                    kind=NoteKind.PT_SPREAD,
                    context={"low": low, "high": high, "hours_per_day": self.hours_per_day},
                )
            )
        quotes = sorted(
            (s for s in here if s.base in STAGE_QUOTES),
            key=lambda s: (STAGE_QUOTES.index(s.base), s.rank),
        )
        return StageMetrics(
            position=position,
            name=stage.name,
            roles=tuple(self.names.get(key, key) for key in stage.roles),
            process_days=process,
            lead_days=lead,
            wait_days=None if process is None or lead is None else max(lead - process, 0.0),
            worst_lead_days=worst_lead,
            worst_wait_days=(
                None if process is None or worst_lead is None else max(worst_lead - process, 0.0)
            ),
            pca=pca,
            rework=median_of(v for _, v in rework),
            respondents=len({s.quote.user_id for s, _ in [*pt, *lt, *worst, *rework]}),
            disagreement=tuple(
                Estimate(role=self.joined([s.role_key]), user_id=s.quote.user_id, days=v)
                for s, v in lt
            )
            if _spread([v for _, v in lt])
            else (),
            notes=tuple(notes),
            quotes=tuple(s.quote for s in quotes),
        )

    def handoff(
        self, b: Boundary, receiving: StageMetrics, themes: ThemeBook
    ) -> tuple[Handoff, bool]:
        """The hand-off with heat 0, and whether the receiving side said anything at all."""
        returns = self.median(b.letting_go, "handover_returns")
        sender_pca = None if returns is None else 1 - returns
        pain = [
            s
            for s in self.said
            if b.from_receivers(s, HANDOFF_ROLE_PAIN, HANDOFF_STAGE_PAIN) and s.complains()
        ]
        distinct = {s.quote.text.casefold(): s for s in reversed(pain)}.values()
        evidence = sorted(
            distinct,
            key=lambda s: (-len(themes.matching(s.quote.text)), -len(s.quote.text.split()), s.rank),
        )
        pca = receiving.pca
        heard = any(b.from_receivers(s, RECEIVING) for s in self.said)
        return Handoff(
            from_stage=b.sender.name,
            to_stage=b.receiver.name,
            from_role=self.joined(b.sender.roles),
            to_role=self.joined(b.receiver.roles),
            wait_days=receiving.wait_days,
            pca=pca,
            sender_pca=sender_pca,
            rework=receiving.rework,
            pain_mentions=len(pain),
            heat=0.0,
            disputed=(
                pca is not None
                and sender_pca is not None
                and abs(pca - sender_pca) >= DISPUTE_GAP - 1e-9
            ),
            evidence=tuple(s.quote for s in evidence[:MAX_EVIDENCE]),
        ), heard

    def gaps(self, stages: Sequence[StageMetrics], boundaries: Sequence[Boundary]) -> list[Gap]:
        gaps = [
            Gap(kind=GapKind.UNOWNED_STAGE, subject=stage.name, suggested_owner=FACILITATOR)
            for stage in stages
            if not stage.roles
        ]
        gaps += [
            Gap(kind=GapKind.UNKNOWN_DURATION, subject=s.name, suggested_owner=" & ".join(s.roles))
            for s in stages
            if s.roles and s.process_days is None and s.lead_days is None
        ]
        for s in stages:
            if not s.roles or (s.process_days is None and s.lead_days is None):
                continue
            owners = " & ".join(s.roles)
            gaps += [
                Gap(kind=GapKind.UNKNOWN_FIGURE, subject=s.name, suggested_owner=owners, figure=f)
                for f, value in (("process_time", s.process_days), ("lead_time", s.lead_days))
                if value is None
            ]
            if s.disagreement:
                gaps.append(Gap(kind=GapKind.DISAGREEMENT, subject=s.name, suggested_owner=owners))
        by_name = {s.name: s for s in stages}
        for b in boundaries:
            receiving = by_name.get(b.receiver.name)
            if receiving is not None and receiving.pca is None:
                gaps.append(
                    Gap(
                        kind=GapKind.UNKNOWN_FIGURE,
                        subject=f"{b.sender.name} → {b.receiver.name}",
                        suggested_owner=self.joined(b.taking_over or b.receiver.roles),
                        figure="pca",
                    )
                )
        for b in boundaries:
            sent = bool(self.role_level(b.letting_go, "handover"))
            received = bool(
                self.role_level(b.taking_over, "receive_pca", "receive_confirm")
                or self.at_stage(b.receiver, b.taking_over, "receive_pca")
            )
            if b.letting_go and b.taking_over and sent != received:
                subject = f"{b.sender.name} → {b.receiver.name}"
                silent = self.joined(b.taking_over if sent else b.letting_go)
                gaps.append(
                    Gap(kind=GapKind.ONE_SIDED_HANDOFF, subject=subject, suggested_owner=silent)
                )
        done = {i.role_key for i in self.interviews if i.status is InterviewStatus.DONE}
        return gaps + [
            Gap(kind=GapKind.MISSING_ROLE, subject=role.name, suggested_owner=role.name)
            for role in self.workshop.role_order()
            if role.key not in done
        ]


def analyse_path(
    workshop: Workshop,
    interviews: Sequence[Interview],
    answers: Sequence[Answer],
    bank: QuestionBank,
    themes: ThemeBook,
    *,
    hours_per_day: float = 8,
    findings: FindingBook | None = None,
) -> PathAnalysis:
    """The value-stream measures of the path, by the rules in this module's docstring,
    and the findings the rules in prompts/questions/findings.toml draw from them."""
    path = _Measures(workshop, interviews, answers, bank, hours_per_day)
    boundaries = path.boundaries()
    pcas = {b.receiver.name: path.receiving_pca(b) for b in boundaries}
    stages = [path.stage(n, st, pcas.get(st.name)) for n, st in enumerate(workshop.stages, 1)]
    drafts = [
        path.handoff(b, stages[workshop.stages.index(b.receiver)], themes) for b in boundaries
    ]
    handoffs = rank_by_heat(drafts)
    leads = [s.lead_days for s in stages if s.lead_days is not None]
    processed = [s.process_days for s in stages if s.process_days is not None]
    both = [
        (s.process_days, s.lead_days)
        for s in stages
        if s.process_days is not None and s.lead_days is not None
    ]
    both_lead = sum(lead for _, lead in both)
    lead_days = sum(leads) if leads else None
    known_pca = [h.pca for h in handoffs if h.pca is not None]
    waits = [s for s in stages if s.wait_days]
    perceived = sorted(
        path.role_level(None, "perceived_lead_time"),
        key=lambda s: (s.role_key != "management", s.rank),
    )
    analysis = PathAnalysis(
        workshop_id=workshop.id,
        title=workshop.title,
        hours_per_day=hours_per_day,
        stages=tuple(stages),
        handoffs=handoffs,
        lead_days=lead_days,
        process_days=sum(processed) if processed else None,
        flow_efficiency=sum(min(pt, lt) for pt, lt in both) / both_lead if both_lead else None,
        rolled_pca=prod(known_pca) if known_pca else None,
        longest_wait=max(waits, key=lambda s: s.wait_days or 0.0) if waits else None,
        perceptions=tuple(
            Perception(
                role=path.joined([s.role_key]),
                user_id=s.quote.user_id,
                days=days,
                ratio=days / lead_days if lead_days else None,
            )
            for s in perceived
            if (days := s.days(hours_per_day)) is not None
        ),
        themes=themes.sort(s.quote for s in path.said if s.base in THEMED and s.complains()),
        gaps=tuple(path.gaps(stages, boundaries)),
        craziest_steps=tuple(s.quote for s in path.role_level(None, "craziest_step")),
        deletions=tuple(s.quote for s in path.role_level(None, "delete_one")),
        roles_answered=sum(i.status is InterviewStatus.DONE for i in interviews),
        roles_total=len(interviews),
    )
    found = find(
        findings or load_finding_book(),
        analysis.stages,
        analysis.handoffs,
        analysis.perceptions,
        analysis.themes,
        analysis.lead_days,
    )
    return analysis.model_copy(update={"findings": found})
