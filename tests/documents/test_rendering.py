"""Every sentence comes from prompts/, and nothing a user typed can ping anybody."""

from __future__ import annotations

import pytest

from bot.rendering import Mrkdwn, Renderer, escape_mrkdwn, shorten
from bot.workshop.core.errors import WorkshopError
from bot.workshop.ports import NoticeKind


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<http://x|y>", "&lt;http://x|y&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;", "&amp;lt;"),
        ("plain *bold*", "plain *bold*"),
    ],
)
def test_escape_mrkdwn(raw: str, escaped: str) -> None:
    assert escape_mrkdwn(raw) == escaped


def test_user_text_in_a_template_is_escaped_but_mentions_made_by_filters_are_not(
    renderer: Renderer,
) -> None:
    who = Mrkdwn(renderer.message("summary.who", role="QA", user_id="U42", named=True))
    text = renderer.message("summary.quote_line", label="Pain", who=who, text="<!here> & co")
    assert "<!here>" not in text
    assert "&lt;!here&gt; &amp; co" in text
    assert "<@U42>" in text


def test_a_user_id_that_is_not_an_id_is_escaped(renderer: Renderer) -> None:
    text = renderer.message("errors.not_facilitator", facilitator_id="<!channel>")
    assert "<!channel>" not in text


def test_every_notice_and_error_has_words(renderer: Renderer) -> None:
    for kind in NoticeKind:
        assert renderer.has_message(f"notices.{kind.value}"), kind
    for error_class in [WorkshopError, *WorkshopError.__subclasses__()]:
        assert renderer.has_message(f"errors.{error_class.message}"), error_class


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("the quick brown fox jumps", 12, "the quick…"),
        ("abcdefghijklmnop", 8, "abcdefg…"),
        ("spaces   are\nfolded", 30, "spaces are folded"),
    ],
)
def test_shorten_cuts_between_words(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit
