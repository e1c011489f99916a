"""The nudge's buttons: "Snooze until tomorrow" and "I'm away until …".

Each acknowledges at once, makes one service call, and replaces the nudge with what
was done, so its buttons cannot be used twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.messages import build_text_message
from bot.slack.blocks.reminders import NudgeRef, ReminderActionId
from bot.slack.listeners.errors import reporting_errors
from bot.workshop.ports import ReminderNotice
from bot.workshop.usecases.remind import Reminders


def register(app: AsyncApp, reminders: Reminders, renderer: Renderer) -> None:
    @app.action(ReminderActionId.SNOOZE)
    @app.action(ReminderActionId.AWAY)
    async def handle_nudge_action(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        if action.get("type") == "datepicker" and not action.get("selected_date"):
            return  # the date was cleared: nothing asked yet
        async with reporting_errors(body=body, client=client, renderer=renderer):
            notice = await run_nudge_action(reminders, body, action)
            text = renderer.message(f"reminders.{notice.kind.value}", **notice.context)
            await respond(replace_original=True, **build_text_message(text).as_kwargs())


async def run_nudge_action(
    reminders: Reminders, body: dict[str, Any], action: dict[str, Any]
) -> ReminderNotice:
    team_id = str((body.get("team") or {}).get("id", ""))
    user_id = str(body["user"]["id"])
    action_key = f"{action.get('action_id')}:{action.get('action_ts')}"
    if action.get("action_id") == ReminderActionId.SNOOZE:
        return await reminders.snooze(
            team_id=team_id,
            user_id=user_id,
            interview_id=NudgeRef.model_validate_json(action.get("value") or "{}").interview_id,
            action_key=action_key,
        )
    return await reminders.away_until(
        team_id=team_id,
        user_id=user_id,
        day=date.fromisoformat(str(action.get("selected_date"))),
        action_key=action_key,
    )
