"""Interactive components: the quick-answer buttons and menus under each question."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks import QuickAnswer
from bot.slack.errors import reporting_errors
from bot.slack.ids import ActionId
from bot.workshop.interviewing import Interviewer


def register(app: AsyncApp, interviewer: Interviewer, renderer: Renderer) -> None:
    @app.action(re.compile(ActionId.QUICK_ANSWER.pattern))
    @app.action(ActionId.QUICK_ANSWER_PICK)
    async def handle_quick_answer(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await record_quick_answer(interviewer, body, action)


async def record_quick_answer(
    interviewer: Interviewer, body: dict[str, Any], action: dict[str, Any]
) -> None:
    raw = action.get("value") or (action.get("selected_option") or {}).get("value")
    choice = QuickAnswer.model_validate_json(raw or "{}")
    await interviewer.answer_from_button(
        team_id=str((body.get("team") or {}).get("id", "")),
        user_id=str(body["user"]["id"]),
        interview_id=choice.interview_id,
        question_key=choice.question_key,
        text=choice.text,
        action_key=f"{action.get('action_id')}:{action.get('action_ts')}",
    )
