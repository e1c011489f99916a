"""Events API listeners: direct messages to the bot (typed, edited or deleted), and the
app or a person leaving.

Slack needs no acknowledgement from these (Bolt answers at once), and nobody waits on
the lifecycle events: their errors are logged.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.listeners.errors import logging_errors, reporting_errors
from bot.slack.payloads import AppRemoved, DirectMessage, MessageChange, UserChange
from bot.slack.workspaces import Workspaces
from bot.workshop.core.model import Team
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.edits import ReplyEdits
from bot.workshop.usecases.lifecycle import Lifecycle


def register_lifecycle(app: AsyncApp, lifecycle: Lifecycle, workspaces: Workspaces) -> None:
    @app.event(re.compile(r"^(?:app_uninstalled|tokens_revoked)$"))
    async def handle_app_removed(body: dict[str, Any]) -> None:
        removed = AppRemoved.parse(body)
        if not removed.stops_the_bot:
            return  # only user tokens went: the bot still works
        team = Team(team_id=removed.team_id, enterprise_id=removed.enterprise_id)
        async with logging_errors("stop the workshops", removed):
            await lifecycle.app_removed(team, enterprise_wide=removed.is_enterprise_install)
        async with logging_errors("delete the installation", removed):
            await workspaces.forget(team, enterprise_wide=removed.is_enterprise_install)

    @app.event("user_change")
    async def handle_user_change(body: dict[str, Any]) -> None:
        change = UserChange.parse(body)
        if not change.deleted:
            return
        async with logging_errors("skip a deactivated person", change):
            await lifecycle.person_deactivated(team_id=change.team_id, user_id=change.user_id)


def register(
    app: AsyncApp, interviewer: AnswerRecorder, edits: ReplyEdits, renderer: Renderer
) -> None:
    # One listener for every message event: Bolt builds the arguments of each listener it
    # tries, matchers included, before the ack; edits and deletions are told apart here.
    @app.event("message")
    async def handle_message(body: dict[str, Any], client: AsyncWebClient) -> None:
        if MessageChange.describes(body):
            await changed_message(body, client)
        else:
            await direct_message(body, client)

    async def changed_message(body: dict[str, Any], client: AsyncWebClient) -> None:
        change = MessageChange.parse(body)
        if not change.edited_by_its_author:
            return
        async with reporting_errors(change, client=client, renderer=renderer):
            await edits.change_reply(
                team_id=change.team_id,
                user_id=change.user_id,
                message_ts=change.ts,
                text=change.new_text,
                delivery_key=change.delivery_key,
            )

    async def direct_message(body: dict[str, Any], client: AsyncWebClient) -> None:
        message = DirectMessage.parse(body)
        if not message.typed_by_a_person:
            return
        async with reporting_errors(message, client=client, renderer=renderer):
            await interviewer.handle_direct_message(
                team_id=message.team_id,
                user_id=message.user_id,
                text=message.text,
                delivery_key=message.delivery_key,
                message_ts=message.ts,
            )
