"""answer replies: the DM messages stored as answers, so that edits and deletions in
Slack reach the answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_answer_replies_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_replies")),
        sa.UniqueConstraint("answer_id", "message_ts", name=op.f("uq_answer_replies_answer_id")),
    )
    with op.batch_alter_table("answer_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_replies_message_ts"), ["message_ts"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("answer_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_replies_message_ts"))

    op.drop_table("answer_replies")
