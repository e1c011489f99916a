"""The picture of a path to production, as PNG bytes for the summary's thread.

Top to bottom: the workshop's title and headline figures; the stages as columns over one
swim lane per role, with the hand-offs between them coloured by heat (the hottest three
numbered, disputed ones marked "!"); and the timeline, one bar per stage split into
hands-on time (blue) and waiting (orange) on one linear scale.

Pure: the same analysis gives the same bytes (the only I/O is reading a font, in
`bot.documents.picture_canvas`). Geometry lives in `bot.documents.picture_layout`, the
drawing primitives, colours and fonts in `bot.documents.picture_canvas`; every word comes
from prompts/messages/picture.j2.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any, Final

from PIL import Image, ImageDraw

from bot.documents.picture_canvas import (
    BOX_EDGE,
    CONNECTOR_EDGE,
    FLOW,
    HEAT_STOPS,
    INK,
    MUTED,
    PROCESS,
    RULE,
    STRIPE,
    TILE,
    UNSPLIT,
    WAIT,
    WHITE,
    Canvas,
    Colour,
    fit_text,
    heat_colour,
    text_width,
)
from bot.documents.picture_geometry import Bar, Connector, PathLayout, Rect
from bot.documents.picture_layout import BADGE_RADIUS, layout_path
from bot.rendering import Renderer, format_days, format_percent
from bot.workshop.core.analysis.model import PathAnalysis

__all__ = [
    "PictureWords",
    "fit_text",
    "heat_colour",
    "picture_size",
    "render_path_png",
    "text_width",
]

TILE_ACCENTS: Final[tuple[Colour, ...]] = (WAIT, PROCESS, PROCESS, HEAT_STOPS[3])


class PictureWords:
    """The picture's words, from prompts/messages/picture.j2."""

    def __init__(self, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or Renderer(for_slack=False)

    def __call__(self, macro: str, **values: Any) -> str:
        return self.renderer.message(f"picture.{macro}", **values)


def picture_size(analysis: PathAnalysis, *, scale: float = 1.0) -> tuple[int, int]:
    """Width and height in pixels of the picture `render_path_png` draws."""
    layout = layout_path(analysis, scale=scale)
    return layout.width, layout.height


def render_path_png(
    analysis: PathAnalysis, *, scale: float = 1.0, words: PictureWords | None = None
) -> bytes:
    """The picture of the path as PNG bytes; about 1800 px wide at scale 1."""
    layout = layout_path(analysis, scale=scale)
    image = Image.new("RGB", (layout.width, layout.height), WHITE)
    painter = _Painter(
        ImageDraw.Draw(image), layout.scale, analysis.hours_per_day, words or PictureWords()
    )
    painter.title(layout, analysis)
    painter.flow(layout)
    painter.timeline(layout)
    output = BytesIO()
    image.save(output, format="PNG", optimize=False, compress_level=6)
    return output.getvalue()


class _Painter(Canvas):
    """Paints the three bands of the picture from their layout."""

    def __init__(
        self, draw: ImageDraw.ImageDraw, scale: float, hours_per_day: float, say: PictureWords
    ) -> None:
        super().__init__(draw, scale)
        self.say = say
        self.hours_per_day = hours_per_day

    # The title band

    def title(self, layout: PathLayout, analysis: PathAnalysis) -> None:
        rect = layout.title
        self.text(
            (rect.x0, rect.centre_y),
            analysis.title or self.say("title_fallback"),
            self.face(38, bold=True),
            width=rect.width,
        )
        subtitle = layout.subtitle
        self.text(
            (subtitle.x0, subtitle.centre_y),
            self.say(
                "subtitle",
                stages=len(analysis.stages),
                answered=analysis.roles_answered,
                total=analysis.roles_total,
                hours=f"{analysis.hours_per_day:g}",
            ),
            self.face(20),
            MUTED,
            width=subtitle.width,
        )
        values = (
            _days_or_unknown(analysis.lead_days, analysis.hours_per_day, self.say),
            _days_or_unknown(analysis.process_days, analysis.hours_per_day, self.say),
            _percent_or_unknown(analysis.flow_efficiency, self.say),
            _percent_or_unknown(analysis.rolled_pca, self.say),
        )
        labels = [self.say(f"tile_{name}") for name in ("lead", "process", "efficiency", "rolled")]
        for tile, label, value, accent in zip(
            layout.tiles, labels, values, TILE_ACCENTS, strict=True
        ):
            self.tile(tile, label, value, accent)

    def tile(self, rect: Rect, label: str, value: str, accent: Colour) -> None:
        radius = self.px(10)
        self.draw.rounded_rectangle((rect.x0, rect.y0, rect.x1, rect.y1), radius, fill=TILE)
        self.draw.rounded_rectangle(
            (rect.x0, rect.y0, rect.x0 + self.px(10), rect.y1), radius, fill=accent
        )
        self.draw.rectangle((rect.x0 + self.px(6), rect.y0, rect.x0 + self.px(10), rect.y1), TILE)
        inner = rect.width - self.px(40)
        x = rect.x0 + self.px(26)
        self.text((x, rect.y0 + self.px(26)), label, self.face(20), MUTED, width=inner)
        colour = MUTED if value == self.say("unknown") else INK
        self.text((x, rect.y0 + self.px(66)), value, self.face(40, bold=True), colour, width=inner)

    # Stages, lanes and hand-offs

    def flow(self, layout: PathLayout) -> None:
        heading = layout.flow_heading
        self.text(
            (heading.x0, heading.centre_y), self.say("flow_heading"), self.face(26, bold=True)
        )
        self.flow_legend(layout)
        for index, lane in enumerate(layout.lanes):
            rect = lane.rect
            if index % 2 == 0:
                self.draw.rectangle((rect.x0, rect.y0, rect.x1, rect.y1 - 1), STRIPE)
            self.draw.line((rect.x0, rect.y1 - 1, rect.x1, rect.y1 - 1), RULE, self.px(1))
            label, colour = (
                (lane.role, INK) if lane.role is not None else (self.say("no_owner"), MUTED)
            )
            face = self.face(21, bold=True)
            lines = face.wrap(label, layout.label_right - rect.x0 - self.px(24))
            spacing = self.px(26)
            top = rect.centre_y - spacing * (len(lines) - 1) // 2
            for number, line in enumerate(lines):
                self.text((rect.x0 + self.px(12), top + number * spacing), line, face, colour)
        for column in layout.columns:
            self.stage_header(column.header, column.stage.position, column.stage.name)
            if len(column.boxes) > 1:
                x = column.boxes[0].centre_x
                top, bottom = column.boxes[0].centre_y, column.boxes[-1].centre_y
                self.draw.line((x, top, x, bottom), BOX_EDGE, self.px(4))
            for box in column.boxes:
                self.stage_box(box, column.stage.name, owned=column.owned)
        for connector in layout.connectors:
            self.connector(connector)
        for connector in layout.connectors:
            self.badges(connector)

    def flow_legend(self, layout: PathLayout) -> None:
        """Right-aligned on the heading's line: heat scale, ranks, disputes, plain arrows."""
        connectors = layout.connectors
        y, x = layout.flow_heading.centre_y, layout.flow_heading.x1
        if any(c.handoff is None for c in connectors):
            x = self.legend_label(x, y, self.say("no_handoff")) - self.px(54)
            self.arrow(((x, y), (x + self.px(44), y)), FLOW, self.px(3), None)
            x -= self.px(36)
        if any(c.dispute_at is not None for c in connectors):
            x = self.legend_label(x, y, self.say("disputed")) - self.px(42)
            self.dispute_mark((x + self.px(BADGE_RADIUS), y))
            x -= self.px(36)
        if any(c.rank is not None for c in connectors):
            x = self.legend_label(x, y, self.say("hottest")) - self.px(10)
            for rank in (3, 2, 1):
                x -= self.px(2 * BADGE_RADIUS + 4)
                self.rank_badge((x + self.px(BADGE_RADIUS), y), rank, heat_colour(1.0))
            x -= self.px(36)
        if any(c.handoff is not None for c in connectors):
            half, gradient = self.px(9), self.px(160)
            x = self.legend_label(x, y, self.say("hot")) - self.px(8) - gradient
            for step in range(gradient):
                colour = heat_colour(step / max(gradient - 1, 1))
                self.draw.line((x + step, y - half, x + step, y + half), colour)
            self.draw.rectangle((x, y - half, x + gradient, y + half), outline=CONNECTOR_EDGE)
            x = self.legend_label(x - self.px(8), y, self.say("cool"))
            self.legend_label(x - self.px(10), y, self.say("heat"), INK, bold=True)

    def stage_header(self, rect: Rect, position: int, name: str) -> None:
        radius = self.px(16)
        centre = (rect.x0 + radius, rect.y0 + self.px(20))
        self.draw.ellipse(
            (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
            fill=BOX_EDGE,
        )
        self.text(centre, str(position), self.face(18, bold=True), WHITE, anchor="mm")
        self.text(
            (rect.x0, rect.y1 - self.px(16)),
            name,
            self.face(21, bold=True),
            width=rect.width,
        )

    def stage_box(self, box: Rect, name: str, *, owned: bool) -> None:
        corners = (box.x0, box.y0, box.x1, box.y1)
        if owned:
            self.draw.rounded_rectangle(
                corners, self.px(8), fill=WHITE, outline=BOX_EDGE, width=self.px(2)
            )
        else:
            self.draw.rectangle(corners, fill=WHITE)
            self.dashed_rectangle(box, MUTED)
        self.text(
            (box.centre_x, box.centre_y),
            name,
            self.face(19),
            INK if owned else MUTED,
            anchor="mm",
            width=box.width - self.px(14),
        )

    def connector(self, connector: Connector) -> None:
        if connector.handoff is None:
            self.arrow(connector.points, FLOW, self.px(3), None)
            return
        heat = min(max(connector.handoff.heat, 0.0), 1.0)
        width = self.px(6 + 6 * heat)  # hotter is thicker as well as darker
        self.arrow(connector.points, heat_colour(heat), width, CONNECTOR_EDGE)

    def badges(self, connector: Connector) -> None:
        handoff = connector.handoff
        if handoff is None:
            return
        if connector.rank is not None and connector.rank_at is not None:
            self.rank_badge(connector.rank_at, connector.rank, heat_colour(handoff.heat))
        if connector.dispute_at is not None:
            self.dispute_mark(connector.dispute_at)

    # The timeline

    def timeline(self, layout: PathLayout) -> None:
        heading = layout.time_heading
        self.text(
            (heading.x0, heading.centre_y), self.say("time_heading"), self.face(26, bold=True)
        )
        self.time_legend(layout)
        area = layout.bar_area
        for index, bar in enumerate(layout.bars):
            if index % 2 == 0:
                row = bar.row
                self.draw.rectangle((row.x0, row.y0, row.x1, row.y1 - 1), STRIPE)
        axis_face = self.face(18)
        for tick in layout.ticks:
            self.draw.line((tick.x, area.y0, tick.x, area.y1), RULE, self.px(1))
            label = self.say("tick", days=tick.days)
            self.text((tick.x, layout.axis.centre_y), label, axis_face, MUTED, anchor="mm")
        for bar in layout.bars:
            self.bar(bar, layout)

    def time_legend(self, layout: PathLayout) -> None:
        y, x = layout.time_heading.centre_y, layout.time_heading.x1
        items = [(PROCESS, self.say("hands_on")), (WAIT, self.say("waiting"))]
        if any(bar.unsplit is not None for bar in layout.bars):
            items.append((UNSPLIT, self.say("unsplit")))
        size = self.px(20)
        for colour, label in reversed(items):
            x = self.legend_label(x, y, label) - self.px(8) - size
            self.draw.rectangle((x, y - size // 2, x + size, y + size // 2), colour)
            x -= self.px(32)
        self.legend_label(x, y, self.say("lead_note"))

    def bar(self, bar: Bar, layout: PathLayout) -> None:
        row = bar.row
        y = row.centre_y
        stage = bar.stage
        number_right = row.x0 + self.px(40)
        self.text((number_right, y), str(stage.position), self.face(19), MUTED, anchor="rm")
        name_width = layout.label_right - number_right - self.px(22)
        self.text((number_right + self.px(12), y), stage.name, self.face(19), width=name_width)
        for part, colour in ((bar.process, PROCESS), (bar.wait, WAIT), (bar.unsplit, UNSPLIT)):
            if part is not None:
                self.draw.rectangle((part.x0, part.y0, part.x1 - 1, part.y1 - 1), colour)
        if not bar.parts.known:
            x = layout.bar_area.x0
            self.text((x, y), self.say("no_figures"), self.face(19), MUTED)
            return
        figures = self.say(
            "bar_figures",
            process=stage.process_days,
            lead=stage.lead_days,
            hours=self.hours_per_day,
        )
        self.text((bar.figures.x0, y), figures, self.face(19), INK, width=bar.figures.width)


def _days_or_unknown(days: float | None, hours_per_day: float, say: PictureWords) -> str:
    if days is None:
        return say("unknown")
    number, unit = format_days(days, hours_per_day).split(" ")
    word = {"d": "day", "h": "hour"}[unit]
    return f"{number} {say(word if number == '1' else word + 's')}"


def _percent_or_unknown(fraction: float | None, say: PictureWords) -> str:
    if fraction is None:
        return say("unknown")
    if 0 < fraction < 0.001:
        return say("below_tenth_percent")
    return format_percent(fraction, 1 if fraction < 0.1 else 0)
