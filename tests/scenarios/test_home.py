"""p2p's Home tab for participants and facilitators."""

from __future__ import annotations

from bot.sandbox import render_view_text
from tests.scenarios.conftest import Harness


def home_text(harness: Harness, name: str) -> str:
    view = harness.slack.home_view(harness[name])
    assert view is not None, "the Home tab was published"
    return render_view_text(view.spec)


async def test_participants_see_their_questions_and_can_resume(harness: Harness) -> None:
    await harness.command("fran", "start Homely product=@priya eng=@erin")
    await harness.slack.send_dm(harness["priya"], "pause")
    await harness.slack.wait_for(lambda: "Paused" in harness.dm_texts("priya")[-1])
    await harness.slack.open_home(harness["priya"])
    await harness.slack.settle()
    text = home_text(harness, "priya")
    assert "Homely" in text
    assert "(paused)" in text
    await harness.slack.open_home(harness["erin"])
    await harness.slack.settle()
    assert "your turn comes after the roles before you" in home_text(harness, "erin")

    before = len(harness.dm_texts("priya"))
    await harness.slack.click(harness["priya"], "home_resume")
    await harness.slack.settle()
    assert "step 1 of" in harness.dm_texts("priya")[-1], "the question is asked again"
    assert len(harness.dm_texts("priya")) > before
    assert "(paused)" not in home_text(harness, "priya")


async def test_facilitators_see_progress_and_can_close_from_home(harness: Harness) -> None:
    await harness.command("fran", "start Running product=@priya")
    await harness.slack.open_home(harness["fran"])
    await harness.slack.settle()
    text = home_text(harness, "fran")
    assert "Workshops you run" in text
    assert "0 of 1 interview done" in text
    await harness.slack.click(harness["fran"], "home_close")
    await harness.slack.wait_for(lambda: "is closed" in (harness.dm_texts("fran") or [""])[-1])
    await harness.slack.settle()
    assert "is closed" in harness.dm_texts("fran")[-1]
    assert len(harness.slack.channel_messages(harness.channel)) == 2, "the summary is posted"
    assert "closed, 0 of 1 done" in home_text(harness, "fran")


async def test_someone_outside_any_workshop_sees_how_to_begin(harness: Harness) -> None:
    await harness.slack.open_home(harness["stranger"])
    await harness.slack.settle()
    text = home_text(harness, "stranger")
    assert "Nothing is waiting for you" in text
    assert "/p2p start" in text
