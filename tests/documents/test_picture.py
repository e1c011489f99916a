"""The picture of a path: a PNG that decodes, fits Slack, and shows time and heat faithfully."""

from __future__ import annotations

from io import BytesIO
from itertools import pairwise
from typing import Any

import pytest
from PIL import Image

from bot.documents.picture import (
    PictureWords,
    fit_text,
    heat_colour,
    picture_size,
    render_path_png,
    text_width,
)
from bot.documents.picture_layout import Connector, layout_path
from bot.workshop.core.analysis.model import Handoff, PathAnalysis, StageMetrics

ROLES = ("Product", "Risk", "Architecture", "Engineering", "QA", "Operations", "Support")
EIGHT = (
    # name, owners, hands-on days, lead days
    ("Idea", ("Product",), 2.0, 15.0),
    ("Approval", ("Risk", "Product"), 0.5, 20.0),
    ("Design", ("Architecture",), 3.0, 8.0),
    ("Engineer", ("Engineering",), 10.0, 14.0),
    ("Test", ("QA",), 2.0, 9.0),
    ("Deploy", ("Operations",), 0.25, 6.0),
    ("Release", ("Operations",), 0.1, 3.0),
    ("Maintain", ("Support",), 1.0, 1.0),
)


def stage(
    position: int,
    name: str,
    roles: tuple[str, ...],
    process: float | None,
    lead: float | None,
) -> StageMetrics:
    wait = None if process is None or lead is None else max(lead - process, 0.0)
    return StageMetrics(
        position=position,
        name=name,
        roles=roles,
        process_days=process,
        lead_days=lead,
        wait_days=wait,
        worst_lead_days=None,
        worst_wait_days=None,
        pca=None,
        rework=None,
        respondents=1 if lead is not None else 0,
    )


def handoff(source: StageMetrics, target: StageMetrics, heat: float, disputed: bool) -> Handoff:
    return Handoff(
        from_stage=source.name,
        to_stage=target.name,
        from_role=" & ".join(source.roles),
        to_role=" & ".join(target.roles),
        wait_days=target.wait_days,
        pca=0.6,
        sender_pca=0.9 if disputed else 0.6,
        rework=0.2,
        pain_mentions=1,
        heat=heat,
        disputed=disputed,
    )


def analysis(
    stages: tuple[StageMetrics, ...],
    heats: tuple[float, ...] = (),
    title: str = "Payments team: idea to production",
) -> PathAnalysis:
    owned = [s for s in stages if s.roles]
    pairs = [(a, b) for a, b in pairwise(owned) if a.roles != b.roles]
    handoffs = tuple(
        handoff(a, b, heat, disputed=index == 1)
        for index, ((a, b), heat) in enumerate(zip(pairs, heats, strict=False))
    )
    leads = [s.lead_days for s in stages if s.lead_days is not None]
    processes = [s.process_days for s in stages if s.process_days is not None]
    lead = sum(leads) if leads else None
    process = sum(processes) if processes else None
    return PathAnalysis(
        workshop_id=1,
        title=title,
        stages=stages,
        handoffs=tuple(sorted(handoffs, key=lambda h: -h.heat)),
        lead_days=lead,
        process_days=process,
        flow_efficiency=process / lead if lead and process is not None else None,
        rolled_pca=0.216 if handoffs else None,
        longest_wait=None,
        perceptions=(),
        themes=(),
        gaps=(),
        craziest_steps=(),
        deletions=(),
        roles_answered=6,
        roles_total=7,
    )


def eight_stages() -> PathAnalysis:
    stages = tuple(
        stage(i, name, roles, process, lead)
        for i, (name, roles, process, lead) in enumerate(EIGHT, start=1)
    )
    return analysis(stages, heats=(0.35, 0.9, 0.15, 0.6, 0.75, 0.05))


def one_stage() -> PathAnalysis:
    return analysis((stage(1, "Everything", ("Team",), 1.0, 4.0),))


def twenty_stages() -> PathAnalysis:
    roles = tuple(f"Role {k} with a remarkably long department name attached" for k in range(10))
    stages = tuple(
        stage(
            i,
            f"Stage {i}: an extraordinarily long stage name that cannot possibly fit",
            (roles[(i - 1) % 10],) if i != 7 else (),
            0.5 * i,
            3.0 * i + 1,
        )
        for i in range(1, 21)
    )
    heats = tuple((k * 7 % 19) / 19 for k in range(19))
    return analysis(stages, heats=heats, title="A " + "very " * 40 + "long workshop title")


def no_figures() -> PathAnalysis:
    stages = tuple(
        stage(i, name, roles if i != 3 else (), None, None)
        for i, (name, roles, _, _) in enumerate(EIGHT, start=1)
    )
    return analysis(stages)


EXAMPLES = {
    "eight stages": eight_stages,
    "one stage": one_stage,
    "twenty stages, ten roles": twenty_stages,
    "no figures": no_figures,
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_picture_is_a_png_of_a_sensible_size(name: str) -> None:
    path = EXAMPLES[name]()

    picture = Image.open(BytesIO(render_path_png(path)))

    assert picture.format == "PNG"
    assert 1200 <= picture.width <= 3200
    assert 500 <= picture.height <= 2500
    assert picture.size == picture_size(path)


def test_the_same_path_gives_the_same_bytes() -> None:
    assert render_path_png(eight_stages()) == render_path_png(eight_stages())


def test_scale_shrinks_and_grows_the_picture() -> None:
    width, height = picture_size(eight_stages())

    half = Image.open(BytesIO(render_path_png(eight_stages(), scale=0.5)))

    assert abs(half.width - width / 2) <= 4
    assert abs(half.height - height / 2) <= 4


def test_hotter_hand_offs_are_darker_and_redder() -> None:
    colours = [heat_colour(step / 20) for step in range(21)]

    brightness = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in colours]
    assert brightness == sorted(brightness, reverse=True)
    coolest, hottest = colours[0], colours[-1]
    assert hottest[0] > hottest[1] + 100  # red, not grey
    assert sum(hottest) < sum(coolest) - 300


def heat_of(connector: Connector) -> float:
    assert connector.handoff is not None
    return connector.handoff.heat


def test_the_hottest_connector_is_drawn_darker_than_the_coolest() -> None:
    path = eight_stages()
    layout = layout_path(path)
    picture = Image.open(BytesIO(render_path_png(path))).convert("RGB")
    by_heat = sorted((c for c in layout.connectors if c.handoff), key=heat_of)

    def drawn_colour(connector: Connector) -> tuple[int, int, int]:
        x, y = connector.points[0]  # where it leaves the sending stage's box
        pixel = picture.getpixel((x + 4, y))
        assert isinstance(pixel, tuple)
        return pixel[0], pixel[1], pixel[2]

    coolest, hottest = drawn_colour(by_heat[0]), drawn_colour(by_heat[-1])
    assert sum(hottest) < sum(coolest) - 200
    assert hottest == heat_colour(heat_of(by_heat[-1]))
    assert coolest == heat_colour(heat_of(by_heat[0]))


def test_the_hottest_three_hand_offs_are_numbered() -> None:
    layout = layout_path(eight_stages())

    ranked = sorted((c for c in layout.connectors if c.rank), key=lambda c: c.rank or 0)

    assert [c.rank for c in ranked] == [1, 2, 3]
    assert [heat_of(c) for c in ranked] == [0.9, 0.75, 0.6]
    assert all(c.rank_at is not None for c in ranked)


def test_a_disputed_hand_off_is_marked() -> None:
    layout = layout_path(eight_stages())

    marked = [c for c in layout.connectors if c.dispute_at is not None]

    assert [heat_of(c) for c in marked] == [0.9]
    assert marked[0].handoff is not None
    assert marked[0].handoff.disputed


def test_every_stage_with_a_figure_gets_a_visible_bar() -> None:
    path = eight_stages()
    bars = layout_path(path).bars

    assert all(bar.width > 0 for bar in bars)
    assert all(bar.process is not None and bar.process.width > 0 for bar in bars)
    maintain = bars[-1]  # no waiting at all
    assert maintain.wait is None
    longest = max(bars, key=lambda bar: bar.parts.total)
    assert longest.width == layout_path(path).bar_area.width


def test_bars_share_one_linear_scale() -> None:
    bars = {bar.stage.name: bar for bar in layout_path(eight_stages()).bars}

    approval, idea = bars["Approval"], bars["Idea"]  # 20 days and 15 days

    assert approval.width * 15 == pytest.approx(idea.width * 20, rel=0.02)


def test_stages_without_figures_get_no_bar() -> None:
    bars = layout_path(no_figures()).bars

    assert all(bar.width == 0 and not bar.parts.known for bar in bars)


def test_stages_sit_in_their_owners_lanes() -> None:
    layout = layout_path(eight_stages())
    lanes = [lane.role for lane in layout.lanes]

    approval = layout.columns[1]

    assert lanes == list(ROLES)
    assert [lanes[k] for k in approval.lanes] == ["Product", "Risk"]
    assert len(approval.boxes) == 2


def test_a_stage_nobody_owns_goes_in_a_lane_of_its_own() -> None:
    layout = layout_path(no_figures())

    assert layout.lanes[0].role is None
    assert layout.columns[2].lanes == (0,)
    assert all(0 not in column.lanes for column in layout.columns if column.owned)


def test_long_names_are_cut_with_an_ellipsis_to_fit_their_box() -> None:
    layout = layout_path(twenty_stages())
    column = layout.columns[0]
    room = column.boxes[0].width - 14

    shown = fit_text(column.stage.name, 19, room)

    assert shown.endswith("…")
    assert text_width(shown, 19) <= room
    assert fit_text("Test", 19, room) == "Test"


def test_partial_figures_are_drawn_as_far_as_they_go() -> None:
    stages = (
        stage(1, "Elapsed only", ("Product",), None, 10.0),
        stage(2, "Hands-on only", ("Engineering",), 2.0, None),
        stage(3, "Instant", ("Operations",), 0.0, 0.0),
    )
    elapsed, hands_on, instant = layout_path(analysis(stages)).bars

    assert elapsed.unsplit is not None
    assert elapsed.process is None
    assert hands_on.process is not None
    assert hands_on.wait is None
    assert instant.width > 0  # a figure of zero is still a figure


class RecordedWords(PictureWords):
    """The picture's words, remembered as they are written."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[tuple[str, str]] = []

    def __call__(self, macro: str, **values: Any) -> str:
        text = super().__call__(macro, **values)
        self.written.append((macro, text))
        return text


def test_every_word_in_the_picture_comes_from_the_prompts() -> None:
    stages = (stage(1, "Build", ("Dev",), 0.5, 12.0), stage(2, "Ship", ("Ops",), 0.0001, 400.0))
    path = analysis(stages, heats=(0.5,)).model_copy(update={"flow_efficiency": 0.0005})
    words = RecordedWords()
    render_path_png(path, words=words)
    written = dict(words.written)
    assert ("bar_figures", "PT 4 h / LT 12 d") in words.written
    assert written["below_tenth_percent"] == "<0.1%"
    assert ("tick", "100 d") in words.written
    assert written["tile_lead"] == "Total lead time"
