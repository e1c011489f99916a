"""Modal submissions: the /p2p start set-up form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.answer_forms import read_answer_form, read_ask_form, read_review_form
from bot.slack.blocks.messages import notice_text
from bot.slack.blocks.setup_form import form_errors, read_setup_form
from bot.slack.ids import CallbackId, FormBlock
from bot.slack.listeners.errors import reporting_errors
from bot.workshop.bootstrap import Services


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    service = services.starter
    register_answer_forms(app, services, renderer)

    @app.view(CallbackId.START_WORKSHOP)
    async def handle_setup_submission(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        request = read_setup_form(view, service.template, str(body["user"]["id"]))
        problems = service.find_problems(request)
        if problems:
            errors = form_errors(problems, renderer, service.template, view)
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        async with reporting_errors(body=body, client=client, renderer=renderer):
            notice = await service.start_workshop(request)
            text = notice_text(notice, renderer)
            await client.chat_postEphemeral(
                channel=request.channel_id, user=request.user_id, text=text
            )


def register_answer_forms(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    interviewer, revisions = services.answers, services.revisions

    @app.view(CallbackId.ANSWER_FORM)
    async def handle_answer_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        state, text, reading = read_answer_form(view)
        if not reading.accepted:
            unreadable = renderer.message("interview.unreadable", kind=state.kind.value)
            await ack(response_action="errors", errors={FormBlock.ANSWER: unreadable})
            return
        await ack()
        user_id = str(body["user"]["id"])
        async with reporting_errors(body=body, client=client, renderer=renderer):
            if state.handed:
                await revisions.answer_handed(
                    colleague_id=user_id,
                    interview_id=state.interview_id,
                    question_key=state.question_key,
                    reading=reading,
                    text=text,
                    key=f"view:{view['id']}",
                )
                return
            await interviewer.answer_from_button(
                team_id=str((body.get("team") or {}).get("id", "")),
                user_id=user_id,
                interview_id=state.interview_id,
                question_key=state.question_key,
                text=text,
                action_key=f"view:{view['id']}",
            )

    @app.view(CallbackId.ASK_FORM)
    async def handle_ask_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        state, colleague = read_ask_form(view)
        user_id = str(body["user"]["id"])
        if colleague == user_id:
            message = renderer.message("errors.cannot_hand_over", reason="self")
            await ack(response_action="errors", errors={FormBlock.COLLEAGUE: message})
            return
        await ack()
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await interviewer.hand_over(
                team_id=str((body.get("team") or {}).get("id", "")),
                user_id=user_id,
                interview_id=state.interview_id,
                question_key=state.question_key,
                colleague_id=colleague,
                action_key=f"view:{view['id']}",
            )

    @app.view(CallbackId.REVIEW_FORM)
    async def handle_review_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        state, edits, unreadable = read_review_form(view)
        if unreadable:
            errors = {
                block: renderer.message("interview.unreadable", kind=kind)
                for block, kind in unreadable.items()
            }
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user_id = str(body["user"]["id"])
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await revisions.save_review(
                user_id=user_id, interview_id=state.interview_id, edits=edits
            )
