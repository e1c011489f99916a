"""The one way errors reach people: a domain error becomes a clear message to whoever
acted; anything unexpected is logged with a reference they can quote.

Listeners report errors raised after ``ack()`` themselves, through ``reporting_errors``:
when a Bolt listener raises after acknowledging, Bolt resets the acknowledgement, and a
request answered within milliseconds can then be reported to Slack as never answered.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.workshop.core.errors import WorkshopError

logger = logging.getLogger(__name__)


def describe_error(error: Exception, renderer: Renderer) -> str:
    """The words for an error; unexpected ones are logged with a reference to quote."""
    if isinstance(error, WorkshopError):
        return renderer.message(f"errors.{error.message}", **error.context)
    reference = secrets.token_hex(4).upper()
    logger.error("unexpected error, reference %s", reference, exc_info=error)
    return renderer.message("errors.unexpected", reference=reference)


async def report_error(
    error: Exception,
    *,
    body: dict[str, Any],
    client: AsyncWebClient,
    renderer: Renderer,
    respond: AsyncRespond | None = None,
) -> None:
    """Tell the person who acted, where they acted: ephemeral in a channel, else by DM."""
    text = describe_error(error, renderer)
    try:
        if respond is not None and body.get("response_url"):
            await respond(text=text, response_type="ephemeral", replace_original=False)
            return
        event = body.get("event") or {}
        user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
        channel = (
            body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
        )
        if not user:
            return
        if channel and event.get("channel_type") != "im" and not channel.startswith("D"):
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        if not channel:  # a form submission: tell them in their DM with the bot
            opened = await client.conversations_open(users=user)
            channel = opened["channel"]["id"]
        await client.chat_postMessage(channel=channel, text=text)
    except Exception:
        logger.exception("could not tell the user about an error")


@asynccontextmanager
async def reporting_errors(
    *,
    body: dict[str, Any],
    client: AsyncWebClient,
    renderer: Renderer,
    respond: AsyncRespond | None = None,
) -> AsyncIterator[None]:
    """Around the work a listener does after ``ack()``: errors are reported, not raised."""
    try:
        yield
    except Exception as error:
        await report_error(error, body=body, client=client, renderer=renderer, respond=respond)


def register(app: AsyncApp, renderer: Renderer) -> None:
    @app.error
    async def handle_listener_error(
        error: Exception,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond | None = None,
    ) -> None:
        await report_error(error, body=body, client=client, renderer=renderer, respond=respond)
