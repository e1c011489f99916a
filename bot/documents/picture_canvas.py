"""The drawing primitives of the picture of a path: its colours, its fonts, and the marks
it is made of (text cut to fit, arrows, dashed boxes, numbered badges, the "disputed"
triangle), on a Pillow image at a scale.

The only I/O is reading a font: DejaVu Sans where the system has it (it covers accented
names), otherwise the font bundled with Pillow, for which names are folded to ASCII.
`bot.documents.picture` paints the path with these.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from PIL import ImageDraw, ImageFont

from bot.documents.picture_geometry import Point, Rect
from bot.documents.picture_layout import ARROW_LENGTH, BADGE_RADIUS

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

_ASCII_EXTRAS: Final = frozenset("…·")
_ASCII_PUNCTUATION: Final = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "→": "->", "≠": "!="}
)
# Tried in order; Pillow's bundled font is the last resort.
FONT_FILES: Final[dict[bool, tuple[str, ...]]] = {
    False: ("DejaVuSans.ttf",),
    True: ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"),
}


@dataclass(frozen=True)
class Face:
    """A font at one size, and how text is cleaned, measured and cut to be written in it."""

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
def load_face(size: int, bold: bool = False) -> Face:
    """The font at `size` px, read once."""
    for name in FONT_FILES[bold]:
        try:
            return Face(ImageFont.truetype(name, size), ascii_only=False)
        except OSError:
            continue
    stroke = max(size // 24, 1) if bold else 0
    return Face(ImageFont.load_default(size=size), ascii_only=True, stroke=stroke)


def fit_text(text: str, size: int, width: float, *, bold: bool = False) -> str:
    """`text` as written in the picture at `size` px: cut with "…" to fit `width` px."""
    return load_face(size, bold).fit(text, width)


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    """How wide `text` is written at `size` px."""
    return load_face(size, bold).length(text)


def heat_colour(heat: float) -> Colour:
    """The colour of a hand-off with `heat` (0..1): light yellow when cool, dark red when hot."""
    heat = min(max(heat, 0.0), 1.0)
    position = heat * (len(HEAT_STOPS) - 1)
    index = min(int(position), len(HEAT_STOPS) - 2)
    share = position - index
    low, high = HEAT_STOPS[index], HEAT_STOPS[index + 1]
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return red, green, blue


def luminance(colour: Colour) -> float:
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


Anchor = Literal["lm", "mm", "rm"]


class Canvas:
    """A Pillow drawing at a scale: sizes are given at scale 1, as in the layout."""

    def __init__(self, draw: ImageDraw.ImageDraw, scale: float) -> None:
        self.draw = draw
        self.scale = scale

    def px(self, value: float) -> int:
        return max(round(value * self.scale), 1)

    def face(self, size: int, bold: bool = False) -> Face:
        return load_face(self.px(size), bold)

    def text(
        self,
        at: Point,
        text: str,
        face: Face,
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

    def legend_label(
        self, right: int, y: int, label: str, colour: Colour = MUTED, bold: bool = False
    ) -> int:
        """Write `label` ending at `right`; returns where it starts."""
        face = self.face(19, bold)
        left = right - round(face.length(face.clean(label)))
        self.text((left, y), label, face, colour)
        return left

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

    def rank_badge(self, centre: Point, rank: int, fill: Colour) -> None:
        x, y = centre
        radius = self.px(BADGE_RADIUS)
        self.draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=fill,
            outline=INK,
            width=self.px(2),
        )
        ink = WHITE if luminance(fill) < 140 else INK
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
