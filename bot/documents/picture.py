"""The picture of a path to production, as PNG bytes for the summary's thread.

Top to bottom: the workshop's title and headline figures; the stages as columns over one
swim lane per role, with the hand-offs between them coloured by heat (the hottest three
numbered, disputed ones marked "!"); and the timeline, one bar per stage split into
hands-on time (blue) and waiting (orange) on one linear scale.

Pure: the same analysis gives the same bytes. The only I/O is reading a font: DejaVu Sans
where the system has it (it covers accented names), otherwise the font bundled with
Pillow, for which names are folded to ASCII. Geometry lives in `bot.documents.picture_layout`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any, Final, Literal

from PIL import Image, ImageDraw, ImageFont

from bot.documents.picture_layout import (
    ARROW_LENGTH,
    BADGE_RADIUS,
    Bar,
    Connector,
    PathLayout,
    Point,
    Rect,
    layout_path,
)
from bot.rendering import Renderer, format_days, format_percent
from bot.workshop.core.analysis.model import PathAnalysis

Colour = tuple[int, int, int]
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

WHITE: Final[Colour] = (255, 255, 255)
INK: Final[Colour] = (17, 24, 39)
MUTED: Final[Colour] = (75, 85, 99)
RULE: Final[Colour] = (209, 213, 219)
STRIPE: Final[Colour] = (243, 246, 250)
BOX_EDGE: Final[Colour] = (51, 65, 85)
TILE: Final[Colour] = (241, 245, 249)
PROCESS: Final[Colour] = (0, 114, 178)  # Okabe-Ito blue: hands-on time
WAIT: Final[Colour] = (230, 159, 0)  # Okabe-Ito orange: waiting
UNSPLIT: Final[Colour] = (156, 163, 175)  # elapsed time not split into hands-on and wait
FLOW: Final[Colour] = (148, 163, 184)  # the work moves on with no recorded hand-off
CONNECTOR_EDGE: Final[Colour] = (55, 65, 81)

# ColorBrewer YlOrRd: light yellow (cool) to dark red (hot); readable with colour blindness
# because it darkens as it warms.
HEAT_STOPS: Final[tuple[Colour, ...]] = (
    (255, 237, 160),
    (254, 178, 76),
    (253, 141, 60),
    (227, 26, 28),
    (128, 0, 38),
)

TILE_ACCENTS: Final[tuple[Colour, ...]] = (WAIT, PROCESS, PROCESS, HEAT_STOPS[3])

_ASCII_EXTRAS: Final = frozenset("…·")
_ASCII_PUNCTUATION: Final = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "→": "->", "≠": "!="}
)
# Tried in order; Pillow's bundled font is the last resort.
FONT_FILES: Final[dict[bool, tuple[str, ...]]] = {
    False: ("DejaVuSans.ttf",),
    True: ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"),
}


class PictureWords:
    """The picture's words, from prompts/messages/picture.j2."""

    def __init__(self, renderer: Renderer | None = None) -> None:
        self.renderer = renderer or Renderer(for_slack=False)

    def __call__(self, macro: str, **values: Any) -> str:
        return self.renderer.message(f"picture.{macro}", **values)


@dataclass(frozen=True)
class _Face:
    font: _Font
    ascii_only: bool  # Pillow's bundled font has little beyond ASCII
    stroke: int = 0  # thickens a regular font where there is no bold one

    def clean(self, text: str) -> str:
        text = " ".join(text.split())
        if not self.ascii_only:
            return text
        folded = unicodedata.normalize("NFKD", text.translate(_ASCII_PUNCTUATION))
        return "".join(
            ch if ch.isascii() or ch in _ASCII_EXTRAS else "?"
            for ch in folded
            if not unicodedata.combining(ch)
        )

    def length(self, text: str) -> float:
        return self.font.getlength(text)

    def fit(self, text: str, width: float) -> str:
        """`text` cut with an ellipsis so that it is no wider than `width`."""
        text = self.clean(text)
        if self.length(text) <= width:
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if self.length(text[:middle].rstrip() + "…") <= width:
                low = middle
            else:
                high = middle - 1
        shortened = text[:low].rstrip() + "…"
        return shortened if self.length(shortened) <= width else ""

    def wrap(self, text: str, width: float) -> tuple[str, ...]:
        """`text` on one line, or broken after a space or "/" onto two, the second cut."""
        text = self.clean(text)
        if self.length(text) <= width:
            return (text,)
        breaks = [i + 1 for i, ch in enumerate(text) if ch in " /"]
        fitting = [i for i in breaks if self.length(text[:i].rstrip()) <= width]
        if not fitting:
            return (self.fit(text, width),)
        first, rest = text[: fitting[-1]].rstrip(), text[fitting[-1] :].lstrip()
        return first, self.fit(rest, width)


@cache
def _face(size: int, bold: bool = False) -> _Face:
    for name in FONT_FILES[bold]:
        try:
            return _Face(ImageFont.truetype(name, size), ascii_only=False)
        except OSError:
            continue
    stroke = max(size // 24, 1) if bold else 0
    return _Face(ImageFont.load_default(size=size), ascii_only=True, stroke=stroke)


def fit_text(text: str, size: int, width: float, *, bold: bool = False) -> str:
    """`text` as written in the picture at `size` px: cut with "…" to fit `width` px."""
    return _face(size, bold).fit(text, width)


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    """How wide `text` is written at `size` px."""
    return _face(size, bold).length(text)


def heat_colour(heat: float) -> Colour:
    """The colour of a hand-off with `heat` (0..1): light yellow when cool, dark red when hot."""
    heat = min(max(heat, 0.0), 1.0)
    position = heat * (len(HEAT_STOPS) - 1)
    index = min(int(position), len(HEAT_STOPS) - 2)
    share = position - index
    low, high = HEAT_STOPS[index], HEAT_STOPS[index + 1]
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return red, green, blue


def _luminance(colour: Colour) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


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


Anchor = Literal["lm", "mm", "rm"]


class _Painter:
    def __init__(
        self, draw: ImageDraw.ImageDraw, scale: float, hours_per_day: float, say: PictureWords
    ) -> None:
        self.say = say
        self.draw = draw
        self.scale = scale
        self.hours_per_day = hours_per_day

    def px(self, value: float) -> int:
        return max(round(value * self.scale), 1)

    def face(self, size: int, bold: bool = False) -> _Face:
        return _face(self.px(size), bold)

    def text(
        self,
        at: Point,
        text: str,
        face: _Face,
        fill: Colour = INK,
        anchor: Anchor = "lm",
        width: float | None = None,
    ) -> None:
        """Write `text`, cut with an ellipsis to `width` when given."""
        shown = face.fit(text, width) if width is not None else face.clean(text)
        self.draw.text(
            at,
            shown,
            font=face.font,
            fill=fill,
            anchor=anchor,
            stroke_width=face.stroke,
            stroke_fill=fill,
        )

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

    def legend_label(
        self, right: int, y: int, label: str, colour: Colour = MUTED, bold: bool = False
    ) -> int:
        """Write `label` ending at `right`; returns where it starts."""
        face = self.face(19, bold)
        left = right - round(face.length(face.clean(label)))
        self.text((left, y), label, face, colour)
        return left

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

    def dashed_rectangle(self, box: Rect, colour: Colour) -> None:
        dash, width = self.px(10), self.px(2)
        for x in range(box.x0, box.x1, 2 * dash):
            end = min(x + dash, box.x1)
            self.draw.line((x, box.y0, end, box.y0), colour, width)
            self.draw.line((x, box.y1, end, box.y1), colour, width)
        for y in range(box.y0, box.y1, 2 * dash):
            end = min(y + dash, box.y1)
            self.draw.line((box.x0, y, box.x0, end), colour, width)
            self.draw.line((box.x1, y, box.x1, end), colour, width)

    def connector(self, connector: Connector) -> None:
        if connector.handoff is None:
            self.arrow(connector.points, FLOW, self.px(3), None)
            return
        heat = min(max(connector.handoff.heat, 0.0), 1.0)
        width = self.px(6 + 6 * heat)  # hotter is thicker as well as darker
        self.arrow(connector.points, heat_colour(heat), width, CONNECTOR_EDGE)

    def arrow(
        self, points: Sequence[Point], colour: Colour, width: int, edge: Colour | None
    ) -> None:
        """A polyline ending in an arrowhead, pointing right, whose tip is the last point."""
        tip_x, tip_y = points[-1]
        base = tip_x - self.px(ARROW_LENGTH) - width // 2
        half = width + self.px(4)
        line = [*points[:-1], (base, tip_y)]
        head = [(tip_x, tip_y), (base, tip_y - half), (base, tip_y + half)]
        if edge is not None:
            border = self.px(2)
            self.draw.line(line, edge, width + 2 * border, joint="curve")
            self.draw.polygon(head, fill=colour, outline=edge, width=border)
            self.draw.line(line, colour, width, joint="curve")
        else:
            self.draw.line(line, colour, width, joint="curve")
            self.draw.polygon(head, fill=colour)

    def badges(self, connector: Connector) -> None:
        handoff = connector.handoff
        if handoff is None:
            return
        if connector.rank is not None and connector.rank_at is not None:
            self.rank_badge(connector.rank_at, connector.rank, heat_colour(handoff.heat))
        if connector.dispute_at is not None:
            self.dispute_mark(connector.dispute_at)

    def rank_badge(self, centre: Point, rank: int, fill: Colour) -> None:
        x, y = centre
        radius = self.px(BADGE_RADIUS)
        self.draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=fill,
            outline=INK,
            width=self.px(2),
        )
        ink = WHITE if _luminance(fill) < 140 else INK
        self.text(centre, str(rank), self.face(20, bold=True), ink, anchor="mm")

    def dispute_mark(self, centre: Point) -> None:
        """A warning triangle holding "!": sender and receiver judge the hand-off differently."""
        x, y = centre
        half = self.px(BADGE_RADIUS)
        triangle = [
            (x, y - half),
            (x + half + self.px(2), y + half),
            (x - half - self.px(2), y + half),
        ]
        self.draw.polygon(triangle, fill=WHITE, outline=INK, width=self.px(3))
        self.text((x, y + self.px(5)), "!", self.face(19, bold=True), INK, anchor="mm")

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
            label = f"{tick.days:g} d"
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
        lead = stage.lead_days
        figures = (
            f"PT {format_days(stage.process_days, self.hours_per_day)}"
            f" / LT {format_days(lead, self.hours_per_day)}"
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
        return "<0.1%"
    return format_percent(fraction, 1 if fraction < 0.1 else 0)
