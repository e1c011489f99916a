"""Answering without typing in the DM: menus, buttons and forms; handing a question to a
colleague; reviewing answers."""

from __future__ import annotations

import json

from bot.documents.export import render
from bot.sandbox import Message
from bot.workshop.core.questions import QuestionKind
from bot.workshop.core.steps import step_parts
from storage import interviews, workshops
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import (
    answers_of,
    asked_keys,
    bot_messages,
    interview_of,
    is_closed,
    open_question,
    part_menus,
    question_for,
    question_key,
)

QUICK = {QuestionKind.DURATION: "2-4 weeks", QuestionKind.PERCENT: "most of the time"}


def form_inputs(harness: Harness, name: str) -> list[str]:
    (form,) = harness.slack.open_views(harness[name])
    return [str(b["block_id"]) for b in form.blocks if b["type"] == "input"]


async def answer_with_menus_and_the_form(harness: Harness, name: str, message: Message) -> None:
    """Each figure the message asks by its menu (the optional ones first, so that the
    step is not done before they are picked), then every text part in the form."""
    user = harness[name]
    key = question_key(message)
    question = await question_for(harness, name, key)
    optional = {p.key for p in question.answer_parts() if p.template.optional}
    menus = sorted(part_menus(message), key=lambda menu: menu[1] not in optional)
    kinds = {p.key: p.kind for p in question.answer_parts()}
    for action_id, part in menus:
        await harness.slack.click(user, action_id, value=QUICK[kinds[part]])
        await harness.slack.settle(quiet=0.05)
    if is_closed(harness, name, message.ts):
        return  # every part was a figure
    await harness.slack.click(user, "answer_in_form")
    await harness.slack.settle(quiet=0.05)
    fields = {}
    for block_id in form_inputs(harness, name):
        part = block_id.split(":", 2)[2]
        assert kinds.get(part, question.kind) is QuestionKind.TEXT, "figures went by menu"
        fields[block_id] = {"value": f"Said in a form: {part}"}
    await harness.slack.submit_view(user, fields)
    await harness.slack.wait_for(lambda: is_closed(harness, name, message.ts), timeout=10)
    await harness.slack.settle(quiet=0.05)


async def answer_all_with_buttons_and_forms(harness: Harness, name: str) -> int:
    answered = 0
    while (message := open_question(harness, name)) is not None:
        await answer_with_menus_and_the_form(harness, name, message)
        answered += 1
        assert answered < 40, "the interview never ended"
    return answered


async def test_a_role_answers_only_with_buttons_and_forms(harness: Harness) -> None:
    await harness.command("fran", "start Clicks product=@priya eng=@erin")
    count = await answer_all_with_buttons_and_forms(harness, "priya")
    assert any("That's everything" in t for t in harness.dm_texts("priya"))
    assert not any(m.user == harness["priya"] for m in harness.slack.dm_messages(harness["priya"]))
    workshop, interview = await interview_of(harness, "priya")
    bank = harness.p2p.services.deps.bank
    steps = bank.questions_for(workshop, interview.role_key)
    asked = asked_keys(harness, "priya")
    followups = [k for k in asked if k not in {s.key for s in steps}]
    assert asked == list(dict.fromkeys(asked)), "no step asked twice"
    assert count == len(steps) + len(followups)
    stages = [s.stage for s in steps if s.base_key == "figures"]
    assert followups == [f"{stage}.rework_why" for stage in stages], "comes back: why?"
    # every part a menu or the form offers, and each follow-up: the figures of the form's
    # "add detail" (wait_before) have no menu and were left out
    expected = {
        p.key
        for s in steps
        for p in s.answer_parts()
        if p.kind is QuestionKind.TEXT or not p.template.detail
    } | set(followups)

    archive = harness.p2p.services.archive
    document = json.loads(render(await archive.export_workshop(), "json"))  # type: ignore[arg-type]
    (priya,) = [p for p in document["participants"] if p["user_id"] == harness["priya"]]
    exported = [a["question_key"] for a in priya["answers"]]
    assert sorted(exported) == sorted(expected), "the export is complete, a part an answer"
    for answer in priya["answers"]:
        if answer["kind"] == "duration":
            assert answer["parsed"]["kind"] == "duration"
            assert (answer["parsed"]["low"], answer["parsed"]["high"]) == (2, 4)
        elif answer["kind"] == "percent":
            assert (answer["parsed"]["low"], answer["parsed"]["high"]) == (75, 90)
        else:
            assert answer["kind"] == "text", answer
            assert answer["raw_text"] == f"Said in a form: {answer['question_key']}"


async def test_an_unreadable_duration_in_the_form_is_refused_inline(harness: Harness) -> None:
    await harness.command("fran", "start Forms product=@priya")
    assert question_key(open_question(harness, "priya")) == "Idea.figures"  # type: ignore[arg-type]
    await harness.slack.click(harness["priya"], "answer_in_form")
    await harness.slack.settle(quiet=0.05)
    inputs = form_inputs(harness, "priya")
    assert inputs[:3] == [
        "answer:d:Idea.process_time",
        "answer:d:Idea.lead_time",
        "answer:p:Idea.rework",
    ], "one field a part, block ids naming the kind and the part"
    fields = {
        "answer:d:Idea.process_time": {"value": "ages"},
        "answer:d:Idea.lead_time": {"value": "2 weeks"},
        "answer:p:Idea.rework": {"value": "rarely"},
    }
    await harness.slack.submit_view(harness["priya"], fields)
    errors = harness.slack.view_errors(harness["priya"])
    assert list(errors) == ["answer:d:Idea.process_time"], "the error is beside its field"
    assert "length of time" in errors["answer:d:Idea.process_time"]
    assert await answers_of(harness, "priya") == {}, "nothing of a refused form is kept"
    fields["answer:d:Idea.process_time"] = {"value": "3 hours"}
    await harness.slack.submit_view(harness["priya"], fields)
    await harness.slack.settle()
    assert question_key(open_question(harness, "priya")) == "Idea.story"  # type: ignore[arg-type]
    parts = step_parts((await answers_of(harness, "priya"))["Idea.figures"])
    assert {k: v["text"] for k, v in parts.items()} == {
        "Idea.process_time": "3 hours",
        "Idea.lead_time": "2 weeks",
        "Idea.rework": "rarely",
    }
    assert parts["Idea.process_time"]["parsed"]["unit"] == "hours"


async def test_not_my_stage_hands_the_question_to_a_colleague(harness: Harness) -> None:
    await harness.command("fran", "start Handing product=@priya")
    await harness.slack.click(harness["priya"], "ask_someone")
    await harness.slack.settle(quiet=0.05)
    await harness.slack.submit_view(harness["priya"], {"colleague": {"value": harness["mark"]}})
    await harness.slack.settle()
    assert question_key(open_question(harness, "priya")) == "Idea.story", "priya goes on"  # type: ignore[arg-type]
    (handed,) = harness.dm_texts("mark")
    assert "thinks you know this one better" in handed
    await harness.slack.click(harness["mark"], "answer_for_colleague")
    await harness.slack.settle(quiet=0.05)
    await harness.slack.submit_view(
        harness["mark"],
        {
            "answer:d:Idea.process_time": {"value": "1 day"},
            "answer:d:Idea.lead_time": {"value": "2 weeks"},
            "answer:p:Idea.rework": {"value": "sometimes"},
        },
    )
    await harness.slack.settle()
    assert "answered the question you handed on" in harness.dm_texts("priya")[-1]
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        (first, *_) = await interviews.list_answers(session, workshop_id=workshop.id)
    assert (first.question_key, first.answered_by) == ("Idea.figures", harness["mark"])
    parts = step_parts(first)
    assert {k: v["text"] for k, v in parts.items()} == {
        "Idea.process_time": "1 day",
        "Idea.lead_time": "2 weeks",
        "Idea.rework": "sometimes",
    }
    assert parts["Idea.lead_time"]["parsed"]["unit"] == "weeks"


async def test_review_changes_answers_and_refuses_what_it_cannot_read(harness: Harness) -> None:
    await harness.command("fran", "start Review product=@priya")
    for text in (
        "2 days of work over 3 days, comes back rarely",
        "Idea written up. Finding a sponsor takes a month.",
    ):
        before = len(bot_messages(harness, "priya"))
        await harness.slack.send_dm(harness["priya"], text)
        await harness.slack.wait_for(lambda b=before: len(bot_messages(harness, "priya")) > b)
        await harness.slack.settle(quiet=0.1)
    await harness.slack.send_dm(harness["priya"], "review")
    await harness.slack.settle(quiet=0.1)
    await harness.slack.click(harness["priya"], "review_answers")
    await harness.slack.settle(quiet=0.05)
    assert sorted(form_inputs(harness, "priya")) == [
        "answer:d:Idea.lead_time",
        "answer:d:Idea.process_time",
        "answer:p:Idea.rework",
        "answer:t:Idea.pain",
        "answer:t:Idea.what_happens",
    ], "every part of every step answered, one field each"
    await harness.slack.submit_view(harness["priya"], {"answer:d:Idea.process_time": "soonish"})
    assert (
        "length of time"
        in harness.slack.view_errors(harness["priya"])["answer:d:Idea.process_time"]
    )
    await harness.slack.submit_view(harness["priya"], {"answer:d:Idea.process_time": "4 days"})
    await harness.slack.settle()
    assert "1 answer changed" in harness.dm_texts("priya")[-1]
    stored = await answers_of(harness, "priya")
    parts = step_parts(stored["Idea.figures"])
    edited = parts["Idea.process_time"]
    assert edited["text"] == "4 days"
    assert edited["parsed"] is not None
    assert edited["parsed"]["low"] == 4
    assert parts["Idea.lead_time"]["text"] == "3 days", "the rest of the step is unchanged"
