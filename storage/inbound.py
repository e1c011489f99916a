"""Idempotency keys for what Slack delivers (events, clicks, submissions)."""

from __future__ import annotations

from datetime import datetime

from bot.workshop.core.transaction import Transaction
from storage.db import insert_ignoring_duplicates, sql_session
from storage.tables import InboundEventRow


async def claim_inbound_event(session: Transaction, *, key: str, now: datetime) -> bool:
    """True the first time a key is claimed; False for a redelivery of the same thing.

    The claim belongs to the caller's transaction: if the work fails and rolls back,
    the next delivery may claim it again.
    """
    sql = sql_session(session)
    statement = insert_ignoring_duplicates(sql, InboundEventRow, {"key": key, "received_at": now})
    result = await sql.execute(statement.returning(InboundEventRow.key))
    return result.scalar() is not None
