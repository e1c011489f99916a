"""Modal submissions: the /p2p start set-up form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.errors import reporting_errors
from bot.slack.ids import CallbackId
from bot.slack.setup_form import form_errors, read_setup_form
from bot.workshop.service import WorkshopService


def register(app: AsyncApp, service: WorkshopService, renderer: Renderer) -> None:
    @app.view(CallbackId.START_WORKSHOP)
    async def handle_setup_submission(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        request = read_setup_form(view, service.template, str(body["user"]["id"]))
        problems = service.find_problems(request)
        if problems:
            errors = form_errors(problems, renderer, service.template)
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        async with reporting_errors(body=body, client=client, renderer=renderer):
            notice = await service.start_workshop(request)
            text = renderer.message(f"notices.{notice.kind.value}", **notice.context)
            await client.chat_postEphemeral(
                channel=request.channel_id, user=request.user_id, text=text
            )
