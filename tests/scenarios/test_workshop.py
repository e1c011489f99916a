"""A workshop as people live it in Slack: started in a channel, answered by DM."""

from __future__ import annotations

from bot.sandbox import Message
from storage import interviews, workshops
from tests.scenarios.conftest import Harness

ROLES = "product=@priya mgmt=@mark shared=@sam eng=@erin,@eli qa=@quinn ops=@omar support=@sofia"


def open_question(harness: Harness, name: str) -> Message | None:
    """The newest DM from p2p that still has answer buttons under it."""
    for message in reversed(harness.slack.dm_messages(harness[name])):
        blocks = message.blocks or []
        if (
            message.user == harness.slack.bot_user_id
            and any(b.get("type") == "actions" for b in blocks)
            and any(str(b.get("block_id", "")).startswith("question:") for b in blocks)
        ):
            return message
    return None


def question_key(message: Message) -> str:
    for block in message.blocks or []:
        if str(block.get("block_id", "")).startswith("question:"):
            return str(block["block_id"]).removeprefix("question:")
    raise AssertionError("not a question")


def typed_answer(key: str) -> str:
    base = key.rsplit(".", 1)[-1]
    return {
        "process_time": "half a day",
        "lead_time": "2-3 weeks",
        "lead_time_worst": "about 2 months",
        "wait_before": "3d",
        "perceived_lead_time": "about a month",
        "receive_pca": "90%",
        "rework": "rarely",
        "handover_returns": "sometimes",
    }.get(base, f"Our answer about {key}, in a few words")


def is_closed(harness: Harness, name: str, ts: str) -> bool:
    """The question at ``ts`` shows its answer and has lost its buttons."""
    for message in harness.slack.dm_messages(harness[name]):
        if message.ts == ts:
            return not any(b.get("type") == "actions" for b in message.blocks or [])
    return False


def from_bot(harness: Harness, name: str) -> int:
    return sum(1 for m in harness.slack.dm_messages(harness[name]) if m.user != harness[name])


MENU_ANSWERS = {"lead_time": "1 week", "receive_pca": "most of the time", "rework": "rarely"}


async def answer_all_by_typing(harness: Harness, name: str, *, menus: bool = False) -> int:
    """Answer each question as it comes, until p2p has no more for this person; with
    ``menus``, some answers are picked from the quick-answer menu instead of typed."""
    answered = 0
    while (message := open_question(harness, name)) is not None:
        before = from_bot(harness, name)
        base = question_key(message).rsplit(".", 1)[-1]
        if menus and base in MENU_ANSWERS:
            await harness.slack.click(harness[name], "quick_answer_pick", value=MENU_ANSWERS[base])
        else:
            await harness.slack.send_dm(harness[name], typed_answer(question_key(message)))
        await harness.slack.wait_for(
            lambda b=before, ts=message.ts: (
                from_bot(harness, name) > b and is_closed(harness, name, ts)
            ),
            timeout=10,
        )
        answered += 1
        assert answered < 100, "the interview never ended"
    await harness.slack.settle(quiet=0.1)
    return answered


async def test_a_workshop_runs_in_turn_from_start_to_summary(harness: Harness) -> None:
    await harness.command("fran", f'start "Checkout revamp" {ROLES}')
    assert "has started" in harness.ephemeral_texts("fran")[-1]
    (announcement,) = harness.channel_texts()
    assert "Checkout revamp" in announcement
    assert harness.dm_texts("priya"), "the first role in path order is asked first"
    assert harness.dm_texts("erin") == [], "later roles wait for their turn"

    order = ["priya", "mark", "sam", "erin", "eli", "quinn", "omar", "sofia"]
    counts = {}
    for name in order:
        # In turn: a role's first question comes once the role before has finished.
        await harness.slack.wait_for(lambda n=name: open_question(harness, n) is not None)
        counts[name] = await answer_all_by_typing(harness, name)
    assert all(count > 10 for count in counts.values()), counts

    engineering_first = harness.dm_texts("erin")[0]
    assert "Shared Services said they hand this on" in engineering_first.replace("*", "")
    await harness.wait_for_channel(2, containing="From idea to production")
    await harness.slack.settle()
    assert len(harness.channel_texts()) == 2, "one announcement and one summary, no spam"
    parent = harness.slack.channel_messages(harness.channel)[-1]
    headline = harness.slack.render(parent)
    assert "From idea to production" in headline
    assert "All 8 interviews done" in headline
    thread = " ".join(
        harness.slack.render(m) for m in harness.slack.thread(harness.channel, parent.ts)
    )
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
        assert f". {stage}*" in thread
    assert "Hands-on 4 h" in thread, "half a day of hands-on time, in hours"


async def test_every_delivery_twice_stores_and_sends_everything_once(harness: Harness) -> None:
    harness.slack.deliver_twice = True
    await harness.command("fran", "start Twice product=@priya")
    answered = await answer_all_by_typing(harness, "priya", menus=True)
    await harness.wait_for_channel(2, containing="From idea to production")
    await harness.slack.settle()
    questions = [
        m for m in harness.slack.dm_messages(harness["priya"]) if m.user != harness["priya"]
    ]
    keys = [
        question_key(m)
        for m in questions
        if any(str(b.get("block_id", "")).startswith("question:") for b in m.blocks or [])
    ]
    assert len(keys) == len(set(keys)), "no question asked twice"
    assert len(keys) == answered
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert len(stored) == answered
    picked = [a for a in stored if a.question_key.endswith(".lead_time")]
    assert [a.raw_text for a in picked] == ["1 week"] * 3, "menu clicks, each stored once"
    clicks = [d for d in harness.slack.deliveries if d.kind == "interactive"]
    assert len(clicks) >= 2 * len(picked), "every click arrived twice"
    assert len(harness.channel_texts()) == 2, "one announcement, one summary"


async def test_strangers_get_an_explanation_and_nothing_else(harness: Harness) -> None:
    await harness.slack.send_dm(harness["stranger"], "hello? what is this")
    await harness.slack.settle()
    (reply,) = harness.dm_texts("stranger")[1:]
    assert "not part of a workshop" in reply
    assert "/p2p start" in reply


async def test_user_text_pings_nobody_in_the_summary(harness: Harness) -> None:
    await harness.command("fran", "start Pings product=@priya")
    await harness.slack.send_dm(harness["priya"], "@channel look at @mark & <http://x|y>")
    await harness.slack.settle()
    await harness.command("fran", "summary")
    summary_call = harness.slack.calls_to("chat.postMessage")[-1]
    raw = str(summary_call.args["blocks"])
    assert "<!channel>" not in raw
    assert "&lt;!channel&gt;" in raw
    assert f"&lt;@{harness['mark']}&gt; &amp; &lt;http://x|y&gt;" in raw
