"""The set-up form and the quick-answer buttons, clicked as a person would."""

from __future__ import annotations

from bot.sandbox import render_view_text
from bot.workshop.core.steps import step_parts
from storage import interviews, workshops
from tests.fakes import FakeClock
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import is_closed, open_question, part_menus, question_key


async def test_start_without_roles_opens_the_form_and_shows_mistakes_inline(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Checkout")
    (form,) = harness.slack.open_views(harness["fran"])
    assert form.callback_id == "start_workshop"
    title_input = next(b for b in form.blocks if b.get("block_id") == "title")
    assert title_input["element"]["initial_value"] == "Checkout"

    await harness.slack.submit_view(
        harness["fran"],
        {"stages": {"value": "Idea: product\nidea: eng"}, "role:product": {"value": []}},
    )
    errors = harness.slack.view_errors(harness["fran"])
    assert "Two stages" in errors["stages"]
    assert "Name who plays each role" in errors["role:product"]
    assert harness.slack.channel_messages(harness.channel) == [], "nothing started"

    await harness.slack.submit_view(
        harness["fran"],
        {
            "stages": {"value": "Idea: product\nBuild: eng\nShip: ops"},
            "role:product": {"value": [harness["priya"]]},
            "role:engineering": {"value": [harness["erin"]]},
            "change": {"value": "Apple Pay at checkout"},
            "mode": {"value": "all_at_once"},
            "named": {"value": ["named"]},
            "co_facilitators": {"value": [harness["mark"]]},
        },
    )
    await harness.slack.settle()
    assert harness.slack.open_views(harness["fran"]) == []
    assert "has started" in harness.ephemeral_texts("fran")[-1]
    assert harness.dm_texts("priya")
    assert harness.dm_texts("erin"), "all at once: both roles are asked straight away"
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
    assert workshop is not None
    assert [s.name for s in workshop.stages] == ["Idea", "Build", "Ship"]
    assert workshop.details.change == "Apple Pay at checkout"
    assert workshop.details.named is True
    assert workshop.details.co_facilitators == (harness["mark"],)


async def test_the_form_opens_then_says_a_workshop_is_already_running_and_offers_no_start(
    harness: Harness,
) -> None:
    await harness.command("fran", "start First product=@priya")
    await harness.command("fran", "start")

    def form_text() -> str:
        (form,) = harness.slack.open_views(harness["fran"])
        return render_view_text(form.spec)

    await harness.slack.wait_for(lambda: "already running" in form_text())
    (form,) = harness.slack.open_views(harness["fran"])
    assert "submit" not in form.spec, "nothing to submit: the workshop cannot start here"


async def test_quick_answer_buttons_answer_and_a_double_click_counts_once(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Clicks product=@priya")
    first = open_question(harness, "priya")
    assert first is not None
    assert question_key(first) == "Idea.figures"
    await harness.slack.click(harness["priya"], "quick_answer:1")  # Skip
    await harness.slack.settle()
    second = open_question(harness, "priya")
    assert second is not None
    assert question_key(second) == "Idea.story"
    # a double click on an answered question changes nothing
    harness.slack.deliver_twice = True
    await harness.slack.click(harness["priya"], "quick_answer:1")
    await harness.slack.settle()
    harness.slack.deliver_twice = False
    third = open_question(harness, "priya")
    assert third is not None
    assert question_key(third) == "Design.figures"
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert [(a.question_key, a.parsed) for a in stored] == [
        ("Idea.figures", {"skipped": True}),
        ("Idea.story", {"skipped": True}),
    ]
    answered = harness.dm_texts("priya")[0]
    assert "Skip" in answered.splitlines()[-1] or "skip" in answered


async def test_a_duration_menu_answers_its_part_and_the_step_waits_for_the_rest(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Menu product=@priya")
    message = open_question(harness, "priya")
    assert message is not None
    assert question_key(message) == "Idea.figures"
    menus = {part: action_id for action_id, part in part_menus(message)}
    assert list(menus) == [
        "Idea.process_time",
        "Idea.lead_time",
        "Idea.rework",
        "Idea.lead_time_worst",
    ], "one menu a figure the step asks for"
    assert menus["Idea.process_time"] == "quick_answer_pick:0"
    sent = len(harness.dm_texts("priya"))
    await harness.slack.click(harness["priya"], menus["Idea.process_time"], value="half a day")
    await harness.slack.settle()
    assert len(harness.dm_texts("priya")) == sent, "nothing is sent until the step is complete"
    assert open_question(harness, "priya") == message, "the step is still open"
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        (stored,) = await interviews.list_answers(session, workshop_id=workshop.id)
    assert stored.question_key == "Idea.figures"
    (picked,) = step_parts(stored).values()
    assert (picked["parsed"]["low"], picked["parsed"]["unit"]) == (0.5, "days")

    await harness.slack.click(harness["priya"], menus["Idea.lead_time"], value="2-4 weeks")
    await harness.slack.settle(quiet=0.1)
    assert len(harness.dm_texts("priya")) == sent
    await harness.slack.click(harness["priya"], menus["Idea.rework"], value="rarely")
    await harness.slack.settle()
    assert is_closed(harness, "priya", message.ts), "the last part needed closes the step"
    following = open_question(harness, "priya")
    assert following is not None
    assert question_key(following) == "Idea.story"
    async with harness.p2p.database.transaction() as session:
        (stored,) = await interviews.list_answers(session, workshop_id=workshop.id)
    assert {k: v["text"] for k, v in step_parts(stored).items()} == {
        "Idea.process_time": "half a day",
        "Idea.lead_time": "2-4 weeks",
        "Idea.rework": "rarely",
    }


async def test_the_form_adds_a_role_of_your_own(harness: Harness) -> None:
    await harness.command("fran", "start Own roles")
    await harness.slack.submit_view(
        harness["fran"],
        {
            "stages": {"value": "Idea: product\nSecurity review: security"},
            "role:product": {"value": [harness["priya"]]},
            "extra_role:1:name": {"value": "Security"},
            "extra_role:1:people": {"value": [harness["sam"]]},
            "extra_role:2:name": {"value": "Legal"},
            "extra_role:2:people": {"value": [harness["mark"]]},
        },
    )
    errors = harness.slack.view_errors(harness["fran"])
    assert "Legal has people but owns no stage" in errors["extra_role:2:people"]
    await harness.slack.submit_view(
        harness["fran"],
        {
            "extra_role:2:name": {"value": ""},
            "extra_role:2:people": {"value": []},
        },
    )
    await harness.slack.settle()
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
    assert workshop is not None
    assert [r.name for r in workshop.roles] == ["Product Owner", "Security"]
    assert workshop.stages[1].roles == ("security",)


async def test_a_typed_answer_leaves_the_step_and_a_late_click_on_it_is_answered(
    harness: Harness, clock: FakeClock
) -> None:
    await harness.command("fran", "start Typing product=@priya")
    first = open_question(harness, "priya")
    assert first is not None
    await harness.slack.send_dm(harness["priya"], "skip")
    await harness.slack.wait_for(lambda: open_question(harness, "priya") not in (None, first))
    await harness.slack.settle()
    second = open_question(harness, "priya")
    assert second is not None
    assert question_key(second) == "Idea.story"
    assert harness.slack.calls_to("chat.update") == [], "a typed reply sits under its step"

    # Minutes later, a click on the first step's Skip: it is answered, and p2p says so.
    (old_skip,) = [
        e["value"]
        for b in first.blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == "quick_answer:1"
    ]
    clock.advance(minutes=5)
    sent = len(harness.dm_texts("priya"))
    await harness.slack.click(harness["priya"], "quick_answer:1", value=old_skip)
    await harness.slack.wait_for(lambda: len(harness.dm_texts("priya")) > sent)
    await harness.slack.settle()
    assert "You have answered that one already: skip" in harness.dm_texts("priya")[-1]
    assert open_question(harness, "priya") is None, "the notice is the newest message"
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert [a.question_key for a in stored] == ["Idea.figures"], "nothing changed"
