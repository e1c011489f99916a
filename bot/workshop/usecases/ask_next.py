"""Sending the question somebody is due: after an answer, when their turn comes, after a
reminder, and after a restart. And starting whoever's turn has come.

A question is claimed in the database before it is sent, so it goes out once even when
several processes or deliveries race; a failed send releases the claim.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.workshop.core.interview import all_finished, interview_progress, interviews_to_start
from bot.workshop.core.model import Answer, Interview, Workshop
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import (
    describe_parts,
    expand_answers,
    is_done,
    missing_parts,
    step_parts,
)
from bot.workshop.core.transaction import Transaction
from bot.workshop.ports import Handover, QuestionPrompt, UseCase
from storage import interviews, workshops

logger = logging.getLogger(__name__)

HANDOVER_QUESTION = "handover"

# When many people are due a question at once (a workshop of hundreds starting all at
# once): questions are sent IN_FLIGHT at a time, enough to keep Slack's chat.postMessage
# limit (a burst of 60, then 10 a second) busy over a round trip each; they are claimed,
# and recorded as sent, CLAIMED_TOGETHER to a unit of work, so the database is not the
# bottleneck, yet a process stopping mid-way leaves few claims unsent (they go out with
# the person's first nudge).
IN_FLIGHT = 16
CLAIMED_TOGETHER = 64


async def current_interview(
    session: Transaction, team_id: str, user_id: str, expected: tuple[int, str] | None
) -> Interview | None:
    active = await interviews.list_active_interviews_of_user(
        session, team_id=team_id, user_id=user_id
    )
    if expected is not None:
        return next((i for i in active if i.id == expected[0]), None)
    unpaused = [i for i in active if not i.paused]
    candidates = unpaused or active
    return candidates[0] if candidates else None


async def advance_workshop(
    session: Transaction, workshop: Workshop, now: datetime
) -> tuple[list[Interview], Workshop | None]:
    """Start whoever's turn has come; close the workshop when everyone is done.

    The workshop's row is held first. Two transactions that each finish one of the last
    interviews (two processes, at the same moment) would otherwise each see the other's
    interview still active, and neither would close the workshop: now the second waits
    for the first to commit, then sees both done. Interviews are locked before the
    workshop everywhere, so this adds no deadlock."""
    await workshops.lock_workshop(session, workshop_id=workshop.id)
    everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
    starting = interviews_to_start(workshop, everyone)
    await interviews.activate_interviews(session, interview_ids=[i.id for i in starting], now=now)
    if (
        not starting
        and all_finished(everyone)
        and await workshops.close_workshop(session, workshop_id=workshop.id, now=now)
    ):
        return [], await workshops.get_workshop(session, workshop_id=workshop.id)
    return starting, None


@dataclass(frozen=True)
class _Claim:
    """A question claimed for sending, with the message that will carry it."""

    interview: Interview
    question: Question
    prompt: QuestionPrompt


class QuestionSender(UseCase):
    async def prompt(
        self,
        session: Transaction,
        workshop: Workshop,
        interview: Interview,
        question: Question,
        answers: dict[str, Answer],
        handovers: dict[tuple[int, str], Handover | None] | None = None,
    ) -> QuestionPrompt:
        """The message for ``question``. ``handovers`` keeps what each role was handed
        while many people are prompted in one unit of work, so it is read once."""
        progress = interview_progress(self.bank, workshop, interview.role_key, answers)
        first = not answers
        extra = question.is_followup
        # A step partly answered (a part withdrawn, or asked again after a pause): only
        # the rest is asked for.
        held = answers.get(question.key)
        still = missing_parts(question, held) if step_parts(held) else ()
        return QuestionPrompt(
            user_id=interview.user_id,
            interview_id=interview.id,
            workshop=workshop,
            role=workshop.role(interview.role_key).name,
            question=question,
            number=min(progress.answered + (0 if extra else 1), progress.expected),
            total=progress.expected,
            first=first,
            upstream=await self._handover(session, workshop, interview.role_key, handovers)
            if first
            else None,
            extra=extra,
            minutes=max(1, round(self.bank.minutes_for(workshop, interview.role_key)))
            if first
            else 0,
            missing=tuple(p.key for p in still),
            have=describe_parts(question, held) if still else "",
        )

    async def _handover(
        self,
        session: Transaction,
        workshop: Workshop,
        role_key: str,
        handovers: dict[tuple[int, str], Handover | None] | None,
    ) -> Handover | None:
        if handovers is None:
            return await self._upstream_handover(session, workshop, role_key)
        key = (workshop.id, role_key)
        if key not in handovers:
            handovers[key] = await self._upstream_handover(session, workshop, role_key)
        return handovers[key]

    async def _upstream_handover(
        self, session: Transaction, workshop: Workshop, role_key: str
    ) -> Handover | None:
        upstream = workshop.upstream_role(role_key)
        if upstream is None:
            return None
        handed = [
            a
            for a in expand_answers(await interviews.list_answers(session, workshop_id=workshop.id))
            if a.question_key == HANDOVER_QUESTION and not (a.parsed or {}).get("skipped")
        ]
        if not handed:
            return None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        theirs = {i.id for i in everyone if i.role_key == upstream.key}
        texts = [a.raw_text for a in handed if a.interview_id in theirs]
        return Handover(role=upstream.name, text="\n".join(texts)) if texts else None

    async def prompt_users(self, user_ids: Sequence[str], *, team_id: str) -> int:
        """Send each user the question they are due, unless it was sent already; returns
        how many were sent.

        Many users go in groups of ``CLAIMED_TOGETHER``: their questions are claimed in
        one unit of work, sent ``IN_FLIGHT`` at a time, and where each went is recorded in
        another. Every send of a group is seen through before an error is raised (the
        first, if several failed): a failed send gives its claim back, the others stand,
        and the groups after it are not sent."""
        unique = list(dict.fromkeys(user_ids))
        sent = 0
        for start in range(0, len(unique), CLAIMED_TOGETHER):
            group = unique[start : start + CLAIMED_TOGETHER]
            sent += await self._prompt_group(group, team_id=team_id)
        return sent

    async def _prompt_group(self, user_ids: Sequence[str], *, team_id: str) -> int:
        handovers: dict[tuple[int, str], Handover | None] = {}
        read: dict[int, Workshop] = {}
        claims: list[_Claim] = []
        async with self.database.transaction() as session:
            for user_id in user_ids:
                claim = await self._claim(session, user_id, team_id, handovers, read)
                if claim is not None:
                    claims.append(claim)
        if not claims:
            return 0
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def send(claim: _Claim) -> str:
            async with slots:
                return await self.messenger.send_question(claim.prompt)

        outcomes = await asyncio.gather(*(send(c) for c in claims), return_exceptions=True)
        delivered = [(c, o) for c, o in zip(claims, outcomes, strict=True) if isinstance(o, str)]
        failed = [(c, o) for c, o in zip(claims, outcomes, strict=True) if not isinstance(o, str)]
        early: list[tuple[_Claim, str, Answer]] = []
        async with self.database.transaction() as session:
            for claim, _error in failed:
                await interviews.release_prompt(
                    session,
                    interview_id=claim.interview.id,
                    key=claim.question.key,
                    previous=claim.interview.prompted_key,
                )
            ids = [claim.interview.id for claim, _ in delivered]
            await interviews.lock_interviews(session, interview_ids=ids)
            await interviews.set_prompt_tss(
                session, sent=[(c.interview.id, c.question.key, ts) for c, ts in delivered]
            )
            answered = await interviews.list_answers_of_interviews(session, interview_ids=ids)
            for claim, ts in delivered:
                answer = answered.get(claim.interview.id, {}).get(claim.question.key)
                if answer is not None and is_done(claim.question, answer):
                    early.append((claim, ts, answer))
        for claim, ts, answer in early:
            # answered before we knew where the question was
            await self.messenger.close_question(
                claim.prompt, ts=ts, answer=describe_parts(claim.question, answer)
            )
        if failed:
            error = failed[0][1]
            if len(claims) > 1:
                logger.warning("%d of %d questions could not be sent", len(failed), len(claims))
            raise error
        return len(delivered)

    async def _claim(
        self,
        session: Transaction,
        user_id: str,
        team_id: str,
        handovers: dict[tuple[int, str], Handover | None],
        read: dict[int, Workshop],
    ) -> _Claim | None:
        """Claim the question ``user_id`` is due; None when nothing is due or it was sent
        or claimed already. ``read`` keeps the workshops read in this unit of work."""
        current = await current_interview(session, team_id, user_id, None)
        if current is None or current.paused:
            return None
        workshop = read.get(current.workshop_id)
        if workshop is None:
            workshop = await workshops.get_workshop(session, workshop_id=current.workshop_id)
            assert workshop is not None
            read[workshop.id] = workshop
        answers = await interviews.list_answers_of_interview(session, interview_id=current.id)
        question = interview_progress(self.bank, workshop, current.role_key, answers).next
        if question is None or not await interviews.claim_prompt(
            session, interview_id=current.id, key=question.key
        ):
            return None
        prompt = await self.prompt(session, workshop, current, question, answers, handovers)
        return _Claim(interview=current, question=question, prompt=prompt)

    async def ask_again(self, interview: Interview, *, team_id: str) -> None:
        """Send the person's current question again (after a reminder)."""
        async with self.database.transaction() as session:
            current = await interviews.lock_interview(session, interview_id=interview.id)
            if current is None or current.prompted_key is None:
                return
            await interviews.release_prompt(
                session, interview_id=current.id, key=current.prompted_key, previous=None
            )
        await self.prompt_users([interview.user_id], team_id=team_id)

    async def send_unsent(self, interview: Interview, *, team_id: str) -> int:
        """Send the person's current question if it was never recorded as sent, giving up
        a claim whose process stopped before sending it. Only for when nothing has been
        heard of the interview for a while (a nudge is due), so that no process is still
        sending it."""
        async with self.database.transaction() as session:
            current = await interviews.lock_interview(session, interview_id=interview.id)
            if current is None or current.prompt_ts is not None:
                return 0
            if current.prompted_key is not None:
                await interviews.release_prompt(
                    session, interview_id=current.id, key=current.prompted_key, previous=None
                )
        return await self.prompt_users([current.user_id], team_id=team_id)

    async def resume_unsent_prompts(self) -> int:
        """After a restart: send every question that was due but never went out."""
        async with self.database.transaction() as session:
            pending = await interviews.list_resumable_interviews(session)
            teams: dict[str, str] = {}
            for interview in pending:
                workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                assert workshop is not None
                teams.setdefault(interview.user_id, workshop.team_id)
        sent = 0
        for user_id, team_id in teams.items():
            sent += await self.prompt_users([user_id], team_id=team_id)
        return sent
