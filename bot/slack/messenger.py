"""The domain's Messenger port, spoken in Slack Web API calls."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.messages import (
    QuickAnswer,
    SlackMessage,
    build_announcement,
    build_question_message,
    build_text_message,
    button,
    notice_text,
    section,
)
from bot.slack.blocks.reminders import build_nudge_message
from bot.slack.blocks.summary import build_summary_post
from bot.slack.ids import ActionId
from bot.slack.workspaces import OneWorkspace, Workspaces
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.errors import BotNotInChannel
from bot.workshop.core.model import SummaryPosts, Team, Workshop
from bot.workshop.core.questions import QuickAnswers
from bot.workshop.ports import (
    Notice,
    NoticeKind,
    Nudge,
    QuestionPrompt,
    ReminderNotice,
    SharedFile,
    acting_team,
)

logger = logging.getLogger(__name__)


class SlackMessenger:
    """Each call is made with the token of the workshop's workspace, or, where no workshop
    is given, of the workspace the task acts for (bot.slack.workspaces)."""

    def __init__(
        self,
        workspaces: Workspaces | AsyncWebClient,
        renderer: Renderer,
        quick_answers: QuickAnswers,
    ) -> None:
        if isinstance(workspaces, AsyncWebClient):
            workspaces = OneWorkspace(workspaces)
        self.workspaces = workspaces
        self.renderer = renderer
        self.quick_answers = quick_answers
        self._dm_channels: dict[tuple[str, str], str] = {}

    async def _client(self, team: Team | None = None) -> AsyncWebClient:
        return await self.workspaces.client_for(team)

    async def _dm_channel(self, client: AsyncWebClient, user_id: str, team: Team) -> str:
        """The DM's channel id, to update a message in it (the post that made it said it)."""
        key = (team.team_id, user_id)
        channel = self._dm_channels.get(key)
        if channel is None:
            response = await client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            self._dm_channels[key] = channel
        return channel

    async def _post_dm(self, user_id: str, message: SlackMessage, team: Team | None = None) -> str:
        """DM the person: Slack takes their user id as the channel, so no call opens the
        DM first; the DM's id comes back with the post. Returns the message ts."""
        client = await self._client(team)
        key = ((team or acting_team() or Team(team_id="")).team_id, user_id)
        channel = self._dm_channels.get(key, user_id)
        response = await client.chat_postMessage(channel=channel, **message.as_kwargs())
        self._dm_channels[key] = str(response["channel"])
        return str(response["ts"])

    async def can_post_in(self, channel_id: str) -> bool:
        client = await self._client()
        try:
            response = await client.conversations_info(channel=channel_id)
        except SlackApiError as error:
            if error.response.get("error") in ("channel_not_found", "not_in_channel"):
                return False
            raise
        channel = response["channel"]
        return bool(channel.get("is_member") or channel.get("is_im"))

    async def announce_workshop(self, workshop: Workshop, people: dict[str, list[str]]) -> str:
        message = build_announcement(workshop, people, self.renderer)
        client = await self._client(workshop.team)
        try:
            response = await client.chat_postMessage(
                channel=workshop.channel_id, **message.as_kwargs()
            )
        except SlackApiError as error:
            if error.response.get("error") in ("not_in_channel", "channel_not_found"):
                raise BotNotInChannel(channel_id=workshop.channel_id) from error
            raise
        return str(response["ts"])

    async def send_question(self, prompt: QuestionPrompt) -> str:
        message = build_question_message(prompt, self.renderer, self.quick_answers)
        return await self._post_dm(prompt.user_id, message, prompt.workshop.team)

    async def close_question(self, prompt: QuestionPrompt, *, ts: str, answer: str) -> None:
        message = build_question_message(prompt, self.renderer, answered=answer)
        client = await self._client(prompt.workshop.team)
        channel = await self._dm_channel(client, prompt.user_id, prompt.workshop.team)
        try:
            await client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
        except SlackApiError as error:
            # The answer is stored; an old question that cannot be tidied is no loss.
            logger.info("could not mark question %s answered: %s", ts, error.response.get("error"))

    async def send_notice(self, user_id: str, notice: Notice) -> None:
        text = notice_text(notice, self.renderer)
        message = build_text_message(text)
        if notice.kind in (NoticeKind.INTERVIEW_DONE, NoticeKind.REVIEW_OFFER):
            review = button(
                self.renderer.message("interview.review_button"), ActionId.REVIEW_ANSWERS, "review"
            )
            message = SlackMessage(
                text=message.text,
                blocks=(*message.blocks, {"type": "actions", "elements": [review]}),
            )
        await self._post_dm(user_id, message)

    async def send_handed_question(self, prompt: QuestionPrompt, *, asked_by: str) -> None:
        question_text = self.renderer.text(
            prompt.question.template.text, stage=prompt.question.stage or "", role=prompt.role,
            upstream_role="",
        )  # fmt: skip
        intro = self.renderer.message(
            "interview.handed_question",
            asked_by=asked_by,
            role=prompt.role,
            title=prompt.workshop.title,
            stage=prompt.question.stage or "",
        )
        value = QuickAnswer(
            interview_id=prompt.interview_id, question_key=prompt.question.key, text=""
        ).model_dump_json()
        answer = button(
            self.renderer.message("interview.answer_for_colleague"),
            ActionId.ANSWER_FOR_COLLEAGUE,
            value,
            style="primary",
        )
        message = SlackMessage(
            text=f"{intro} {question_text}",
            blocks=(
                section(intro),
                section(question_text),
                {"type": "actions", "elements": [answer]},
            ),
        )
        await self._post_dm(prompt.user_id, message, prompt.workshop.team)

    async def publish_summary(
        self,
        analysis: PathAnalysis,
        *,
        channel_id: str,
        named: bool,
        updated: bool,
        previous: SummaryPosts | None,
    ) -> SummaryPosts:
        post = build_summary_post(analysis, self.renderer, named=named, updated=updated)
        client = await self._client()
        parent_ts = await self._post_or_update(
            client, channel_id, post.parent, previous.parent_ts if previous else None
        )
        old_thread = previous.thread_ts if previous and previous.parent_ts == parent_ts else ()
        thread: list[str] = []
        for index, message in enumerate(post.thread):
            earlier = old_thread[index] if index < len(old_thread) else None
            thread.append(
                await self._post_or_update(
                    client, channel_id, message, earlier, thread_ts=parent_ts
                )
            )
        for leftover in old_thread[len(post.thread) :]:
            await self._delete_quietly(client, channel_id, leftover)
        from bot.documents.picture import render_path_png  # Pillow loads when a picture is drawn

        picture = render_path_png(analysis)
        digest = hashlib.sha256(picture).hexdigest()
        picture_file = previous.picture_file if previous else None
        if previous is None or previous.picture_digest != digest or not old_thread:
            (picture_file,) = await self._upload(
                client,
                channel_id=channel_id,
                thread_ts=parent_ts,
                files=[SharedFile(name="path.png", title=analysis.title, content=picture)],
            )
            if previous is not None and previous.picture_file:
                await self._delete_file(client, previous.picture_file)
        return SummaryPosts(
            parent_ts=parent_ts,
            thread_ts=tuple(thread),
            picture_digest=digest,
            picture_file=picture_file,
            export_files=previous.export_files if previous else (),
            complete=analysis.roles_answered >= analysis.roles_total,
        )

    async def _post_or_update(
        self,
        client: AsyncWebClient,
        channel_id: str,
        message: SlackMessage,
        ts: str | None,
        *,
        thread_ts: str | None = None,
    ) -> str:
        if ts is not None:
            try:
                await client.chat_update(channel=channel_id, ts=ts, **message.as_kwargs())
                return ts
            except SlackApiError as error:
                if error.response.get("error") != "message_not_found":
                    raise
                logger.info("message %s was deleted; posting it again", ts)
        try:
            response = await client.chat_postMessage(
                channel=channel_id, thread_ts=thread_ts, **message.as_kwargs()
            )
        except SlackApiError as error:
            if error.response.get("error") in ("not_in_channel", "channel_not_found"):
                raise BotNotInChannel(channel_id=channel_id) from error
            raise
        return str(response["ts"])

    async def _delete_quietly(self, client: AsyncWebClient, channel_id: str, ts: str) -> None:
        try:
            await client.chat_delete(channel=channel_id, ts=ts)
        except SlackApiError as error:
            logger.info(
                "could not delete old summary message %s: %s", ts, error.response.get("error")
            )

    async def share_exports(
        self, workshop: Workshop, files: Sequence[SharedFile], *, previous: Sequence[str] = ()
    ) -> tuple[str, ...]:
        client = await self._client(workshop.team)
        shared = await self._upload(
            client, channel_id=workshop.channel_id, thread_ts=workshop.summary_ts, files=files
        )
        for file_id in previous:
            await self._delete_file(client, file_id)
        return shared

    async def _upload(
        self,
        client: AsyncWebClient,
        *,
        channel_id: str,
        thread_ts: str | None,
        files: Sequence[SharedFile],
    ) -> tuple[str, ...]:
        """Files shared without a comment, so that deleting them leaves nothing behind."""
        uploads = [{"content": f.content, "filename": f.name, "title": f.title} for f in files]
        response = await client.files_upload_v2(
            file_uploads=uploads, channel=channel_id, thread_ts=thread_ts, request_file_info=False
        )
        return tuple(str(f["id"]) for f in response.get("files") or ())

    async def _delete_file(self, client: AsyncWebClient, file_id: str) -> None:
        try:
            await client.files_delete(file=file_id)
        except SlackApiError as error:
            if error.response.get("error") not in ("file_not_found", "file_deleted"):
                raise
            logger.info("shared file %s was already gone", file_id)

    async def send_nudge(self, nudge: Nudge) -> str:
        message = build_nudge_message(nudge, self.renderer)
        return await self._post_dm(nudge.user_id, message, nudge.workshop.team)

    async def send_reminder_notice(self, user_id: str, notice: ReminderNotice) -> None:
        text = self.renderer.message(f"reminders.{notice.kind.value}", **notice.context)
        await self._post_dm(user_id, build_text_message(text))
