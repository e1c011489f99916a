"""Events API listeners: direct messages to the bot."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.workshop.interviewing import Interviewer

# Message subtypes that are not somebody typing an answer.
IGNORED_SUBTYPES = frozenset(
    {"message_changed", "message_deleted", "bot_message", "channel_join", "message_replied"}
)


def register(app: AsyncApp, interviewer: Interviewer) -> None:
    @app.event("message")
    async def handle_direct_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") in IGNORED_SUBTYPES or not event.get("user"):
            return
        await interviewer.handle_direct_message(
            team_id=str(body.get("team_id") or event.get("team", "")),
            user_id=str(event["user"]),
            text=str(event.get("text", "")),
            message_ts=str(event["ts"]),
        )
