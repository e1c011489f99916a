"""Reading what people type after /p2p. Pure: text in, typed request out."""

from __future__ import annotations

import re
import shlex

from bot.slack.ids import Subcommand
from bot.workshop.core.errors import BadStartCommand, NotAPerson, UnknownCommand
from bot.workshop.core.model import Frozen, InterviewMode
from bot.workshop.core.planning import RoleRequest

DEFAULT_TITLE = "Our path to production"
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
MODE_WORDS = {
    "in-turn": InterviewMode.IN_TURN,
    "in_turn": InterviewMode.IN_TURN,
    "turn": InterviewMode.IN_TURN,
    "all": InterviewMode.ALL_AT_ONCE,
    "all-at-once": InterviewMode.ALL_AT_ONCE,
    "all_at_once": InterviewMode.ALL_AT_ONCE,
    "together": InterviewMode.ALL_AT_ONCE,
}


class ParsedCommand(Frozen):
    subcommand: Subcommand
    argument: str = ""


class StartArguments(Frozen):
    title: str
    roles: tuple[RoleRequest, ...]
    mode: InterviewMode = InterviewMode.IN_TURN
    co_facilitators: tuple[str, ...] = ()
    named: bool = False  # quote people by name in the summary


YES_NO = {"yes": True, "y": True, "true": True, "on": True, "no": False, "n": False,
          "false": False, "off": False}  # fmt: skip
CO_FACILITATOR_WORDS = frozenset({"co", "cofacilitator", "cofacilitators", "co-facilitator",
                                  "co-facilitators", "facilitators"})  # fmt: skip


def parse_command(text: str) -> ParsedCommand:
    """Split ``/p2p`` text into its subcommand and the rest; no text means help."""
    word, _, rest = text.strip().partition(" ")
    if not word:
        return ParsedCommand(subcommand=Subcommand.HELP)
    try:
        subcommand = Subcommand(word.casefold())
    except ValueError:
        raise UnknownCommand(word=word[:40]) from None
    return ParsedCommand(subcommand=subcommand, argument=rest.strip())


def parse_start_arguments(text: str) -> StartArguments:
    """``"Title" role=@a,@b role2=@c mode=all`` → title, people per role, mode."""
    try:
        tokens = shlex.split(text.translate(SMART_QUOTES))
    except ValueError:
        raise BadStartCommand(detail="a quote is not closed") from None
    title_words: list[str] = []
    roles: dict[str, list[str]] = {}
    mode = InterviewMode.IN_TURN
    named = False
    last_role: str | None = None
    for token in tokens:
        key, equals, value = token.partition("=")
        if equals:
            key = key.strip().casefold()
            if not key:
                raise BadStartCommand(detail=f"`{token}` has no role before the =")
            if key in ("named", "names"):
                if value.casefold() not in YES_NO:
                    raise BadStartCommand(detail="named is `yes` or `no`")
                named = YES_NO[value.casefold()]
                last_role = None
                continue
            if key == "mode":
                if value.casefold() not in MODE_WORDS:
                    raise BadStartCommand(detail="mode is `in-turn` or `all`")
                mode = MODE_WORDS[value.casefold()]
                last_role = None
                continue
            _add(roles.setdefault(key, []), _people(key, value))
            last_role = key
        elif last_role is not None and token.startswith("<@"):
            _add(roles[last_role], _people(last_role, token))
        elif last_role is not None and token.startswith("@"):
            raise NotAPerson(word=token, role=last_role)
        else:
            last_role = None
            title_words.append(token)
    co_facilitators = tuple(
        person for word in CO_FACILITATOR_WORDS for person in roles.pop(word, [])
    )
    title = " ".join(title_words).strip() or DEFAULT_TITLE
    if len(title) > 150:
        raise BadStartCommand(detail="the title is longer than 150 characters")
    return StartArguments(
        title=title,
        roles=tuple(RoleRequest(word=key, user_ids=tuple(ids)) for key, ids in roles.items()),
        mode=mode,
        co_facilitators=tuple(dict.fromkeys(co_facilitators)),
        named=named,
    )


def parse_person(text: str) -> str | None:
    """The user id in a mention like <@U123|name>; None when the text is empty."""
    text = text.strip()
    if not text:
        return None
    match = USER_MENTION.match(text.split()[0])
    if match is None:
        raise NotAPerson(word=text.split()[0][:40], role="remind")
    return match.group(1)


def _add(people: list[str], more: list[str]) -> None:
    people.extend(person for person in more if person not in people)


def _people(role: str, value: str) -> list[str]:
    people: list[str] = []
    for part in re.split(r"[,\s]+", value.strip()):
        if not part:
            continue
        match = USER_MENTION.match(part)
        if match is None:
            raise NotAPerson(word=part, role=role)
        if match.group(1) not in people:
            people.append(match.group(1))
    if not people:
        raise NotAPerson(word=value or "nobody", role=role)
    return people
