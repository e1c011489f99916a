"""Reading one typed reply into the parts of a step. Pure.

A reply such as "2 days of work over 3 weeks, comes back about a third of the time"
answers several parts at once. The rules:

- Figures are found as the longest runs of words (up to eight) that read whole as a
  duration or a percentage ("2 days of work", "about a third of the time", "don't
  know"). A percentage must say so: a % sign, "percent", a fraction ("a third", "one in
  four") or a word of frequency ("rarely", "most of the time"); a bare number, in digits
  or in words ("3", "one"), is not one.
  A run may not begin with "over" right after another duration ("… over 3 weeks": there
  "over" ties the second figure to the elapsed time, it is not "more than").
- Each figure goes to a part of its kind by the part's cue words (prompts/questions/
  interview.toml): the nearest cue within the same clause (commas, semicolons and full
  stops end a clause) wins, nearest pairs first.
- Figures with no cue fill what is left in the step's order, except two durations for
  hands-on and elapsed time, which go smaller to hands-on (work cannot take longer than
  the time it spends in the stage).
- Text parts share the sentences that are not only figures: with fewer sentences than
  text parts, the parts that are not optional are served first; otherwise one sentence
  each, in order, and the last takes the rest. A single text part takes the whole reply.
- A step that still wants exactly one part reads the whole reply as that part.
- Figures are looked for in the reply's first MAX_FIGURE_WORDS words: a step's figures
  take a sentence or two, and trying every run of words of a pasted essay would keep the
  bot busy for seconds. The words after them still count as text.

Nothing is guessed beyond this: a part the reply does not fill is asked for again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.numbers_in_words import SMALL_NUMBERS, TENS
from bot.workshop.core.questions import Part, QuestionKind

MAX_RUN = 8
MAX_FIGURE_WORDS = 100
_CLAUSE_END = re.compile(r"[,;.!?]$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_FRACTIONS = (
    (re.compile(r"\b(?:a|one) third\b"), "33%"),
    (re.compile(r"\btwo thirds\b"), "67%"),
    (re.compile(r"\b(?:a|one) quarter\b"), "25%"),
    (re.compile(r"\bthree quarters\b"), "75%"),
    (re.compile(r"\b(?:a|one) fifth\b"), "20%"),
    (re.compile(r"\b(?:a|one) tenth\b"), "10%"),
)
_IN_N = re.compile(r"\b(one|1) (?:in|out of) (\d+|two|three|four|five|ten)\b")
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
_FILLER = frozenset({"of", "the", "time", "times"})
_SAYS_PERCENT = re.compile(r"%|\bpercent\b|\bper cent\b")
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join([*SMALL_NUMBERS, *TENS])})\b")


def normalise_percent(text: str) -> str:
    """Fractions said in words become percentages: "a third" → "33%"."""
    lowered = text.casefold()
    for pattern, replacement in _FRACTIONS:
        lowered = pattern.sub(replacement, lowered)

    def one_in(match: re.Match[str]) -> str:
        count = _NUMBERS.get(match.group(2)) or int(match.group(2))
        return f"{round(100 / count)}%" if count else match.group(0)

    return _IN_N.sub(one_in, lowered)


@dataclass(frozen=True)
class Figure:
    kind: QuestionKind
    start: int  # word positions in the reply
    end: int
    text: str
    parsed: dict[str, object]


def _plain(word: str) -> str:
    return word.strip(",;.!?()").casefold()


def _reading(kind: QuestionKind, words: Sequence[str]) -> dict[str, object] | None:
    span = " ".join(words).rstrip(",;.!?")
    if kind is QuestionKind.DURATION:
        duration = parse_duration(span)
        return None if duration is None else duration.model_dump(mode="json")
    normal = normalise_percent(span)
    percent = parse_percent(normal)
    if percent is None or parse_duration(span) is not None:
        return None
    if percent.kind == "unknown" or _SAYS_PERCENT.search(normal):
        return percent.model_dump(mode="json")
    if not re.search(r"\d", normal) and not _NUMBER_WORD.search(normal):
        return percent.model_dump(mode="json")  # words of frequency: "rarely", "about half"
    return None


class _Readings:
    """What each run of a reply's words reads as, worked out once per run: finding the
    figures tries the same runs again and again (each grown a word at a time, from each
    word), and reading one (durations.py) is the costly part."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = words
        self._known: dict[tuple[QuestionKind, int, int], dict[str, object] | None] = {}

    def __call__(self, kind: QuestionKind, start: int, end: int) -> dict[str, object] | None:
        key = (kind, start, end)
        if key not in self._known:
            self._known[key] = _reading(kind, self.words[start:end])
        return self._known[key]


def _figure_at(readings: _Readings, start: int, after_duration: bool) -> Figure | None:
    """The figure that begins at `start`: the shortest run of words that reads as one,
    grown while more words change what it means ("2 days" → "2 days of work"), within
    its clause. None when the run would read the same without its first word."""
    words = readings.words
    if after_duration and words[start].casefold() == "over":
        return None
    limit = start
    while limit < min(len(words), start + MAX_RUN):
        limit += 1
        if _CLAUSE_END.search(words[limit - 1]):
            break
    for kind in (QuestionKind.DURATION, QuestionKind.PERCENT):
        end = next((e for e in range(start + 1, limit + 1) if readings(kind, start, e)), None)
        if end is None:
            continue
        value = readings(kind, start, end)
        if end - start > 1 and readings(kind, start + 1, end) == value:
            return None  # the first word adds nothing: the figure starts later
        for longer in range(end + 1, limit + 1):
            grown = readings(kind, start, longer)
            if grown is not None and grown != value:
                end, value = longer, grown
        while (
            end < limit
            and _plain(words[end]) in _FILLER
            and (readings(kind, start, end + 1) == value)
        ):
            end += 1  # "most" → "most of the time": the same figure, said whole
        assert value is not None
        text = " ".join(words[start:end]).rstrip(",;.!?")
        return Figure(kind, start, end, text, dict(value))
    return None


def find_figures(text: str) -> list[Figure]:
    words = text.split()
    readings = _Readings(words)
    found: list[Figure] = []
    index = 0
    while index < len(words):
        after_duration = bool(found) and found[-1].kind is QuestionKind.DURATION
        figure = _figure_at(readings, index, after_duration)
        if figure is None:
            index += 1
            continue
        found.append(figure)
        index = figure.end
    return found


def _clause_of(words: Sequence[str], figure: Figure) -> tuple[int, int]:
    start = figure.start
    while start > 0 and not _CLAUSE_END.search(words[start - 1]):
        start -= 1
    end = figure.end
    while end < len(words) and not _CLAUSE_END.search(words[end - 1]):
        end += 1
    return start, end


def _cue_distance(words: Sequence[str], figure: Figure, cues: Sequence[str]) -> int | None:
    """How many words lie between the figure and its nearest cue in the same clause (0:
    the cue is inside the figure's own words); None when the clause has none."""
    start, end = _clause_of(words, figure)
    plain = [w.strip(",;.!?()").casefold() for w in words]
    best: int | None = None
    for cue in cues:
        size = len(cue.split())
        for i in range(start, end - size + 1):
            if " ".join(plain[i : i + size]) != cue.casefold():
                continue
            if i >= figure.start and i + size <= figure.end:
                distance = 0
            elif i < figure.start:
                distance = figure.start - (i + size) + 1
            else:
                distance = i - figure.end + 1
            best = distance if best is None else min(best, distance)
    return best


def _assign_figures(
    words: Sequence[str], figures: list[Figure], parts: Sequence[Part]
) -> dict[str, Figure]:
    wanted = [p for p in parts if p.kind.is_figure]
    pairs = sorted(
        (distance, n, p.key, figure)
        for n, figure in enumerate(figures)
        for p in wanted
        if p.kind is figure.kind
        and (distance := _cue_distance(words, figure, p.template.cues)) is not None
    )
    given: dict[str, Figure] = {}
    used: set[int] = set()
    for _, n, key, figure in pairs:
        if key not in given and n not in used:
            given[key] = figure
            used.add(n)
    left = [f for n, f in enumerate(figures) if n not in used]
    open_parts = [p for p in wanted if p.key not in given and not p.template.optional]
    durations = [f for f in left if f.kind is QuestionKind.DURATION]
    pair = [p for p in open_parts if p.base_key in ("process_time", "lead_time")]
    if len(durations) == 2 and len(pair) == 2:
        smaller, larger = sorted(durations, key=_typical_days)
        hands_on = next(p for p in pair if p.base_key == "process_time")
        elapsed = next(p for p in pair if p.base_key == "lead_time")
        given[hands_on.key], given[elapsed.key] = smaller, larger
        left = [f for f in left if f not in durations]
    for figure in left:
        for p in [*open_parts, *(p for p in wanted if p.template.optional)]:
            if p.kind is figure.kind and p.key not in given:
                given[p.key] = figure
                break
    return given


def _typical_days(figure: Figure) -> float:
    duration = parse_duration(figure.text)
    if duration is None or duration.kind == "unknown":
        return float("inf")
    return duration.typical_days(8)


def _assign_texts(text: str, figures: list[Figure], parts: Sequence[Part]) -> dict[str, str]:
    texts = [p for p in parts if p.kind is QuestionKind.TEXT]
    if not texts:
        return {}
    if len(texts) == 1:
        return {texts[0].key: text.strip()}
    figure_only = {f.text.casefold().strip() for f in figures}
    sentences = [
        s.strip()
        for s in _SENTENCE.split(text.strip())
        if s.strip() and s.strip().rstrip(".!?").casefold() not in figure_only
    ]
    if not sentences:
        return {}
    if len(sentences) < len(texts):
        required = [p for p in texts if not p.template.optional]
        texts = (required + [p for p in texts if p.template.optional])[: len(sentences)]
        texts = [p for p in parts if p in texts]
    given = {p.key: s for p, s in zip(texts[:-1], sentences, strict=False)}
    rest = sentences[len(texts) - 1 :]
    if rest:
        given[texts[-1].key] = " ".join(rest)
    return given


def _read_whole(text: str, part: Part, figures: Sequence[Figure]) -> dict[str, PartReading]:
    cleaned = text.strip()
    if part.kind is QuestionKind.TEXT:
        return {part.key: PartReading(cleaned, None)} if cleaned else {}
    whole = (
        parse_duration(cleaned)
        if part.kind is QuestionKind.DURATION
        else parse_percent(normalise_percent(cleaned))
    )
    if whole is not None:
        return {part.key: PartReading(cleaned, whole.model_dump(mode="json"))}
    of_kind = [f for f in figures if f.kind is part.kind]
    if len(of_kind) == 1:
        return {part.key: PartReading(of_kind[0].text, of_kind[0].parsed)}
    return {}


@dataclass(frozen=True)
class PartReading:
    """What a reply said for one part: the words that said it and what they mean."""

    text: str
    parsed: dict[str, object] | None


def read_reply(text: str, parts: Sequence[Part]) -> dict[str, PartReading]:
    """The parts a typed reply fills, by the rules in this module's docstring; `parts` are
    those still wanted, in the step's order."""
    words = text.split()[:MAX_FIGURE_WORDS]
    figures = find_figures(" ".join(words))
    required = [p for p in parts if not p.template.optional]
    if len(required) == 1 and len(parts) == 1:
        return _read_whole(text, parts[0], figures)
    if len(figures) == 1 and figures[0].parsed.get("kind") == "unknown" and len(words) <= 4:
        # "don't know" to a step: every figure it still wants is unknown
        return {
            p.key: PartReading(text.strip(), figures[0].parsed)
            for p in required
            if p.kind.is_figure
        }
    readings = {
        key: PartReading(figure.text, figure.parsed)
        for key, figure in _assign_figures(words, figures, parts).items()
    }
    readings.update(
        (key, PartReading(said, None)) for key, said in _assign_texts(text, figures, parts).items()
    )
    return readings
