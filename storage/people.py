"""Repository functions for what Slack last said about people: time zones and
deactivation, each with when it was checked. One row a person, written over when Slack
is asked again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from bot.workshop.core.transaction import Transaction
from storage.db import sql_session
from storage.tables import PersonRow


@dataclass(frozen=True)
class KnownPerson:
    user_id: str
    time_zone: str | None
    deactivated: bool
    checked_at: datetime


async def list_known_people(
    session: Transaction, *, user_ids: Sequence[str], checked_since: datetime
) -> dict[str, KnownPerson]:
    """The people among ``user_ids`` that Slack was asked about since ``checked_since``."""
    if not user_ids:
        return {}
    rows = await sql_session(session).scalars(
        select(PersonRow).where(
            PersonRow.user_id.in_(set(user_ids)), PersonRow.checked_at >= checked_since
        )
    )
    return {
        row.user_id: KnownPerson(
            user_id=row.user_id,
            time_zone=row.time_zone,
            deactivated=row.deactivated,
            checked_at=row.checked_at,
        )
        for row in rows
    }


async def save_people(session: Transaction, *, people: Sequence[KnownPerson]) -> None:
    """Keep what Slack said about each person, over what it said before (one statement)."""
    if not people:
        return
    sql = sql_session(session)
    values = [
        {
            "user_id": p.user_id,
            "time_zone": p.time_zone,
            "deactivated": p.deactivated,
            "checked_at": p.checked_at,
        }
        for p in {p.user_id: p for p in people}.values()
    ]
    dialect = postgresql if sql.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(PersonRow).values(values)
    await sql.execute(
        statement.on_conflict_do_update(
            index_elements=[PersonRow.user_id],
            set_={
                "time_zone": statement.excluded.time_zone,
                "deactivated": statement.excluded.deactivated,
                "checked_at": statement.excluded.checked_at,
            },
            # a slower writer with an older answer does not overwrite a newer one
            where=PersonRow.checked_at <= statement.excluded.checked_at,
        )
    )
