"""Repository functions for the DM replies stored as answers: found again by their message
ts when the person edits or deletes the message in Slack."""

from __future__ import annotations

from sqlalchemy import Select, delete, select, update

from bot.workshop.core.reply_edits import AnswerReply
from bot.workshop.core.transaction import Transaction
from storage.db import insert_ignoring_duplicates, sql_session
from storage.tables import AnswerReplyRow, AnswerRow, InterviewRow, WorkshopRow


def _answer_id(interview_id: int, question_key: str) -> Select[int]:
    return select(AnswerRow.id).where(
        AnswerRow.interview_id == interview_id, AnswerRow.question_key == question_key
    )


async def save_reply(session: Transaction, *, reply: AnswerReply) -> bool:
    """Note the message a stored answer (or part of one) came from. False when the answer
    is not stored, or that message was noted already."""
    sql = sql_session(session)
    answer_id = await sql.scalar(_answer_id(reply.interview_id, reply.question_key))
    if answer_id is None:
        return False
    values = {
        "answer_id": answer_id,
        "message_ts": reply.message_ts,
        "text": reply.text,
        "parts": list(reply.parts),
    }
    result = await sql.execute(
        insert_ignoring_duplicates(sql, AnswerReplyRow, values).returning(AnswerReplyRow.id)
    )
    return result.scalar() is not None


async def find_reply(
    session: Transaction, *, team_id: str, user_id: str, message_ts: str
) -> AnswerReply | None:
    """The answer a person's DM message was stored in, if any (in any of their workshops
    in the team)."""
    sql = sql_session(session)
    found = (
        await sql.execute(
            select(AnswerReplyRow, AnswerRow.interview_id, AnswerRow.question_key)
            .join(AnswerRow, AnswerRow.id == AnswerReplyRow.answer_id)
            .join(InterviewRow, InterviewRow.id == AnswerRow.interview_id)
            .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
            .where(
                AnswerReplyRow.message_ts == message_ts,
                InterviewRow.user_id == user_id,
                WorkshopRow.team_id == team_id,
            )
            .order_by(AnswerReplyRow.id.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        return None
    row, interview_id, question_key = found
    return AnswerReply(
        interview_id=interview_id,
        question_key=question_key,
        message_ts=row.message_ts,
        text=row.text,
        parts=tuple(row.parts),
    )


async def update_reply(session: Transaction, *, reply: AnswerReply) -> None:
    """Keep what an edited message says now, and the parts it fills."""
    sql = sql_session(session)
    await sql.execute(
        update(AnswerReplyRow)
        .where(
            AnswerReplyRow.answer_id
            == _answer_id(reply.interview_id, reply.question_key).scalar_subquery(),
            AnswerReplyRow.message_ts == reply.message_ts,
        )
        .values(text=reply.text, parts=list(reply.parts))
    )


async def delete_reply(session: Transaction, *, reply: AnswerReply) -> None:
    sql = sql_session(session)
    await sql.execute(
        delete(AnswerReplyRow).where(
            AnswerReplyRow.answer_id
            == _answer_id(reply.interview_id, reply.question_key).scalar_subquery(),
            AnswerReplyRow.message_ts == reply.message_ts,
        )
    )
