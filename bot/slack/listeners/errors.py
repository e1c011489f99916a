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
from bot.slack.listeners.turns import delivery_turn
from bot.slack.payloads import Delivery
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
    delivery: Delivery,
    *,
    client: AsyncWebClient,
    renderer: Renderer,
    respond: AsyncRespond | None = None,
) -> None:
    """Tell the person who acted, where they acted: ephemeral in a channel, else by DM."""
    text = describe_error(error, renderer)
    try:
        if respond is not None and delivery.response_url:
            await respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user, channel = delivery.user_id, delivery.channel_id
        if not user:
            return
        if channel and not delivery.in_dm:
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
    delivery: Delivery,
    *,
    client: AsyncWebClient,
    renderer: Renderer,
    respond: AsyncRespond | None = None,
    urgent: bool = False,
) -> AsyncIterator[None]:
    """Around the work a listener does after ``ack()``, in the delivery's turn (turns.py;
    ``urgent`` work, which opens a form, does not wait for one): errors are reported,
    not raised."""
    async with delivery_turn(urgent=urgent):
        try:
            yield
        except Exception as error:
            await report_error(error, delivery, client=client, renderer=renderer, respond=respond)


@asynccontextmanager
async def logging_errors(what: str, delivery: Delivery) -> AsyncIterator[None]:
    """Around the work on an event nobody is waiting on, in the delivery's turn
    (turns.py): errors are logged, not raised."""
    async with delivery_turn():
        try:
            yield
        except Exception:
            logger.exception("could not %s (team %s)", what, delivery.team_id)


def register(app: AsyncApp, renderer: Renderer) -> None:
    @app.error
    async def handle_listener_error(
        error: Exception,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond | None = None,
    ) -> None:
        delivery = Delivery.parse(body)
        await report_error(error, delivery, client=client, renderer=renderer, respond=respond)
