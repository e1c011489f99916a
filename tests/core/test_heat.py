"""The heat score and the ranking of hand-offs (bot.workshop.core.analysis.heat): a
weighted sum of what is known, an unknown adding nothing, so a hand-off with unknowns
never outranks one that is at least as bad on everything it is known by."""

from __future__ import annotations

from itertools import permutations

import pytest

from bot.workshop.core.analysis.heat import HEAT_WEIGHTS, heat_score, rank_by_heat
from bot.workshop.core.analysis.model import Handoff


def draft(
    wait: float | None, pca: float | None, rework: float | None, pain: int, name: str = "B"
) -> Handoff:
    return Handoff(
        from_stage="A", to_stage=name, from_role="X", to_role="Y", wait_days=wait, pca=pca,
        sender_pca=None, rework=rework, pain_mentions=pain, heat=0.0, disputed=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("handoff", "largest_wait", "pain_known", "heat"),
    [
        pytest.param(draft(None, None, None, 0), 0.0, False, 0.0, id="nothing-known"),
        pytest.param(draft(None, None, None, 0), 0.0, True, 0.0, id="no-complaints"),
        pytest.param(draft(None, None, None, 6), 0.0, True, 0.1, id="only-complaints"),
        pytest.param(draft(5.0, None, None, 0), 10.0, False, 0.2, id="half-the-longest-wait"),
        pytest.param(draft(0.0, None, None, 0), 0.0, False, 0.0, id="no-wait-anywhere"),
        pytest.param(draft(10.0, 0.5, 0.25, 1), 10.0, True, 0.4 + 0.15 + 0.05 + 0.1 / 3,
                     id="all-known"),
        pytest.param(draft(None, 0.2, None, 3), 10.0, True, 0.3 * 0.8 + 0.1,
                     id="wait-unknown-adds-nothing"),
    ],
)  # fmt: skip
def test_heat_is_the_weighted_sum_of_what_is_known(
    handoff: Handoff, largest_wait: float, pain_known: bool, heat: float
) -> None:
    assert heat_score(handoff, largest_wait, pain_known=pain_known) == pytest.approx(heat)
    assert sum(HEAT_WEIGHTS.values()) == pytest.approx(1.0)


def test_hand_offs_rank_hottest_first_ties_in_path_order() -> None:
    first = draft(2.0, 0.5, None, 0, "first")
    second = draft(None, None, None, 0, "second")
    third = draft(2.0, 0.5, None, 0, "third")
    hottest = draft(4.0, 0.5, None, 0, "hottest")
    ranked = rank_by_heat([(first, False), (second, True), (third, False), (hottest, False)])
    assert [h.to_stage for h in ranked] == ["hottest", "first", "third", "second"]
    assert ranked[0].heat == pytest.approx(0.4 + 0.15)
    assert ranked[0].unknown == ("rework", "pain")
    assert ranked[-1].heat == 0.0
    assert ranked[-1].unknown == ("wait", "quality", "rework")


@pytest.mark.parametrize(
    ("partial", "known_worse"),
    [
        # wait unknown; the other is worse on %C&A, rework and complaints
        pytest.param(draft(None, 0.6, 0.4, 1, "partial"), draft(3.0, 0.5, 0.45, 2, "worse"),
                     id="wait-unknown"),
        # %C&A unknown; the other waits longer and comes back as often
        pytest.param(draft(10.0, None, 0.3, 0, "partial"), draft(12.0, 0.9, 0.3, 0, "worse"),
                     id="pca-unknown"),
        # only complaints known; the other complains as much, with figures on top
        pytest.param(draft(None, None, None, 3, "partial"), draft(1.0, 0.95, 0.0, 3, "worse"),
                     id="only-complaints-known"),
    ],
)  # fmt: skip
def test_an_unknown_never_lifts_a_hand_off_above_a_worse_known_one(
    partial: Handoff, known_worse: Handoff
) -> None:
    for order in permutations([(partial, True), (known_worse, True)]):
        ranked = rank_by_heat(list(order))
        assert [h.to_stage for h in ranked] == ["worse", "partial"]
        assert ranked[1].unknown, "the one ranked on what is known says what is not"
