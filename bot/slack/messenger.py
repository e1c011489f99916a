"""The domain's Messenger port, spoken in Slack Web API calls."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks import (
    build_announcement,
    build_question_message,
    build_summary_message,
    build_text_message,
)
from bot.workshop.analysis import Summary
from bot.workshop.errors import BotNotInChannel
from bot.workshop.model import Workshop
from bot.workshop.ports import Notice, QuestionPrompt
from bot.workshop.questions import QuickAnswers

logger = logging.getLogger(__name__)


class SlackMessenger:
    def __init__(
        self, client: AsyncWebClient, renderer: Renderer, quick_answers: QuickAnswers
    ) -> None:
        self.client = client
        self.renderer = renderer
        self.quick_answers = quick_answers
        self._dm_channels: dict[str, str] = {}

    async def _dm_channel(self, user_id: str) -> str:
        channel = self._dm_channels.get(user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            self._dm_channels[user_id] = channel
        return channel

    async def can_post_in(self, channel_id: str) -> bool:
        try:
            response = await self.client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            if error.response.get("error") in ("channel_not_found", "not_in_channel"):
                return False
            raise
        channel = response["channel"]
        return bool(channel.get("is_member") or channel.get("is_im"))

    async def announce_workshop(self, workshop: Workshop, people: dict[str, list[str]]) -> str:
        message = build_announcement(workshop, people, self.renderer)
        try:
            response = await self.client.chat_postMessage(
                channel=workshop.channel_id, **message.as_kwargs()
            )
        except SlackApiError as error:
            if error.response.get("error") in ("not_in_channel", "channel_not_found"):
                raise BotNotInChannel(channel_id=workshop.channel_id) from error
            raise
        return str(response["ts"])

    async def send_question(self, prompt: QuestionPrompt) -> str:
        options = self.quick_answers.for_kind(prompt.question.kind)
        message = build_question_message(prompt, self.renderer, options)
        channel = await self._dm_channel(prompt.user_id)
        response = await self.client.chat_postMessage(channel=channel, **message.as_kwargs())
        return str(response["ts"])

    async def close_question(self, prompt: QuestionPrompt, *, ts: str, answer: str) -> None:
        message = build_question_message(prompt, self.renderer, answered=answer)
        channel = await self._dm_channel(prompt.user_id)
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as error:
            # The answer is stored; an old question that cannot be tidied is no loss.
            logger.info("could not mark question %s answered: %s", ts, error.response.get("error"))

    async def send_notice(self, user_id: str, notice: Notice) -> None:
        text = self.renderer.message(f"notices.{notice.kind.value}", **notice.context)
        channel = await self._dm_channel(user_id)
        await self.client.chat_postMessage(channel=channel, **build_text_message(text).as_kwargs())

    async def publish_summary(self, summary: Summary, *, existing_ts: str | None) -> str:
        message = build_summary_message(summary, self.renderer)
        if existing_ts is not None:
            try:
                await self.client.chat_update(
                    channel=summary.channel_id, ts=existing_ts, **message.as_kwargs()
                )
                return existing_ts
            except SlackApiError as error:
                if error.response.get("error") != "message_not_found":
                    raise
                logger.info("summary message %s was deleted; posting it again", existing_ts)
        response = await self.client.chat_postMessage(
            channel=summary.channel_id, **message.as_kwargs()
        )
        return str(response["ts"])
