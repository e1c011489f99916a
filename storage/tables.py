"""Table definitions. Schema changes go through an Alembic migration as well."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class WorkshopRow(Base):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    facilitator_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    roles: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    announcement_ts: Mapped[str | None] = mapped_column(String(32))
    summary_ts: Mapped[str | None] = mapped_column(String(32))
    summary_posts: Mapped[dict[str, Any] | None]

    __table_args__ = (
        # At most one workshop collecting answers per channel.
        Index(
            "uq_workshops_active_channel",
            "team_id",
            "channel_id",
            unique=True,
            sqlite_where=(status == "collecting"),
            postgresql_where=(status == "collecting"),
        ),
    )


class InterviewRow(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    role_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    prompted_key: Mapped[str | None] = mapped_column(String(200))
    prompt_ts: Mapped[str | None] = mapped_column(String(32))
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("workshop_id", "user_id", "role_key"),)


class AnswerRow(Base):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str | None] = mapped_column(String(100))
    raw_text: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any] | None]
    answered_at: Mapped[datetime]
    answered_by: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("interview_id", "question_key"),)


class AnswerReplyRow(Base):
    """A DM message stored as (part of) an answer, so that editing or deleting it in Slack
    changes the answer. Goes with its answer (forget-me included)."""

    __tablename__ = "answer_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    message_ts: Mapped[str] = mapped_column(String(32), index=True)
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[list[str]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("answer_id", "message_ts"),)


class InboundEventRow(Base):
    """Keys of Slack deliveries already acted on, so a retry is not acted on twice."""

    __tablename__ = "inbound_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime]


class JobRow(Base):
    """A reminder or deadline the scheduler will act on at ``due_at`` (UTC)."""

    __tablename__ = "scheduled_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(32))
    role_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    anchor_at: Mapped[datetime]
    count: Mapped[int] = mapped_column(default=0, server_default="0")
    zone: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    outcome: Mapped[dict[str, Any] | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_scheduled_jobs_state_due_at", "state", "due_at"),)


class PersonRow(Base):
    """What Slack last said about somebody (their time zone, whether they are
    deactivated) and when, so that reminders need not ask Slack again for every nudge."""

    __tablename__ = "people"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    deactivated: Mapped[bool] = mapped_column(default=False, server_default=false())
    checked_at: Mapped[datetime]


# Slack's own OAuth stores (slack_sdk's SQLAlchemy installation and state stores) keep
# their rows in these tables, defined by the library itself so that they cannot drift
# from what it reads and writes; the migrations create them like every other table.
SLACK_INSTALLATIONS = "slack_installations"
SLACK_BOTS = "slack_bots"
SLACK_OAUTH_STATES = "slack_oauth_states"
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, SLACK_INSTALLATIONS)
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SLACK_BOTS)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, SLACK_OAUTH_STATES)
