"""The shapes the picture of a path is made of, as `bot.documents.picture_layout` places them
and `bot.documents.picture` paints them: rectangles, lanes, stage columns, connectors, bars
and ticks, in whole pixels. Plain values, no drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.workshop.core.analysis.model import Handoff, StageMetrics

Point = tuple[int, int]


@dataclass(frozen=True)
class Rect:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def centre_x(self) -> int:
        return (self.x0 + self.x1) // 2

    @property
    def centre_y(self) -> int:
        return (self.y0 + self.y1) // 2


@dataclass(frozen=True)
class Lane:
    role: str | None  # None: the lane of the stages nobody owns
    rect: Rect  # the whole row, from the left edge of the label to the right margin


@dataclass(frozen=True)
class StageColumn:
    stage: StageMetrics
    header: Rect  # position and name above the lanes
    boxes: tuple[Rect, ...]  # one per lane the stage sits in, top to bottom
    lanes: tuple[int, ...]  # the indexes of those lanes

    @property
    def owned(self) -> bool:
        return bool(self.stage.roles)


@dataclass(frozen=True)
class Connector:
    """A line from one stage's box to a later one's, ending in an arrow at `points[-1]`."""

    points: tuple[Point, ...]
    handoff: Handoff | None  # None: the work moves on without a recorded hand-off
    rank: int | None  # 1 for the hottest hand-off, up to picture_layout.HOTTEST_RANKED
    rank_at: Point | None  # the centre of the numbered badge
    dispute_at: Point | None  # the centre of the "disputed" mark


@dataclass(frozen=True)
class TimeParts:
    """A stage's time as drawn: hands-on and waiting, or elapsed time not split."""

    process: float | None
    wait: float | None
    unsplit: float | None  # lead time known, hands-on time not

    @property
    def known(self) -> bool:
        return any(part is not None for part in (self.process, self.wait, self.unsplit))

    @property
    def total(self) -> float:
        return sum(part or 0.0 for part in (self.process, self.wait, self.unsplit))


@dataclass(frozen=True)
class Bar:
    stage: StageMetrics
    parts: TimeParts
    row: Rect  # the whole row
    process: Rect | None  # the hands-on part of the bar
    wait: Rect | None  # the waiting part
    unsplit: Rect | None  # elapsed time with no hands-on figure
    figures: Rect  # where "PT … / LT …" is written

    @property
    def width(self) -> int:
        return sum(part.width for part in (self.process, self.wait, self.unsplit) if part)


@dataclass(frozen=True)
class Tick:
    x: int
    days: float


@dataclass(frozen=True)
class PathLayout:
    scale: float
    width: int
    height: int
    title: Rect
    subtitle: Rect
    tiles: tuple[Rect, ...]  # lead time, hands-on time, flow efficiency, rolled %C&A
    flow_heading: Rect
    lanes: tuple[Lane, ...]
    label_right: int  # where the lane labels end and the stage columns begin
    columns: tuple[StageColumn, ...]
    connectors: tuple[Connector, ...]  # coolest first, so the hottest are drawn on top
    time_heading: Rect
    axis: Rect  # the row of day labels above the bars
    bar_area: Rect  # where bars may go, over all the timeline rows
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
