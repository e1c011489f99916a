"""What people complain about: which answers complain, and the pain areas they name.

A text answer is a complaint, except a receive_confirm that agrees (its first word "yes",
"correct", "ok"…) or a gates answer that denies (first word "none", "no", "nothing"…),
unless either goes on with "but", "except", "not", "missing", "sometimes"…

The pain areas are a theme book, kept as data (prompts/questions/themes.toml); loading
validates it, so a bad edit fails at start-up and in the tests. A keyword matches
case-insensitively, as whole words:

- "approval" also matches its plural ("approvals"; an "s" or "es" ending);
- a space, hyphen or slash inside a keyword matches any of them, or nothing: "sign-off"
  matches "sign off", "signoff" and "sign-off";
- a keyword ending in "*" matches any ending: "priorit*" matches "priority" and
  "prioritisation".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.workshop.core.analysis.model import Quote, Theme, ThemeKey
from bot.workshop.core.model import Frozen
from bot.workshop.core.questions import QuestionBankError
from prompts import QUESTIONS_DIR

_KEYWORD = re.compile(r"^[\w&'.]+(?:[ /-][\w&'.]+)*\*?$")
_AGREEING = frozenset({"yes", "yep", "yeah", "y", "correct", "exactly", "right", "ok", "okay"})
_DENYING = frozenset({"none", "no", "nope", "nothing", "n", "na", "nil"})
_BUT = frozenset(
    {"but", "except", "though", "although", "however", "apart", "not", "never", "missing",
     "without", "sometimes", "rarely"}
)  # fmt: skip


def is_complaint(question: str, text: str) -> bool:
    """Whether `text`, answering the question keyed `question` ("gates"), complains."""
    plain = {"receive_confirm": _AGREEING, "gates": _DENYING}.get(question)
    words = re.findall(r"[a-z']+", text.casefold())
    return not (plain and words and words[0] in plain and not _BUT.intersection(words))


class ThemeEntry(Frozen):
    key: ThemeKey
    title: str = Field(min_length=1, max_length=60)
    keywords: tuple[str, ...] = Field(min_length=1)

    @field_validator("keywords")
    @classmethod
    def _plain_words(cls, keywords: tuple[str, ...]) -> tuple[str, ...]:
        for keyword in keywords:
            if not _KEYWORD.match(keyword):
                raise ValueError(f"keyword {keyword!r} is not a word or short phrase")
        return keywords


class ThemeBook(Frozen):
    themes: tuple[ThemeEntry, ...]

    @model_validator(mode="after")
    def _every_theme_once(self) -> ThemeBook:
        keys = [theme.key for theme in self.themes]
        if sorted(keys) != sorted(ThemeKey):
            missing = sorted(set(ThemeKey) - set(keys))
            twice = sorted({key for key in keys if keys.count(key) > 1})
            raise ValueError(f"every theme once: missing {missing}, twice {twice}")
        return self

    def matching(self, text: str) -> tuple[ThemeKey, ...]:
        """The themes whose keywords occur in `text`, in book order."""
        return tuple(t.key for t in self.themes if _pattern(t.keywords).search(text))

    def sort(self, quotes: Iterable[Quote]) -> tuple[Theme, ...]:
        """Each quote in every theme it matches; themes with quotes, most quotes first."""
        found: dict[ThemeKey, list[Quote]] = {theme.key: [] for theme in self.themes}
        for quote in quotes:
            for key in self.matching(quote.text):
                found[key].append(quote)
        themes = [Theme(key=t.key, title=t.title, quotes=tuple(found[t.key])) for t in self.themes]
        return tuple(sorted((t for t in themes if t.quotes), key=lambda t: -len(t.quotes)))


@lru_cache(maxsize=64)
def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    def one(keyword: str) -> str:
        stem = keyword.removesuffix("*")
        words = (re.escape(word) for word in re.split(r"[ /-]", stem))
        ending = r"\w*" if keyword.endswith("*") else r"(?:e?s)?"
        return r"[\s/-]?".join(words) + ending

    return re.compile(rf"(?<!\w)(?:{'|'.join(map(one, keywords))})(?!\w)", re.IGNORECASE)


def load_theme_book(path: Path = QUESTIONS_DIR / "themes.toml") -> ThemeBook:
    """Read and check the theme book; a missing or bad file raises QuestionBankError."""
    try:
        with path.open("rb") as file:
            return ThemeBook.model_validate(tomllib.load(file))
    except FileNotFoundError:
        raise QuestionBankError(f"{path} is missing") from None
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise QuestionBankError(f"{path}: {error}") from None
