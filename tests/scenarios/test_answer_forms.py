"""Answering without typing in the DM: menus, buttons and forms; handing a question to a
colleague; reviewing answers."""

from __future__ import annotations

import json

from bot.documents.export import render
from storage import interviews, workshops
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import is_closed, open_question, question_key

QUICK = {"duration": "2-4 weeks", "percent": "most of the time"}


def kind_of(key: str) -> str:
    base = key.rsplit(".", 1)[-1]
    if base in {
        "process_time",
        "lead_time",
        "lead_time_worst",
        "wait_before",
        "perceived_lead_time",
    }:
        return "duration"
    if base in {"receive_pca", "rework", "handover_returns"}:
        return "percent"
    return "text"


async def answer_all_with_buttons_and_forms(harness: Harness, name: str) -> int:
    user = harness[name]
    answered = 0
    while (message := open_question(harness, name)) is not None:
        key = question_key(message)
        if kind_of(key) == "text":
            await harness.slack.click(user, "answer_in_form")
            await harness.slack.settle(quiet=0.05)
            await harness.slack.submit_view(user, {"answer": {"value": f"Said in a form: {key}"}})
        else:
            await harness.slack.click(user, "quick_answer_pick", value=QUICK[kind_of(key)])
        await harness.slack.wait_for(lambda ts=message.ts: is_closed(harness, name, ts), timeout=10)
        await harness.slack.settle(quiet=0.05)
        answered += 1
        assert answered < 100
    return answered


async def test_a_role_answers_only_with_buttons_and_forms(harness: Harness) -> None:
    await harness.command("fran", "start Clicks product=@priya eng=@erin")
    count = await answer_all_with_buttons_and_forms(harness, "priya")
    assert count > 30
    assert any("That's everything" in t for t in harness.dm_texts("priya"))
    archive = harness.p2p.services.archive
    document = json.loads(render(await archive.export_workshop(), "json"))  # type: ignore[arg-type]
    (priya,) = [p for p in document["participants"] if p["user_id"] == harness["priya"]]
    assert len(priya["answers"]) == count
    for answer in priya["answers"]:
        if answer["kind"] == "duration":
            assert answer["parsed"]["kind"] == "duration"
            assert (answer["parsed"]["low"], answer["parsed"]["high"]) == (2, 4)
        elif answer["kind"] == "percent":
            assert (answer["parsed"]["low"], answer["parsed"]["high"]) == (75, 90)
        else:
            assert answer["raw_text"].startswith("Said in a form")


async def test_an_unreadable_duration_in_the_form_is_refused_inline(harness: Harness) -> None:
    await harness.command("fran", "start Forms product=@priya")
    while question_key(open_question(harness, "priya")) != "Idea.process_time":  # type: ignore[arg-type]
        await harness.slack.send_dm(harness["priya"], "a full and proper answer")
        await harness.slack.settle(quiet=0.1)
    await harness.slack.click(harness["priya"], "answer_in_form")
    await harness.slack.settle(quiet=0.05)
    await harness.slack.submit_view(harness["priya"], {"answer": {"value": "ages"}})
    assert "length of time" in harness.slack.view_errors(harness["priya"])["answer"]
    await harness.slack.submit_view(harness["priya"], {"answer": {"value": "3 hours"}})
    await harness.slack.settle()
    assert question_key(open_question(harness, "priya")) == "Idea.lead_time"  # type: ignore[arg-type]


async def test_not_my_stage_hands_the_question_to_a_colleague(harness: Harness) -> None:
    await harness.command("fran", "start Handing product=@priya")
    await harness.slack.click(harness["priya"], "ask_someone")
    await harness.slack.settle(quiet=0.05)
    await harness.slack.submit_view(harness["priya"], {"colleague": {"value": harness["mark"]}})
    await harness.slack.settle()
    assert question_key(open_question(harness, "priya")) == "Idea.needs", "priya goes on"
    (handed,) = harness.dm_texts("mark")
    assert "thinks you know this one better" in handed
    await harness.slack.click(harness["mark"], "answer_for_colleague")
    await harness.slack.settle(quiet=0.05)
    await harness.slack.submit_view(
        harness["mark"], {"answer": {"value": "A sponsor signs it off"}}
    )
    await harness.slack.settle()
    assert "answered the question you handed on" in harness.dm_texts("priya")[-1]
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        (first, *_) = await interviews.list_answers(session, workshop_id=workshop.id)
    assert (first.question_key, first.raw_text, first.answered_by) == (
        "Idea.what_happens",
        "A sponsor signs it off",
        harness["mark"],
    )


async def test_review_changes_answers_and_refuses_what_it_cannot_read(harness: Harness) -> None:
    await harness.command("fran", "start Review product=@priya")
    for _ in range(5):  # what happens, needs, who and tools, output, hands-on time
        text = "2 days" if _ == 4 else "a full and proper answer"
        await harness.slack.send_dm(harness["priya"], text)
        await harness.slack.settle(quiet=0.1)
    await harness.slack.send_dm(harness["priya"], "review")
    await harness.slack.settle(quiet=0.1)
    await harness.slack.click(harness["priya"], "review_answers")
    await harness.slack.settle(quiet=0.05)
    (form,) = harness.slack.open_views(harness["priya"])
    inputs = [b["block_id"] for b in form.blocks if b["type"] == "input"]
    assert inputs[-1] == "answer:d:Idea.process_time"
    await harness.slack.submit_view(harness["priya"], {"answer:d:Idea.process_time": "soonish"})
    assert (
        "length of time"
        in harness.slack.view_errors(harness["priya"])["answer:d:Idea.process_time"]
    )
    await harness.slack.submit_view(harness["priya"], {"answer:d:Idea.process_time": "4 days"})
    await harness.slack.settle()
    assert "1 answer changed" in harness.dm_texts("priya")[-1]
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = {
            a.question_key: a
            for a in await interviews.list_answers(session, workshop_id=workshop.id)
        }
    edited = stored["Idea.process_time"]
    assert edited.raw_text == "4 days"
    assert edited.parsed is not None
    assert edited.parsed["low"] == 4
