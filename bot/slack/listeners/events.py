"""Events API listeners: direct messages to the bot."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.listeners.errors import reporting_errors
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.lifecycle import Lifecycle

logger = logging.getLogger(__name__)

# Message subtypes that are not somebody typing an answer.
IGNORED_SUBTYPES = frozenset(
    {"message_changed", "message_deleted", "bot_message", "channel_join", "message_replied"}
)


def unescape_message_text(text: str) -> str:
    """Slack escapes &, < and > in what people type; store what they actually typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def register_lifecycle(app: AsyncApp, lifecycle: Lifecycle, renderer: Renderer) -> None:
    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    async def handle_app_removed(body: dict[str, Any]) -> None:
        tokens = (body.get("event") or {}).get("tokens") or {}
        if body["event"]["type"] == "tokens_revoked" and not tokens.get("bot"):
            return  # only user tokens went: the bot still works
        try:
            await lifecycle.app_removed(team_id=str(body.get("team_id", "")))
        except Exception:
            logger.exception("could not stop the workshops of %s", body.get("team_id"))

    @app.event("user_change")
    async def handle_user_change(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = event.get("user") or {}
        if not user.get("deleted"):
            return
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await lifecycle.person_deactivated(
                team_id=str(body.get("team_id") or user.get("team_id", "")),
                user_id=str(user["id"]),
            )


def register(app: AsyncApp, interviewer: AnswerRecorder, renderer: Renderer) -> None:
    @app.event("message")
    async def handle_direct_message(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") in IGNORED_SUBTYPES or not event.get("user"):
            return
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await interviewer.handle_direct_message(
                team_id=str(body.get("team_id") or event.get("team", "")),
                user_id=str(event["user"]),
                text=unescape_message_text(str(event.get("text", ""))),
                message_ts=str(event["ts"]),
            )
