"""Numbers as people type them: "12", "1.5", "1/2", "1 1/2", "twenty-five", "a hundred", and
the vague quantities in words ("a few", "half", "most of the time").

Numbers are read from lower-case tokens (see `bot.workshop.core.durations`), so that a number
spread over several tokens ("1 1/2", "twenty five") is read in one step.
"""

import re
from collections.abc import Sequence
from typing import Final

_SMALL_WORDS: Final = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen")  # fmt: skip
_TENS_WORDS: Final = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SMALL_NUMBERS: Final = {word: value for value, word in enumerate(_SMALL_WORDS)}
TENS: Final = {word: 10 * value for value, word in enumerate(_TENS_WORDS, 2)} | {"fourty": 40}
_COUNTS: Final = {"dozen": 12, "hundred": 100}

# Amounts in words: "a few days" is 2 to 4 days, "half an hour" is 0.5 hours.
VAGUE_AMOUNTS: Final = {"couple": (2.0, 2.0), "few": (2.0, 4.0), "several": (3.0, 6.0)}
FRACTIONS: Final = {"half": 0.5, "quarter": 0.25}

# How often something happens, as a percentage of the time (low, high).
FREQUENCIES: Final[dict[tuple[float, float], tuple[str, ...]]] = {
    (100.0, 100.0): ("always", "every time", "each time", "all the time", "all"),
    (90.0, 99.0): ("almost always", "nearly always", "pretty much always", "virtually always",
        "almost every time", "nearly every time", "almost all", "nearly all"),
    (75.0, 90.0): ("most of the time", "mostly", "most", "usually", "normally", "generally",
        "typically", "the majority", "majority"),
    (60.0, 80.0): ("often", "frequently", "a lot of the time"),
    (50.0, 50.0): ("half the time", "half of the time", "half", "fifty fifty"),
    (30.0, 60.0): ("sometimes", "some of the time"),
    (10.0, 30.0): ("occasionally", "now and then", "now and again"),
    (0.0, 20.0): ("rarely", "seldom", "not often", "not usually", "infrequently"),
    (1.0, 10.0): ("almost never", "nearly never", "hardly ever", "very rarely"),
    (0.0, 0.0): ("never", "none", "nothing", "not at all"),
}  # fmt: skip

_DIGITS: Final = re.compile(r"\d+/\d+|\d*\.\d+|\d+")


def _is_digits(token: str) -> bool:
    """Whether `token` is a number in digits: "12", "1.5", ".5" or "1/2"."""
    return _DIGITS.fullmatch(token) is not None


def read_number(tokens: Sequence[str], start: int) -> tuple[float, int] | None:
    """Read a number at `tokens[start]`, in digits or in words.

    Returns the value and the index of the first token after it, or None when no number
    starts there (or it divides by zero).
    """
    token = tokens[start] if start < len(tokens) else ""
    if not _is_digits(token):
        words = read_number_words(tokens, start)
        return None if words is None else (float(words[0]), words[1])
    if "/" in token:
        top, bottom = (int(part) for part in token.split("/"))
        return (top / bottom, start + 1) if bottom else None
    after = tokens[start + 1] if start + 1 < len(tokens) else ""
    if "." not in token and "/" in after and _is_digits(after):  # "1 1/2"
        top, bottom = (int(part) for part in after.split("/"))
        if 0 < top < bottom:
            return int(token) + top / bottom, start + 2
    return float(token), start + 1


def read_number_words(tokens: Sequence[str], start: int) -> tuple[int, int] | None:
    """Read a number in words at `tokens[start]`.

    Returns the value and the index of the first token after it, or None when no number
    word starts there. Covers 0 to 100: "seven", "forty two", "forty-two", "hundred",
    "a hundred", "one hundred", "a dozen".
    """

    def at(index: int) -> str:
        return tokens[index] if index < len(tokens) else ""

    word = at(start)
    if word in ("a", "one") and at(start + 1) in _COUNTS:
        return _COUNTS[at(start + 1)], start + 2
    if word in _COUNTS:
        return _COUNTS[word], start + 1
    if word in TENS:
        after = start + 2 if at(start + 1) == "-" else start + 1
        ones = SMALL_NUMBERS.get(at(after), 0)
        if 1 <= ones <= 9:
            return TENS[word] + ones, after + 1
        return TENS[word], start + 1
    if word in SMALL_NUMBERS:
        return SMALL_NUMBERS[word], start + 1
    return None
