"""The workshop's domain values: plain, immutable, free of Slack and SQL."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class WorkshopStatus(StrEnum):
    COLLECTING = "collecting"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class InterviewMode(StrEnum):
    IN_TURN = "in_turn"
    ALL_AT_ONCE = "all_at_once"


class InterviewStatus(StrEnum):
    WAITING = "waiting"  # the role's turn has not come yet
    ACTIVE = "active"  # invited; questions are being asked
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self in (InterviewStatus.DONE, InterviewStatus.SKIPPED)


class Role(Frozen):
    key: str
    name: str


class Stage(Frozen):
    name: str
    roles: tuple[str, ...]  # keys of the roles that own the stage


class Assignment(Frozen):
    user_id: str
    role_key: str


class WorkshopDetails(Frozen):
    """What the facilitator said about the change being traced."""

    change: str = ""  # a real, recent change to follow along the path
    change_link: str = ""
    start_event: str = "Idea raised"
    end_event: str = "Customers using it in production"
    deadline: date | None = None
    named: bool = False  # quote people by name in the summary, not only by role
    co_facilitators: tuple[str, ...] = ()  # may change the workshop, as the facilitator can


class SummaryPosts(Frozen):
    """Where the summary lives in Slack, so that it is updated in place."""

    parent_ts: str
    thread_ts: tuple[str, ...] = ()
    picture_digest: str | None = None
    picture_file: str | None = None  # the file id of the one current picture
    export_files: tuple[str, ...] = ()  # the files /p2p export shared, replaced on forget-me
    complete: bool = False  # posted once everyone had answered


class Team(Frozen):
    """A Slack workspace: its team id, and its Enterprise Grid org when it is in one."""

    team_id: str
    enterprise_id: str | None = None


class WorkshopPlan(Frozen):
    """What the facilitator asked for: everything needed to create a workshop."""

    team_id: str
    enterprise_id: str | None = None  # the Enterprise Grid org, when the team is in one
    channel_id: str
    facilitator_id: str
    title: str
    mode: InterviewMode
    stages: tuple[Stage, ...]
    roles: tuple[Role, ...]
    assignments: tuple[Assignment, ...]
    details: WorkshopDetails = WorkshopDetails()


class Workshop(Frozen):
    id: int
    team_id: str
    channel_id: str
    facilitator_id: str
    title: str
    mode: InterviewMode
    status: WorkshopStatus
    stages: tuple[Stage, ...]
    roles: tuple[Role, ...]
    created_at: datetime
    enterprise_id: str | None = None  # the Enterprise Grid org, when the team is in one
    details: WorkshopDetails = WorkshopDetails()
    closed_at: datetime | None = None
    announcement_ts: str | None = None
    summary_ts: str | None = None
    summary_posts: SummaryPosts | None = None

    @property
    def team(self) -> Team:
        """The workspace the workshop runs in, whose token p2p acts with."""
        return Team(team_id=self.team_id, enterprise_id=self.enterprise_id)

    def can_be_changed_by(self, user_id: str) -> bool:
        return user_id == self.facilitator_id or user_id in self.details.co_facilitators

    def role(self, key: str) -> Role:
        for role in self.roles:
            if role.key == key:
                return role
        raise KeyError(key)

    def stages_of(self, role_key: str) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if role_key in stage.roles)

    def role_order(self) -> tuple[Role, ...]:
        """Roles in path order: by their first owned stage; roles owning none go last."""

        def first_stage(role: Role) -> int:
            for index, stage in enumerate(self.stages):
                if role.key in stage.roles:
                    return index
            return len(self.stages)

        return tuple(sorted(self.roles, key=first_stage))

    def takes_over_at(self, role_key: str, stage_name: str) -> bool:
        """Whether the role receives work from another role at this stage: the owned stage
        before it has other owners (stages nobody owns are passed over), and the role is
        one taking over; where nobody takes over (others let go), every owner receives."""
        before: Stage | None = None
        for stage in self.stages:
            if stage.name == stage_name:
                if before is None or set(before.roles) == set(stage.roles):
                    return False
                taking_over = [key for key in stage.roles if key not in before.roles]
                return role_key in (taking_over or stage.roles)
            if stage.roles:
                before = stage
        return False

    def upstream_role(self, role_key: str) -> Role | None:
        """The role interviewed just before this one, in path order."""
        order = self.role_order()
        keys = [role.key for role in order]
        index = keys.index(role_key)
        return order[index - 1] if index > 0 else None


class Interview(Frozen):
    """One person interviewed about one role's stages."""

    id: int
    workshop_id: int
    user_id: str
    role_key: str
    status: InterviewStatus
    prompted_key: str | None = None  # the question last sent to the person
    prompt_ts: str | None = None  # the Slack message that asked it
    paused: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    last_activity_at: datetime | None = None


class Answer(Frozen):
    interview_id: int
    question_key: str
    stage: str | None
    raw_text: str
    parsed: dict[str, Any] | None
    answered_at: datetime
    answered_by: str | None = None  # set when somebody else answered a handed-on question
