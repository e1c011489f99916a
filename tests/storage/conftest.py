"""A collecting workshop with its interviews, stored through the repository functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.workshop.core.model import (
    Assignment,
    Interview,
    InterviewMode,
    Role,
    Stage,
    WorkshopPlan,
)
from storage import interviews, workshops
from storage.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEOPLE = 6


@pytest.fixture
async def people(database: Database) -> list[Interview]:
    """One active interview per person in a fresh all-at-once workshop."""
    plan = WorkshopPlan(
        team_id="T1",
        channel_id="C1",
        facilitator_id="UFACILITATOR",
        title="From idea to production",
        mode=InterviewMode.ALL_AT_ONCE,
        stages=(Stage(name="Build", roles=("eng",)),),
        roles=(Role(key="eng", name="Engineering"),),
        assignments=tuple(Assignment(user_id=f"U{n}", role_key="eng") for n in range(PEOPLE)),
    )
    async with database.transaction() as session:
        workshop = await workshops.create_workshop(session, plan=plan, now=NOW)
        created = await interviews.create_interviews(
            session, workshop_id=workshop.id, assignments=plan.assignments
        )
        await interviews.activate_interviews(
            session, interview_ids=[i.id for i in created], now=NOW
        )
        return await interviews.list_interviews(session, workshop_id=workshop.id)
