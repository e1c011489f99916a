"""When the app is removed, or a participant leaves the workspace."""

from __future__ import annotations

from bot.workshop.core.model import InterviewStatus, WorkshopStatus
from storage import interviews, jobs, workshops
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import open_question


async def test_a_deactivated_participant_is_skipped_and_the_next_role_starts(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Leaving product=@priya eng=@erin")
    await harness.slack.update_user(harness["priya"], deleted=True)
    await harness.slack.settle()
    assert "was deactivated in Slack" in harness.dm_texts("fran")[-1]
    assert "Product Owner" in harness.dm_texts("fran")[-1]
    assert open_question(harness, "erin") is not None, "the next role has started"
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        statuses = {
            i.user_id: i.status
            for i in await interviews.list_interviews(session, workshop_id=workshop.id)
        }
    assert statuses[harness["priya"]] is InterviewStatus.SKIPPED


async def test_uninstalling_stops_every_workshop_and_its_schedules(harness: Harness) -> None:
    await harness.command("fran", "start Uninstalled product=@priya")
    await harness.p2p.services.reminders.run_due()
    deliveries = await harness.slack.uninstall_app()
    assert all(d.ok for d in deliveries)
    await harness.slack.settle()
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        pending = [
            j
            for j in await jobs.list_jobs(session, workshop_id=workshop.id)
            if j.state == "pending"
        ]
    assert workshop.status is WorkshopStatus.CANCELLED
    assert pending == []
    assert await harness.p2p.services.reminders.run_due() == 0, "nothing left to do"
