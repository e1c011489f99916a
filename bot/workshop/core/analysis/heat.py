"""How much a hand-off hurts: its heat score, and the order hand-offs are ranked in. Pure.

Heat (0..1) is the weighted sum of the components that are known,

    heat = Σ wᵢ·xᵢ over the known components (the weights sum to 1), where
    wait     w = 0.4  x = wait_days ÷ the largest wait_days of all hand-offs (0 if that is 0)
    quality  w = 0.3  x = 1 − pca
    rework   w = 0.2  x = rework
    pain     w = 0.1  x = min(pain_mentions ÷ 3, 1), known when the receiving side said
                      anything at the receiving stage or about what it receives.

A hand-off is ranked on what is known: an unknown component adds nothing (it is not
re-weighted onto the known ones), and the hand-off lists it in `unknown`, so the summary
can say so and the open questions can ask for it. So a hand-off with unknowns never
outranks one whose figures are all at least as bad on what both know. With nothing
known, heat is 0. Hottest first; on a tie, the one with fewer unknowns, then path order.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.workshop.core.analysis.model import Handoff

HEAT_WEIGHTS = {"wait": 0.4, "quality": 0.3, "rework": 0.2, "pain": 0.1}
PAIN_SATURATION = 3  # complaints at which the pain component is full


def heat_score(handoff: Handoff, largest_wait: float, *, pain_known: bool) -> float:
    """The heat of `handoff`, its wait measured against `largest_wait` (days)."""
    wait_days = handoff.wait_days
    wait = None if wait_days is None else wait_days / largest_wait if largest_wait else 0.0
    parts = {
        "wait": wait,
        "quality": None if handoff.pca is None else 1 - handoff.pca,
        "rework": handoff.rework,
        "pain": min(handoff.pain_mentions / PAIN_SATURATION, 1.0) if pain_known else None,
    }
    return sum(HEAT_WEIGHTS[name] * x for name, x in parts.items() if x is not None)


def unknown_components(handoff: Handoff, *, pain_known: bool) -> tuple[str, ...]:
    """The components of the heat that are not known, in the order of HEAT_WEIGHTS."""
    known = {
        "wait": handoff.wait_days is not None,
        "quality": handoff.pca is not None,
        "rework": handoff.rework is not None,
        "pain": pain_known,
    }
    return tuple(name for name in HEAT_WEIGHTS if not known[name])


def rank_by_heat(drafts: Sequence[tuple[Handoff, bool]]) -> tuple[Handoff, ...]:
    """The hand-offs, in path order with whether their pain is known, each given its heat;
    hottest first, ties in path order."""
    largest = max((h.wait_days for h, _ in drafts if h.wait_days is not None), default=0.0)
    heated = [
        handoff.model_copy(
            update={
                "heat": heat_score(handoff, largest, pain_known=known),
                "unknown": unknown_components(handoff, pain_known=known),
            }
        )
        for handoff, known in drafts
    ]
    return tuple(sorted(heated, key=lambda h: (-round(h.heat, 9), len(h.unknown))))
