"""Where everything goes in the picture of a path: pure geometry, no drawing, no fonts.

The picture has four bands, top to bottom: the title with the headline figures; the
stages as columns over one swim lane per role (hand-offs drawn as connectors between the
stages' boxes); the timeline, one bar per stage split into hands-on time and waiting, all
on one linear scale; and nothing else. `bot.documents.picture` paints what this module places.

All sizes are given at scale 1 and multiplied by the scale; the result is whole pixels, in
the shapes of `bot.documents.picture_geometry`.
"""

from __future__ import annotations

import math
from typing import Final

from bot.documents.picture_geometry import (
    Bar,
    Connector,
    Lane,
    PathLayout,
    Point,
    Rect,
    StageColumn,
    Tick,
    TimeParts,
)
from bot.workshop.core.analysis.model import Handoff, PathAnalysis, StageMetrics

__all__ = [  # the shapes as well, importable from here
    "Bar",
    "Connector",
    "Lane",
    "PathLayout",
    "Point",
    "Rect",
    "StageColumn",
    "Tick",
    "TimeParts",
    "hand_off_ranks",
    "layout_path",
    "nice_step",
    "stage_roles",
    "time_parts",
]

MARGIN: Final = 40
LABEL_WIDTH: Final = 240  # the role names on the left, and the stage names in the timeline
TARGET_WIDTH: Final = 1800  # the width when the stages fit; more stages make it wider
MIN_COLUMN: Final = 136  # narrowest stage column: 20 stages make a picture ~3000 px wide
MAX_COLUMN: Final = 300  # widest: one to four stages leave room on the right
BOX_GAP: Final = 56  # between the boxes of neighbouring stages, where connectors turn
TITLE_TOP: Final = 28
TILE_TOP: Final = 126
TILE_HEIGHT: Final = 100
TILE_GAP: Final = 16
HEADING_HEIGHT: Final = 48
STAGE_HEADER_HEIGHT: Final = 70
LANE_HEIGHT: Final = 78
BOX_HEIGHT: Final = 52
SECTION_GAP: Final = 36
AXIS_HEIGHT: Final = 30
ROW_HEIGHT: Final = 40
BAR_HEIGHT: Final = 26
FIGURES_WIDTH: Final = 330  # "PT 4.5 h / LT 12 d" to the right of the bars
MIN_BAR: Final = 6  # every stage with a figure gets at least this much bar
MIN_PART: Final = 4  # and each non-zero part (hands-on, waiting) at least this much
BADGE_RADIUS: Final = 16
ARROW_LENGTH: Final = 12
HOTTEST_RANKED: Final = 3


def stage_roles(analysis: PathAnalysis) -> tuple[str, ...]:
    """The roles that own any stage, in the order they first appear along the path."""
    seen: dict[str, None] = {}
    for stage in analysis.stages:
        for role in stage.roles:
            seen.setdefault(role, None)
    return tuple(seen)


def time_parts(stage: StageMetrics) -> TimeParts:
    process, lead, wait = stage.process_days, stage.lead_days, stage.wait_days
    if process is None:
        if lead is not None:
            return TimeParts(process=None, wait=None, unsplit=max(lead, 0.0))
        return TimeParts(process=None, wait=None if wait is None else max(wait, 0.0), unsplit=None)
    if wait is None and lead is not None:
        wait = lead - process
    return TimeParts(
        process=max(process, 0.0), wait=None if wait is None else max(wait, 0.0), unsplit=None
    )


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round tick interval (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    if largest <= 0:
        return 1.0
    raw = largest / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def hand_off_ranks(handoffs: tuple[Handoff, ...]) -> dict[int, int]:
    """Rank (1, 2, 3) of the hottest hand-offs with any heat, by index in `handoffs`."""
    hot = sorted(
        (index for index, handoff in enumerate(handoffs) if handoff.heat > 0),
        key=lambda index: -handoffs[index].heat,
    )
    return {index: rank for rank, index in enumerate(hot[:HOTTEST_RANKED], start=1)}


class _Scaler:
    def __init__(self, scale: float) -> None:
        self.scale = scale

    def __call__(self, value: float) -> int:
        return round(value * self.scale)


def layout_path(analysis: PathAnalysis, *, scale: float = 1.0) -> PathLayout:
    if scale <= 0:
        raise ValueError("scale must be positive")
    px = _Scaler(scale)
    stages = analysis.stages
    roles = stage_roles(analysis)
    nobody_lane = any(not stage.roles for stage in stages)
    lane_roles: tuple[str | None, ...] = ((None,) if nobody_lane else ()) + roles

    count = max(len(stages), 1)
    room = px(TARGET_WIDTH) - 2 * px(MARGIN) - px(LABEL_WIDTH)
    column = min(max(px(MIN_COLUMN), room // count), px(MAX_COLUMN))
    width = 2 * px(MARGIN) + px(LABEL_WIDTH) + max(count * column, room)
    left, right = px(MARGIN), width - px(MARGIN)
    label_right = left + px(LABEL_WIDTH)

    title = Rect(left, px(TITLE_TOP), right, px(TITLE_TOP + 52))
    subtitle = Rect(left, title.y1, right, title.y1 + px(34))
    tile_width = (right - left - 3 * px(TILE_GAP)) // 4
    tiles = tuple(
        Rect(
            left + index * (tile_width + px(TILE_GAP)),
            px(TILE_TOP),
            left + index * (tile_width + px(TILE_GAP)) + tile_width,
            px(TILE_TOP + TILE_HEIGHT),
        )
        for index in range(4)
    )

    heading_top = tiles[0].y1 + px(SECTION_GAP)
    flow_heading = Rect(left, heading_top, right, heading_top + px(HEADING_HEIGHT))
    header_top = flow_heading.y1
    lanes_top = header_top + px(STAGE_HEADER_HEIGHT)
    lane = px(LANE_HEIGHT)
    lanes = tuple(
        Lane(role, Rect(left, lanes_top + i * lane, right, lanes_top + (i + 1) * lane))
        for i, role in enumerate(lane_roles)
    )
    lanes_bottom = lanes[-1].rect.y1 if lanes else lanes_top

    columns = _columns(stages, lanes, label_right, column, header_top, lanes_top, px)
    connectors = _connectors(analysis, columns, px)

    time_heading = Rect(
        left, lanes_bottom + px(SECTION_GAP), right, lanes_bottom + px(SECTION_GAP + HEADING_HEIGHT)
    )
    axis = Rect(left, time_heading.y1, right, time_heading.y1 + px(AXIS_HEIGHT))
    bar_left = label_right + px(12)
    bar_right = right - px(FIGURES_WIDTH)
    rows_bottom = axis.y1 + max(len(stages), 1) * px(ROW_HEIGHT)
    bar_area = Rect(bar_left, axis.y1, bar_right, rows_bottom)
    largest = max((time_parts(stage).total for stage in stages), default=0.0)
    ticks = _ticks(largest, bar_area)
    bars = tuple(
        _bar(stage, axis.y1 + i * px(ROW_HEIGHT), largest, bar_area, right, px)
        for i, stage in enumerate(stages)
    )
    return PathLayout(
        scale=scale,
        width=width,
        height=rows_bottom + px(MARGIN),
        title=title,
        subtitle=subtitle,
        tiles=tiles,
        flow_heading=flow_heading,
        lanes=lanes,
        label_right=label_right,
        columns=columns,
        connectors=connectors,
        time_heading=time_heading,
        axis=axis,
        bar_area=bar_area,
        ticks=ticks,
        bars=bars,
    )


def _columns(
    stages: tuple[StageMetrics, ...],
    lanes: tuple[Lane, ...],
    label_right: int,
    column: int,
    header_top: int,
    lanes_top: int,
    px: _Scaler,
) -> tuple[StageColumn, ...]:
    lane_of = {lane.role: index for index, lane in enumerate(lanes)}
    result = []
    for i, stage in enumerate(stages):
        x0 = label_right + i * column + px(BOX_GAP) // 2
        x1 = label_right + (i + 1) * column - px(BOX_GAP) // 2
        owners = sorted({lane_of[role] for role in stage.roles}) if stage.roles else [lane_of[None]]
        inset = (px(LANE_HEIGHT) - px(BOX_HEIGHT)) // 2
        boxes = tuple(
            Rect(x0, lanes[k].rect.y0 + inset, x1, lanes[k].rect.y0 + inset + px(BOX_HEIGHT))
            for k in owners
        )
        header = Rect(x0, header_top, x0 + column - px(8), lanes_top - px(6))
        result.append(StageColumn(stage=stage, header=header, boxes=boxes, lanes=tuple(owners)))
    return tuple(result)


def _nearest_boxes(source: StageColumn, target: StageColumn) -> tuple[Rect, Rect]:
    pairs = [(s, t) for s in source.boxes for t in target.boxes]
    return min(pairs, key=lambda pair: (abs(pair[0].y0 - pair[1].y0), pair[0].y0))


def _route(source: Rect, target: Rect, px: _Scaler) -> tuple[Point, ...]:
    """Right out of `source`, down or up in the gap before `target`, into its left side."""
    turn = target.x0 - px(BOX_GAP) // 2
    start = (source.x1, source.centre_y)
    end = (target.x0, target.centre_y)
    if start[1] == end[1]:
        return start, end
    return start, (turn, start[1]), (turn, end[1]), end


def _marks(
    points: tuple[Point, ...], ranked: bool, disputed: bool, px: _Scaler
) -> tuple[Point | None, Point | None]:
    """Where the rank badge and the "disputed" mark go, both in the gap before the target.

    The badge sits on the line: on a straight connector just before the arrowhead, on one
    that turns at the middle of its upright. The mark sits above a straight connector's badge,
    or just outside the first corner of one that turns (that corner of the lane is empty:
    the target stage is not in the source's lane, or the connector would be straight).
    """
    turn = points[-1][0] - px(BOX_GAP) // 2
    if len(points) == 2:  # the badge goes between the source box and the arrowhead
        (x0, y), (tip, _) = points
        x = (x0 + tip - px(ARROW_LENGTH) - px(4)) // 2
        above = y - 2 * (px(BADGE_RADIUS) + px(2)) if ranked else y
        return ((x, y) if ranked else None), ((x, above) if disputed else None)
    middle = (points[1][1] + points[2][1]) // 2
    corner = (turn + px(BADGE_RADIUS) + px(BOX_GAP) // 4, points[0][1])
    return ((turn, middle) if ranked else None), (corner if disputed else None)


def _connectors(
    analysis: PathAnalysis, columns: tuple[StageColumn, ...], px: _Scaler
) -> tuple[Connector, ...]:
    index_of: dict[str, int] = {}
    for index, column in enumerate(columns):
        index_of.setdefault(column.stage.name, index)
    ranks = hand_off_ranks(analysis.handoffs)
    covered: set[int] = set()  # i: the step from stage i to stage i + 1 has a hand-off
    drawn: list[tuple[float, Connector]] = []
    for position, handoff in enumerate(analysis.handoffs):
        start, end = index_of.get(handoff.from_stage), index_of.get(handoff.to_stage)
        if start is None or end is None or end <= start:
            continue
        covered.update(range(start, end))
        source, target = _nearest_boxes(columns[start], columns[end])
        points = _route(source, target, px)
        rank = ranks.get(position)
        rank_at, dispute_at = _marks(points, rank is not None, handoff.disputed, px)
        connector = Connector(points, handoff, rank, rank_at, dispute_at)
        drawn.append((handoff.heat, connector))
    plain = []
    for i in range(len(columns) - 1):
        if i not in covered:
            source, target = _nearest_boxes(columns[i], columns[i + 1])
            points = _route(source, target, px)
            plain.append(Connector(points, None, None, None, None))
    drawn.sort(key=lambda item: item[0])
    return tuple(plain) + tuple(connector for _, connector in drawn)


def _ticks(largest: float, area: Rect) -> tuple[Tick, ...]:
    if largest <= 0:
        return ()
    step = nice_step(largest)
    count = int(largest / step + 1e-9)
    return tuple(
        Tick(area.x0 + round(k * step / largest * area.width), k * step) for k in range(count + 1)
    )


def _bar(stage: StageMetrics, top: int, largest: float, area: Rect, right: int, px: _Scaler) -> Bar:
    parts = time_parts(stage)
    row = Rect(area.x0 - px(12) - px(LABEL_WIDTH), top, right, top + px(ROW_HEIGHT))
    y0 = top + (px(ROW_HEIGHT) - px(BAR_HEIGHT)) // 2
    y1 = y0 + px(BAR_HEIGHT)
    figures = Rect(area.x1 + px(16), top, right, row.y1)

    def span(days: float) -> int:
        return round(days / largest * area.width) if largest > 0 else 0

    days = (parts.process, parts.wait, parts.unsplit)
    widths = [max(span(d), px(MIN_PART)) if d is not None and d > 0 else 0 for d in days]
    if parts.known and sum(widths) < px(MIN_BAR):
        first = next(k for k, d in enumerate(days) if d is not None)
        widths[first] += px(MIN_BAR) - sum(widths)
    rects: list[Rect | None] = []
    x = area.x0
    for width in widths:
        rects.append(Rect(x, y0, x + width, y1) if width > 0 else None)
        x += width
    process, wait, unsplit = rects
    return Bar(stage, parts, row, process, wait, unsplit, figures)
