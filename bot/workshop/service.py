"""Use cases. Each opens its own unit of work and talks to Slack only after the commit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from bot.workshop.analysis import Summary, build_summary
from bot.workshop.errors import (
    BotNotInChannel,
    NoActiveWorkshop,
    NoParticipants,
    UnknownRole,
    WorkshopAlreadyActive,
)
from bot.workshop.interview import all_finished, interpret_answer, interviews_to_start
from bot.workshop.model import (
    Answer,
    Assignment,
    Frozen,
    Interview,
    InterviewMode,
    InterviewStatus,
    Workshop,
    WorkshopPlan,
)
from bot.workshop.ports import Clock, Handover, Messenger, Notice, NoticeKind, QuestionPrompt
from bot.workshop.questions import PathTemplate, QuestionBank
from storage import inbound, interviews, workshops
from storage.db import Database, Session

logger = logging.getLogger(__name__)

HANDOVER_QUESTION = "handover"
MAX_ATTEMPTS = 3


class RoleRequest(Frozen):
    word: str  # as the facilitator typed it: "eng", "product", …
    user_ids: tuple[str, ...]


class StartRequest(Frozen):
    team_id: str
    channel_id: str
    user_id: str
    title: str
    roles: tuple[RoleRequest, ...]
    mode: InterviewMode = InterviewMode.IN_TURN


class ConcurrentUpdate(Exception):
    """Somebody else moved the interview first; the use case runs again."""


class WorkshopService:
    def __init__(
        self,
        *,
        database: Database,
        messenger: Messenger,
        clock: Clock,
        bank: QuestionBank,
        template: PathTemplate,
    ) -> None:
        self.database = database
        self.messenger = messenger
        self.clock = clock
        self.bank = bank
        self.template = template
        self._summary_locks: dict[int, asyncio.Lock] = {}

    # -- starting -------------------------------------------------------------------------

    def plan_workshop(self, request: StartRequest) -> WorkshopPlan:
        assignments: list[Assignment] = []
        for role_request in request.roles:
            role = self.template.find_role(role_request.word)
            if role is None:
                known = ", ".join(r.key for r in self.template.roles)
                raise UnknownRole(word=role_request.word, known=known)
            for user_id in role_request.user_ids:
                assignment = Assignment(user_id=user_id, role_key=role.key)
                if assignment not in assignments:
                    assignments.append(assignment)
        if not assignments:
            raise NoParticipants()
        assigned = {a.role_key for a in assignments}
        roles = tuple(r.as_role() for r in self.template.roles if r.key in assigned)
        stages = tuple(
            s.as_stage().model_copy(update={"roles": tuple(k for k in s.owners if k in assigned)})
            for s in self.template.stages
        )
        return WorkshopPlan(
            team_id=request.team_id,
            channel_id=request.channel_id,
            facilitator_id=request.user_id,
            title=request.title,
            mode=request.mode,
            stages=stages,
            roles=roles,
            assignments=tuple(assignments),
        )

    async def start_workshop(self, request: StartRequest) -> Notice:
        plan = self.plan_workshop(request)
        if not await self.messenger.can_post_in(request.channel_id):
            raise BotNotInChannel(channel_id=request.channel_id)
        now = self.clock.now()
        async with self.database.transaction() as session:
            active = await workshops.get_active_workshop(
                session, team_id=plan.team_id, channel_id=plan.channel_id
            )
            if active is not None:
                raise WorkshopAlreadyActive(title=active.title)
            workshop = await workshops.create_workshop(session, plan=plan, now=now)
            order = {role.key: index for index, role in enumerate(workshop.role_order())}
            created = await interviews.create_interviews(
                session,
                workshop_id=workshop.id,
                assignments=sorted(plan.assignments, key=lambda a: order[a.role_key]),
            )
            starting = interviews_to_start(workshop, created)
            await interviews.activate_interviews(
                session, interview_ids=[i.id for i in starting], now=now
            )
        people: dict[str, list[str]] = {}
        for interview in created:
            people.setdefault(workshop.role(interview.role_key).name, []).append(interview.user_id)
        ts = await self.messenger.announce_workshop(workshop, people)
        async with self.database.transaction() as session:
            await workshops.set_announcement_ts(session, workshop_id=workshop.id, ts=ts)
        await self._prompt_users([i.user_id for i in starting], team_id=workshop.team_id)
        return Notice(
            kind=NoticeKind.WORKSHOP_STARTED,
            context={
                "title": workshop.title,
                "people": len({i.user_id for i in created}),
                "roles": len(workshop.roles),
                "mode": workshop.mode.value,
            },
        )

    # -- answering ------------------------------------------------------------------------

    async def handle_direct_message(
        self, *, team_id: str, user_id: str, text: str, message_ts: str
    ) -> None:
        """A participant typed in the bot's DM: store the answer, then ask what comes next."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await self._record_reply(
                    team_id=team_id, user_id=user_id, text=text, message_ts=message_ts
                )
                return
            except ConcurrentUpdate:
                logger.info("interview moved under us; trying again (%d)", attempt)
        logger.warning("gave up storing a reply from %s after %d attempts", user_id, MAX_ATTEMPTS)

    async def _record_reply(
        self, *, team_id: str, user_id: str, text: str, message_ts: str
    ) -> None:
        now = self.clock.now()
        retry: QuestionPrompt | None = None
        notice: Notice | None = None
        to_prompt: list[str] = []
        finished_workshop: Workshop | None = None
        async with self.database.transaction() as session:
            key = f"message:{team_id}:{user_id}:{message_ts}"
            if not await inbound.claim_inbound_event(session, key=key, now=now):
                return
            active = await interviews.list_active_interviews_of_user(
                session, team_id=team_id, user_id=user_id
            )
            if not active:
                participant = await interviews.is_participant(
                    session, team_id=team_id, user_id=user_id
                )
                kind = NoticeKind.NOTHING_PENDING if participant else NoticeKind.STRANGER
                notice = Notice(kind=kind)
            else:
                interview = active[0]
                workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                assert workshop is not None
                questions = self.bank.questions_for(workshop, interview.role_key)
                question = questions[interview.position]
                reading = interpret_answer(question, text)
                if not reading.accepted:
                    retry = await self._prompt(session, workshop, interview, retry=True)
                else:
                    answer = Answer(
                        interview_id=interview.id,
                        question_key=question.key,
                        stage=question.stage,
                        raw_text=text.strip(),
                        parsed=reading.parsed,
                        answered_at=now,
                    )
                    if not await interviews.save_answer(session, answer=answer):
                        raise ConcurrentUpdate()
                    done = interview.position + 1 >= len(questions)
                    moved = await interviews.advance_interview(
                        session,
                        interview_id=interview.id,
                        from_position=interview.position,
                        to_position=interview.position + 1,
                        status=InterviewStatus.DONE if done else InterviewStatus.ACTIVE,
                        now=now,
                    )
                    if not moved:
                        raise ConcurrentUpdate()
                    to_prompt.append(user_id)
                    if done:
                        notice = Notice(
                            kind=NoticeKind.INTERVIEW_DONE,
                            context={"title": workshop.title, "channel_id": workshop.channel_id},
                        )
                        started, finished_workshop = await self._after_interview(
                            session, workshop, now
                        )
                        to_prompt.extend(i.user_id for i in started)
        # committed: now talk to Slack
        if notice is not None:
            await self.messenger.send_notice(user_id, notice)
        if retry is not None:
            await self.messenger.send_question(retry)
        await self._prompt_users(to_prompt, team_id=team_id)
        if finished_workshop is not None:
            await self._publish(finished_workshop)

    async def _after_interview(
        self, session: Session, workshop: Workshop, now: datetime
    ) -> tuple[list[Interview], Workshop | None]:
        """Start whoever's turn has come; close the workshop when everyone is done."""
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        starting = interviews_to_start(workshop, everyone)
        await interviews.activate_interviews(
            session, interview_ids=[i.id for i in starting], now=now
        )
        if (
            not starting
            and all_finished(everyone)
            and await workshops.close_workshop(session, workshop_id=workshop.id, now=now)
        ):
            return [], await workshops.get_workshop(session, workshop_id=workshop.id)
        return starting, None

    # -- prompting ------------------------------------------------------------------------

    async def _prompt(
        self,
        session: Session,
        workshop: Workshop,
        interview: Interview,
        *,
        retry: bool = False,
    ) -> QuestionPrompt:
        questions = self.bank.questions_for(workshop, interview.role_key)
        upstream: Handover | None = None
        if interview.position == 0:
            upstream = await self._upstream_handover(session, workshop, interview.role_key)
        return QuestionPrompt(
            user_id=interview.user_id,
            workshop=workshop,
            role=workshop.role(interview.role_key).name,
            question=questions[interview.position],
            number=interview.position + 1,
            total=len(questions),
            first=interview.position == 0 and not retry,
            upstream=upstream,
            retry=retry,
        )

    async def _upstream_handover(
        self, session: Session, workshop: Workshop, role_key: str
    ) -> Handover | None:
        upstream = workshop.upstream_role(role_key)
        if upstream is None:
            return None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        theirs = {i.id for i in everyone if i.role_key == upstream.key}
        texts = [
            a.raw_text
            for a in await interviews.list_answers(session, workshop_id=workshop.id)
            if a.interview_id in theirs
            and a.question_key == HANDOVER_QUESTION
            and not (a.parsed or {}).get("skipped")
        ]
        if not texts:
            return None
        return Handover(role=upstream.name, text="\n".join(texts))

    async def _prompt_users(self, user_ids: Sequence[str], *, team_id: str) -> None:
        """Send each user the question they are due, if it has not been sent yet."""
        for user_id in dict.fromkeys(user_ids):
            async with self.database.transaction() as session:
                active = await interviews.list_active_interviews_of_user(
                    session, team_id=team_id, user_id=user_id
                )
                if not active or active[0].prompted_position >= active[0].position:
                    continue
                current = active[0]
                workshop = await workshops.get_workshop(session, workshop_id=current.workshop_id)
                assert workshop is not None
                prompt = await self._prompt(session, workshop, current)
                claimed = await interviews.mark_prompted(
                    session, interview_id=current.id, position=current.position
                )
            if not claimed:
                continue  # somebody else is sending it
            try:
                await self.messenger.send_question(prompt)
            except Exception:
                async with self.database.transaction() as session:
                    await interviews.unmark_prompted(
                        session, interview_id=current.id, position=current.position
                    )
                raise

    async def resume_unsent_prompts(self) -> int:
        """After a restart: send every question that was due but never went out."""
        async with self.database.transaction() as session:
            pending = await interviews.list_unprompted_interviews(session)
            teams: dict[str, str] = {}
            for interview in pending:
                workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                assert workshop is not None
                teams[interview.user_id] = workshop.team_id
        for user_id, team_id in teams.items():
            await self._prompt_users([user_id], team_id=team_id)
        return len(teams)

    # -- the summary ----------------------------------------------------------------------

    async def _channel_workshop(self, *, team_id: str, channel_id: str) -> Workshop:
        async with self.database.transaction() as session:
            workshop = await workshops.get_active_workshop(
                session, team_id=team_id, channel_id=channel_id
            ) or await workshops.get_latest_workshop(
                session, team_id=team_id, channel_id=channel_id
            )
        if workshop is None:
            raise NoActiveWorkshop()
        return workshop

    async def summarise(self, workshop_id: int) -> Summary:
        async with self.database.transaction() as session:
            workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
            if workshop is None:
                raise NoActiveWorkshop()
            everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
            answers = await interviews.list_answers(session, workshop_id=workshop.id)
        return build_summary(workshop, everyone, answers, self.bank)

    async def status(self, *, team_id: str, channel_id: str) -> Summary:
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        return await self.summarise(workshop.id)

    async def publish_summary(self, *, team_id: str, channel_id: str) -> Notice:
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        updated = await self._publish(workshop)
        kind = NoticeKind.SUMMARY_UPDATED if updated else NoticeKind.SUMMARY_POSTED
        return Notice(kind=kind, context={"title": workshop.title})

    async def _publish(self, workshop: Workshop) -> bool:
        """Post the summary, or update the one already posted. True when it was an update."""
        lock = self._summary_locks.setdefault(workshop.id, asyncio.Lock())
        async with lock:
            async with self.database.transaction() as session:
                current = await workshops.get_workshop(session, workshop_id=workshop.id)
            existing = current.summary_ts if current is not None else None
            summary = await self.summarise(workshop.id)
            ts = await self.messenger.publish_summary(summary, existing_ts=existing)
            if ts != existing:
                async with self.database.transaction() as session:
                    await workshops.set_summary_ts(session, workshop_id=workshop.id, ts=ts)
            return existing is not None
