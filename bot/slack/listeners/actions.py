"""Interactive components under the questions: quick answers, the answer form, handing a
question to a colleague, and reviewing answers."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.answer_forms import (
    AnswerFormState,
    build_answer_form,
    build_ask_form,
    build_review_form,
)
from bot.slack.blocks.messages import QuickAnswer
from bot.slack.blocks.summary import build_stage_note_view, build_stage_view
from bot.slack.ids import ActionId, any_action
from bot.slack.listeners.errors import describe_error, reporting_errors
from bot.slack.payloads import BlockAction
from bot.workshop.bootstrap import Services
from bot.workshop.core.errors import WorkshopError
from bot.workshop.core.questions import Question
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.revise import Revisions
from bot.workshop.usecases.summarise import SummaryDesk


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    interviewer, revisions = services.answers, services.revisions

    @app.action(any_action(ActionId.QUICK_ANSWER, ActionId.QUICK_ANSWER_PICK))
    async def handle_quick_answer(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer):
            await record_quick_answer(interviewer, click)

    @app.action(
        any_action(ActionId.ANSWER_IN_FORM, ActionId.ASK_SOMEONE, ActionId.ANSWER_FOR_COLLEAGUE)
    )
    async def handle_question_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer, urgent=True):
            form = await question_form(revisions, renderer, click)
            await client.views_open(trigger_id=click.trigger_id, view=form)

    @app.action(ActionId.REVIEW_ANSWERS)
    async def handle_review_answers(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer, urgent=True):
            review = await revisions.review(team_id=click.team_id, user_id=click.user_id)
            await client.views_open(
                trigger_id=click.trigger_id, view=build_review_form(review, renderer)
            )

    @app.action(ActionId.SHOW_STAGES)
    async def handle_show_stages(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer, urgent=True):
            await show_stages(services.summaries, renderer, click, client)


async def show_stages(
    summaries: SummaryDesk, renderer: Renderer, click: BlockAction, client: AsyncWebClient
) -> None:
    """Open the view at once (a trigger lasts three seconds), then fill it in."""
    loading = build_stage_note_view(renderer.message("summary.stages_loading"), renderer)
    opened = await client.views_open(trigger_id=click.trigger_id, view=loading)
    view_id = opened["view"]["id"]
    try:
        workshop, analysis = await summaries.stage_detail(
            team_id=click.team_id, workshop_id=int(click.value) if click.value.isdigit() else 0
        )
    except WorkshopError as error:
        failed = build_stage_note_view(describe_error(error, renderer), renderer)
        await client.views_update(view_id=view_id, view=failed)
        return
    view = build_stage_view(analysis, renderer, named=workshop.details.named)
    await client.views_update(view_id=view_id, view=view)


async def question_form(
    revisions: Revisions, renderer: Renderer, click: BlockAction
) -> dict[str, Any]:
    """The form a question button opens: answer it, hand it on, or answer for a colleague."""
    choice = QuickAnswer.model_validate_json(click.value or "{}")
    handed = click.action_id == ActionId.ANSWER_FOR_COLLEAGUE
    if handed:
        question = await revisions.handed_question(
            colleague_id=click.user_id,
            interview_id=choice.interview_id,
            question_key=choice.question_key,
        )
    else:
        question = await revisions.own_question(
            user_id=click.user_id,
            interview_id=choice.interview_id,
            question_key=choice.question_key,
        )
    state = AnswerFormState(
        interview_id=choice.interview_id,
        question_key=question.key,
        kind=question.kind,
        handed=handed,
    )
    text = question_text(question, renderer)
    if click.action_id == ActionId.ASK_SOMEONE:
        return build_ask_form(text, renderer, state)
    return build_answer_form(question, text, renderer, state)


def question_text(question: Question, renderer: Renderer) -> str:
    return renderer.text(
        question.template.text, stage=question.stage or "", role="", upstream_role=""
    )


async def record_quick_answer(interviewer: AnswerRecorder, click: BlockAction) -> None:
    choice = QuickAnswer.model_validate_json(click.value or "{}")
    await interviewer.answer_from_button(
        team_id=click.team_id,
        user_id=click.user_id,
        interview_id=choice.interview_id,
        question_key=choice.question_key,
        text=choice.text,
        delivery_key=click.delivery_key,
        part=choice.part_key,
    )
