"""Modal submissions: the /p2p start set-up form, and the answer, hand-on and review forms.

A form with a mistake is answered with the mistake beside its field, and stays open;
otherwise it is acknowledged (which closes it) before the one service call.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.answer_forms import (
    AnswerFormState,
    read_answer_form,
    read_ask_form,
    read_review_form,
)
from bot.slack.blocks.messages import notice_text
from bot.slack.blocks.setup_form import form_errors, read_setup_form
from bot.slack.ids import CallbackId, FormBlock
from bot.slack.listeners.errors import reporting_errors
from bot.slack.payloads import ViewSubmission
from bot.workshop.bootstrap import Services
from bot.workshop.core.planning import StartRequest
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.start import WorkshopStarter


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    starter = services.starter
    register_answer_forms(app, services, renderer)

    @app.view(CallbackId.START_WORKSHOP)
    async def handle_setup_submission(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        submission = ViewSubmission.parse(body)
        request = read_setup_form(submission, starter.template)
        problems = starter.find_problems(request)
        if problems:
            errors = form_errors(problems, renderer, starter.template, submission)
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        async with reporting_errors(submission, client=client, renderer=renderer):
            await start_from_form(starter, renderer, client, request)


async def start_from_form(
    starter: WorkshopStarter, renderer: Renderer, client: AsyncWebClient, request: StartRequest
) -> None:
    notice = await starter.start_workshop(request)
    text = notice_text(notice, renderer)
    await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, text=text)


def register_answer_forms(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    interviewer, revisions = services.answers, services.revisions

    @app.view(CallbackId.ANSWER_FORM)
    async def handle_answer_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        submission = ViewSubmission.parse(body)
        state, texts, unreadable = read_answer_form(submission)
        if unreadable:
            await ack(response_action="errors", errors=unreadable_errors(unreadable, renderer))
            return
        await ack()
        async with reporting_errors(submission, client=client, renderer=renderer):
            await record_form_answer(services, submission, state, texts)

    @app.view(CallbackId.ASK_FORM)
    async def handle_ask_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        submission = ViewSubmission.parse(body)
        state, colleague = read_ask_form(submission)
        if colleague == submission.user_id:
            message = renderer.message("errors.cannot_hand_over", reason="self")
            await ack(response_action="errors", errors={FormBlock.COLLEAGUE: message})
            return
        await ack()
        async with reporting_errors(submission, client=client, renderer=renderer):
            await hand_over_from_form(interviewer, submission, state, colleague)

    @app.view(CallbackId.REVIEW_FORM)
    async def handle_review_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        submission = ViewSubmission.parse(body)
        state, edits, unreadable = read_review_form(submission)
        if unreadable:
            await ack(response_action="errors", errors=unreadable_errors(unreadable, renderer))
            return
        await ack()
        async with reporting_errors(submission, client=client, renderer=renderer):
            await revisions.save_review(
                user_id=submission.user_id, interview_id=state.interview_id, edits=edits
            )


def unreadable_errors(unreadable: dict[str, str], renderer: Renderer) -> dict[str, str]:
    """Beside each answer that could not be read: the kind of answer it asks for."""
    return {
        block: renderer.message("interview.unreadable", kind=kind)
        for block, kind in unreadable.items()
    }


async def hand_over_from_form(
    interviewer: AnswerRecorder, submission: ViewSubmission, state: AnswerFormState, colleague: str
) -> None:
    await interviewer.hand_over(
        team_id=submission.team_id,
        user_id=submission.user_id,
        interview_id=state.interview_id,
        question_key=state.question_key,
        colleague_id=colleague,
        delivery_key=submission.delivery_key,
    )


async def record_form_answer(
    services: Services, submission: ViewSubmission, state: AnswerFormState, texts: dict[str, str]
) -> None:
    """An answer typed in the form: one's own, or a colleague's to a question handed on."""
    if state.handed:
        await services.revisions.answer_handed(
            colleague_id=submission.user_id,
            interview_id=state.interview_id,
            question_key=state.question_key,
            texts=texts,
            key=submission.view_key,
        )
        return
    await services.answers.answer_from_form(
        team_id=submission.team_id,
        user_id=submission.user_id,
        interview_id=state.interview_id,
        question_key=state.question_key,
        texts=texts,
        delivery_key=submission.delivery_key,
    )
