"""What a person sees on p2p's Home tab: the questions waiting for them, their past
workshops, and the workshops they run with their progress."""

from __future__ import annotations

from bot.workshop.core.interview import interview_progress
from bot.workshop.core.model import Frozen, Interview, InterviewStatus, Workshop, WorkshopStatus
from bot.workshop.ports import UseCase
from storage import interviews, workshops

MAX_ITEMS = 10


class HomeInterview(Frozen):
    interview: Interview
    workshop: Workshop
    role: str
    answered: int
    expected: int


class HomeWorkshop(Frozen):
    workshop: Workshop
    done: int
    total: int


class HomeOverview(Frozen):
    pending: tuple[HomeInterview, ...]
    past: tuple[HomeInterview, ...]
    running: tuple[HomeWorkshop, ...]


class HomeDesk(UseCase):
    async def overview(self, *, team_id: str, user_id: str) -> HomeOverview:
        pending: list[HomeInterview] = []
        past: list[HomeInterview] = []
        running: list[HomeWorkshop] = []
        async with self.database.transaction() as session:
            for interview in await interviews.list_interviews_of_user(
                session, team_id=team_id, user_id=user_id
            ):
                workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                if workshop is None or workshop.status is WorkshopStatus.CANCELLED:
                    continue
                answers = await interviews.list_answers_of_interview(
                    session, interview_id=interview.id
                )
                progress = interview_progress(self.bank, workshop, interview.role_key, answers)
                item = HomeInterview(
                    interview=interview,
                    workshop=workshop,
                    role=workshop.role(interview.role_key).name,
                    answered=progress.answered,
                    expected=progress.expected,
                )
                waiting = interview.status in (InterviewStatus.ACTIVE, InterviewStatus.WAITING)
                (pending if waiting else past).append(item)
            for workshop in await workshops.list_workshops_run_by(
                session, team_id=team_id, user_id=user_id, limit=MAX_ITEMS
            ):
                everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
                running.append(
                    HomeWorkshop(
                        workshop=workshop,
                        done=sum(1 for i in everyone if i.status.finished),
                        total=len(everyone),
                    )
                )
        return HomeOverview(
            pending=tuple(pending[:MAX_ITEMS]),
            past=tuple(past[:MAX_ITEMS]),
            running=tuple(running),
        )
