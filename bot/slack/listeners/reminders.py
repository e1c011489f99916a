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
from bot.slack.blocks.reminders import NudgeRef
from bot.slack.ids import ActionId
from bot.slack.listeners.errors import reporting_errors
from bot.slack.payloads import BlockAction
from bot.workshop.ports import ReminderNotice
from bot.workshop.usecases.remind import Reminders


def register(app: AsyncApp, reminders: Reminders, renderer: Renderer) -> None:
    @app.action(ActionId.NUDGE_SNOOZE)
    async def handle_snooze(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer):
            await replace_nudge(respond, await snooze(reminders, click), renderer)

    @app.action(ActionId.NUDGE_AWAY)
    async def handle_away(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        day = click.selected_date
        if day is None:
            return  # the date was cleared: nothing asked yet
        async with reporting_errors(click, client=client, renderer=renderer):
            await replace_nudge(respond, await away_until(reminders, click, day), renderer)


async def replace_nudge(respond: AsyncRespond, notice: ReminderNotice, renderer: Renderer) -> None:
    """The nudge gives way to what was done, so its buttons cannot be used twice."""
    text = renderer.message(f"reminders.{notice.kind.value}", **notice.context)
    await respond(replace_original=True, **build_text_message(text).as_kwargs())


async def snooze(reminders: Reminders, click: BlockAction) -> ReminderNotice:
    return await reminders.snooze(
        team_id=click.team_id,
        user_id=click.user_id,
        interview_id=NudgeRef.model_validate_json(click.value or "{}").interview_id,
        delivery_key=click.delivery_key,
    )


async def away_until(reminders: Reminders, click: BlockAction, day: date) -> ReminderNotice:
    return await reminders.away_until(
        team_id=click.team_id,
        user_id=click.user_id,
        day=day,
        delivery_key=click.delivery_key,
    )
