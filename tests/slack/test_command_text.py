"""What people type after /p2p, and what p2p makes of it."""

from __future__ import annotations

import pytest

from bot.slack.command_text import parse_command, parse_start_arguments
from bot.slack.ids import Subcommand
from bot.workshop.core.errors import BadStartCommand, NotAPerson, UnknownCommand
from bot.workshop.core.model import InterviewMode


@pytest.mark.parametrize(
    ("text", "subcommand", "argument"),
    [
        ("", Subcommand.HELP, ""),
        ("   ", Subcommand.HELP, ""),
        ("help", Subcommand.HELP, ""),
        ("STATUS", Subcommand.STATUS, ""),
        ("summary", Subcommand.SUMMARY, ""),
        ('start "A B" eng=<@U1>', Subcommand.START, '"A B" eng=<@U1>'),
    ],
)
def test_parse_command(text: str, subcommand: Subcommand, argument: str) -> None:
    parsed = parse_command(text)
    assert (parsed.subcommand, parsed.argument) == (subcommand, argument)


def test_unknown_subcommand_is_named_back() -> None:
    with pytest.raises(UnknownCommand) as raised:
        parse_command("launch rockets")
    assert raised.value.context == {"word": "launch"}


def roles_of(text: str) -> dict[str, tuple[str, ...]]:
    return {r.word: r.user_ids for r in parse_start_arguments(text).roles}


@pytest.mark.parametrize(
    ("text", "title", "roles"),
    [
        (
            '"Checkout revamp" product=<@U1|alice> eng=<@U2|bob>,<@U3|carol>',
            "Checkout revamp",
            {"product": ("U1",), "eng": ("U2", "U3")},
        ),
        ("“Smart quotes” qa=<@U4>", "Smart quotes", {"qa": ("U4",)}),
        ("Plain words title ops=<@U5> <@U6>", "Plain words title", {"ops": ("U5", "U6")}),
        ("eng=<@U2>, <@U3>", "Our path to production", {"eng": ("U2", "U3")}),
        ("ENG=<@U2> eng=<@U2>", "Our path to production", {"eng": ("U2",)}),
        ("x product=<@W12AB>", "x", {"product": ("W12AB",)}),
    ],
)
def test_parse_start_arguments(text: str, title: str, roles: dict[str, tuple[str, ...]]) -> None:
    assert parse_start_arguments(text).title == title
    assert roles_of(text) == roles


def test_mode_word() -> None:
    assert parse_start_arguments("eng=<@U1> mode=all").mode is InterviewMode.ALL_AT_ONCE
    assert parse_start_arguments("eng=<@U1>").mode is InterviewMode.IN_TURN
    with pytest.raises(BadStartCommand):
        parse_start_arguments("eng=<@U1> mode=sometimes")


@pytest.mark.parametrize(
    ("text", "word"),
    [("eng=bob", "bob"), ("eng=@bob", "@bob"), ("eng=<@U1> @carol", "@carol"), ("eng=", "nobody")],
)
def test_people_must_be_mentions(text: str, word: str) -> None:
    with pytest.raises(NotAPerson) as raised:
        parse_start_arguments(text)
    assert raised.value.context["word"] == word


def test_unclosed_quote_and_long_title_are_refused() -> None:
    with pytest.raises(BadStartCommand):
        parse_start_arguments('"Checkout eng=<@U1>')
    with pytest.raises(BadStartCommand):
        parse_start_arguments("x" * 151 + " eng=<@U1>")


def test_named_and_co_facilitators() -> None:
    parsed = parse_start_arguments("X eng=<@U1> co=<@U7>,<@U8> named=yes")
    assert parsed.named is True
    assert parsed.co_facilitators == ("U7", "U8")
    assert [r.word for r in parsed.roles] == ["eng"]
    assert parse_start_arguments("X eng=<@U1>").named is False
    with pytest.raises(BadStartCommand):
        parse_start_arguments("X eng=<@U1> named=perhaps")
