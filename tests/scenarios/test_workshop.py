"""A workshop as people live it in Slack: started in a channel, answered by DM."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.sandbox import Message
from bot.slack.blocks.messages import QuickAnswer
from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.analysis.themes import load_theme_book
from bot.workshop.core.model import Answer, Interview, Workshop
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import step_parts, wanted_parts
from bot.workshop.usecases.summarise import load_workshop
from storage import interviews, workshops
from tests.replies import reply_for
from tests.scenarios.conftest import Harness

ROLES = "product=@priya mgmt=@mark shared=@sam eng=@erin,@eli qa=@quinn ops=@omar support=@sofia"
QUESTION_BLOCK = "question:"
ANNOUNCED = re.compile(r"step (\d+) of (\d+)")


def bot_messages(harness: Harness, name: str) -> list[Message]:
    return [m for m in harness.slack.dm_messages(harness[name]) if m.user != harness[name]]


def asks(message: Message) -> bool:
    return any(str(b.get("block_id", "")).startswith(QUESTION_BLOCK) for b in message.blocks or [])


def open_question(harness: Harness, name: str) -> Message | None:
    """p2p's newest DM to the person, if it asks a step or a question and still has its
    buttons. (A re-ask for the rest of a step is a new message: the one before it stays.)"""
    sent = bot_messages(harness, name)
    if not sent:
        return None
    newest = sent[-1]
    blocks = newest.blocks or []
    if asks(newest) and any(b.get("type") == "actions" for b in blocks):
        return newest
    return None


def question_key(message: Message) -> str:
    for block in message.blocks or []:
        if str(block.get("block_id", "")).startswith(QUESTION_BLOCK):
            return str(block["block_id"]).removeprefix(QUESTION_BLOCK)
    raise AssertionError("not a question")


def asked_keys(harness: Harness, name: str) -> list[str]:
    """The key of every step or question p2p sent the person, re-asks included."""
    return [question_key(m) for m in bot_messages(harness, name) if asks(m)]


def announced(harness: Harness, name: str) -> list[tuple[int, int]]:
    """Every "step N of M" p2p showed the person, in order."""
    return [(int(n), int(m)) for text in harness.dm_texts(name) for n, m in ANNOUNCED.findall(text)]


def part_menus(message: Message) -> list[tuple[str, str]]:
    """The menus under a step, one a figure: (action_id, the part's key)."""
    menus = []
    for block in message.blocks or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") == "static_select":
                carried = QuickAnswer.model_validate_json(element["options"][0]["value"])
                assert carried.part_key is not None, "a step's menu answers one part"
                menus.append((str(element["action_id"]), carried.part_key))
    return menus


def is_closed(harness: Harness, name: str, ts: str) -> bool:
    """The question at ``ts`` shows its answer and has lost its buttons."""
    for message in harness.slack.dm_messages(harness[name]):
        if message.ts == ts:
            return not any(b.get("type") == "actions" for b in message.blocks or [])
    return False


def from_bot(harness: Harness, name: str) -> int:
    return len(bot_messages(harness, name))


async def interview_of(harness: Harness, name: str) -> tuple[Workshop, Interview]:
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
    (interview,) = [i for i in everyone if i.user_id == harness[name]]
    return workshop, interview


async def answers_of(harness: Harness, name: str) -> dict[str, Answer]:
    _, interview = await interview_of(harness, name)
    async with harness.p2p.database.transaction() as session:
        return await interviews.list_answers_of_interview(session, interview_id=interview.id)


async def question_for(harness: Harness, name: str, key: str) -> Question:
    workshop, interview = await interview_of(harness, name)
    question = harness.p2p.services.deps.bank.find(workshop, interview.role_key, key)
    assert question is not None, key
    return question


Reply = Callable[[Question, list[str]], str]


def typed_answer(question: Question, missing: list[str]) -> str:
    """Every part the step asks for, in one reply; or only the ``missing`` parts."""
    return reply_for(question, missing=missing)


async def wait_for_reply(harness: Harness, name: str, before: int) -> None:
    """p2p answered what the person did with a new message: the next step or question,
    a re-ask, or the thanks at the end."""
    await harness.slack.wait_for(lambda: from_bot(harness, name) > before, timeout=10)
    await harness.slack.settle(quiet=0.05)


MENU_ANSWERS = {"lead_time": "1 week", "receive_pca": "most of the time", "rework": "rarely"}


async def answer_all_by_typing(
    harness: Harness,
    name: str,
    *,
    menus: bool = False,
    reply: Reply = typed_answer,
    picks: list[str] | None = None,
) -> int:
    """Answer each step as it comes, in one typed reply, until p2p has no more for this
    person; with ``menus``, the figures in MENU_ANSWERS are picked from the step's menus
    first (each pick is kept, and p2p waits for the rest), and only the rest is typed.
    Returns how many messages were answered."""
    answered = 0
    while (message := open_question(harness, name)) is not None:
        key = question_key(message)
        if menus:
            sent = from_bot(harness, name)
            for action_id, part in part_menus(message):
                base = part.rsplit(".", 1)[-1]
                if base in MENU_ANSWERS:
                    await harness.slack.click(harness[name], action_id, value=MENU_ANSWERS[base])
                    await harness.slack.settle(quiet=0.05)
                    if picks is not None:
                        picks.append(part)
            assert from_bot(harness, name) == sent, "a pick for part of a step sends nothing"
            assert not is_closed(harness, name, message.ts), "the step waits for the rest"
        question = await question_for(harness, name, key)
        so_far = (await answers_of(harness, name)).get(key)
        missing = [p.key for p in wanted_parts(question, so_far)] if so_far else []
        before = from_bot(harness, name)
        await harness.slack.send_dm(harness[name], reply(question, missing))
        await wait_for_reply(harness, name, before)
        answered += 1
        assert answered < 60, "the interview never ended"
    return answered


async def finished_analysis(harness: Harness) -> PathAnalysis:
    """The summary's analysis of the latest workshop, as the channel gets it."""
    workshop, everyone, answers = await load_workshop(harness.p2p.database)
    bank = harness.p2p.services.deps.bank
    return analyse_path(workshop, everyone, answers, bank, load_theme_book())


async def test_a_workshop_runs_in_turn_from_start_to_summary(harness: Harness) -> None:
    await harness.command("fran", f'start "Checkout revamp" {ROLES}')
    assert "has started" in harness.ephemeral_texts("fran")[-1]
    (announcement,) = harness.channel_texts()
    assert "Checkout revamp" in announcement
    assert harness.dm_texts("priya"), "the first role in path order is asked first"
    assert harness.dm_texts("erin") == [], "later roles wait for their turn"

    order = ["priya", "mark", "sam", "erin", "eli", "quinn", "omar", "sofia"]
    bank = harness.p2p.services.deps.bank
    for name in order:
        # In turn: a role's first question comes once the role before has finished.
        await harness.slack.wait_for(lambda n=name: open_question(harness, n) is not None)
        answered = await answer_all_by_typing(harness, name)
        workshop, interview = await interview_of(harness, name)
        steps = [q.key for q in bank.questions_for(workshop, interview.role_key)]
        asked = asked_keys(harness, name)
        assert len(asked) == len(set(asked)) == answered, "each asked once, none again"
        assert [k for k in asked if k in steps] == steps, "every step of the role, in order"

    engineering_first = harness.dm_texts("erin")[0]
    assert "Shared Services said they hand this on" in engineering_first.replace("*", "")
    await harness.wait_for_channel(2, containing="From idea to production")
    await harness.slack.settle()
    assert len(harness.channel_texts()) == 2, "one announcement and one summary, no spam"
    parent = harness.slack.channel_messages(harness.channel)[-1]
    headline = harness.slack.render(parent)
    assert "From idea to production" in headline
    assert "All 8 interviews done" in headline
    stages = await harness.stage_view("quinn")
    for stage in (
        "Idea",
        "Approval",
        "Design",
        "Engineer",
        "Test",
        "Deploy",
        "Release",
        "Maintain",
    ):
        assert f". {stage}*" in stages
    assert "Hands-on 4 h" in stages, "half a day of hands-on time, in hours"
    analysis = await finished_analysis(harness)
    assert [h.to_stage for h in analysis.handoffs], "the path has hand-offs"
    for handoff in analysis.handoffs:
        # everyone who receives work said "usable 90% of the time"; senders "sometimes"
        assert handoff.pca == pytest.approx(0.9), handoff


async def test_every_delivery_twice_stores_and_sends_everything_once(harness: Harness) -> None:
    harness.slack.deliver_twice = True
    await harness.command("fran", "start Twice product=@priya")
    picks: list[str] = []
    answered = await answer_all_by_typing(harness, "priya", menus=True, picks=picks)
    await harness.wait_for_channel(2, containing="From idea to production")
    await harness.slack.settle()
    keys = asked_keys(harness, "priya")
    assert len(keys) == len(set(keys)), "no question asked twice"
    assert len(keys) == answered
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert len(stored) == answered, "one stored answer a step or follow-up"
    figures = [a for a in stored if a.question_key.endswith(".figures")]
    assert len(figures) == 3, "the Product Owner's three stages"
    picked = [step_parts(a)[f"{a.stage}.lead_time"]["text"] for a in figures]
    assert picked == ["1 week"] * 3, "menu picks, each stored once"
    assert all(f"{a.stage}.process_time" in step_parts(a) for a in figures), "and the rest typed"
    assert len(picks) >= 2 * len(figures), "elapsed time and rework, picked at every stage"
    clicks = [d for d in harness.slack.deliveries if d.kind == "interactive"]
    assert len(clicks) == len(picks), "the only clicks were the picks"
    assert all(d.retries for d in clicks), "every click arrived twice"
    assert len(harness.channel_texts()) == 2, "one announcement, one summary"


async def test_strangers_get_an_explanation_and_nothing_else(harness: Harness) -> None:
    await harness.slack.send_dm(harness["stranger"], "hello? what is this")
    await harness.slack.settle()
    (reply,) = harness.dm_texts("stranger")[1:]
    assert "not part of a workshop" in reply
    assert "/p2p start" in reply


async def test_user_text_pings_nobody_in_the_summary(harness: Harness) -> None:
    await harness.command("fran", "start Pings product=@priya")
    await harness.slack.send_dm(harness["priya"], "2 days of work over 3 weeks, comes back rarely")
    await harness.slack.settle()
    assert question_key(open_question(harness, "priya")) == "Idea.story"  # type: ignore[arg-type]
    await harness.slack.send_dm(harness["priya"], "@channel look at @mark & <http://x|y>")
    await harness.slack.settle()
    await harness.command("fran", "summary")
    summary_call = harness.slack.calls_to("chat.postMessage")[-1]
    raw = str(summary_call.args["blocks"])
    assert "<!channel>" not in raw
    assert "&lt;!channel&gt;" in raw
    assert f"&lt;@{harness['mark']}&gt; &amp; &lt;http://x|y&gt;" in raw
