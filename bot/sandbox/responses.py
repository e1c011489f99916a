"""What Slack does with the bot's answers: command acks, view_submission response_actions,
and messages posted to response_urls."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox.delivery import Delivery
from bot.sandbox.errors import SlackError
from bot.sandbox.message_rules import (
    as_attachments,
    as_blocks,
    check_message_content,
    with_generated_ids,
)
from bot.sandbox.methods_views import checked_view, push_modal, replace_view
from bot.sandbox.records import ResponseUrl, ResponseUrlPost
from bot.sandbox.state import Conversation, JsonDict, Message, View
from bot.sandbox.workspace import Workspace

logger = logging.getLogger(__name__)

RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5


class Responses:
    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Callable[[], float],
        bot_posted: Callable[[Conversation, Message], None],
        on_activity: Callable[[], None],
    ) -> None:
        self.workspace = workspace
        self.clock = clock
        self.bot_posted = bot_posted
        self.on_activity = on_activity
        self.posts: list[ResponseUrlPost] = []

    # slash commands ------------------------------------------------------------------------

    def apply_command_ack(
        self, user_id: str, conversation: Conversation, command: str, delivery: Delivery
    ) -> None:
        """Slack shows a command's synchronous answer (or its failure) to the user."""
        if not delivery.ok:
            reason = "operation_timeout" if delivery.timed_out else "dispatch_failed"
            self.workspace.add_ephemeral(
                user=user_id,
                channel=conversation.id,
                text=f'{command} failed with the error "{reason}"',
                source="slack",
            )
            return
        ack = delivery.ack
        if not ack or not (ack.get("text") or ack.get("blocks") or ack.get("attachments")):
            return
        try:
            self._show(user_id, conversation, ack, source="command_ack", thread_ts=None)
        except SlackError as error:
            delivery.problems.append(f"command answer refused: {error}")
            logger.warning("the %s answer was refused: %s", command, error)

    def _show(
        self,
        user_id: str,
        conversation: Conversation,
        body: JsonDict,
        *,
        source: str,
        thread_ts: str | None,
    ) -> None:
        text = body.get("text") if isinstance(body.get("text"), str) else None
        blocks = as_blocks(body.get("blocks"), error="invalid_blocks")
        attachments = as_attachments(body.get("attachments"))
        check_message_content(text, blocks, attachments)
        if body.get("response_type") == "in_channel":
            message = self.workspace.post(
                conversation,
                user=self.workspace.bot_user_id,
                text=text or "",
                blocks=with_generated_ids(blocks or []),
                thread_ts=thread_ts if thread_ts and conversation.find(thread_ts) else None,
                attachments=attachments or [],
            )
            self.bot_posted(conversation, message)
            return
        self.workspace.add_ephemeral(
            user=user_id,
            channel=conversation.id,
            text=text or "",
            blocks=with_generated_ids(blocks or []),
            thread_ts=thread_ts,
            source=source,
        )

    # view submissions ----------------------------------------------------------------------

    def apply_submission_ack(self, user_id: str, view: View, delivery: Delivery) -> None:
        """Honour ``response_action`` (errors, update, push, clear) or close the view."""
        workspace = self.workspace
        if not workspace.view_is_open(view):
            delivery.problems.append("the view was no longer open; the answer was ignored")
            return
        if not delivery.ok:
            delivery.problems.append(
                "not acknowledged: Slack shows a connection error in the modal"
            )
            return
        ack = delivery.ack or {}
        action = ack.get("response_action")
        try:
            if action is None:
                workspace.close_modal(user_id)
            elif action == "errors":
                self._show_errors(user_id, view, ack.get("errors"), delivery)
            elif action == "update":
                replace_view(workspace, view, checked_view(ack.get("view"), kinds=("modal",)))
            elif action == "push":
                push_modal(workspace, user_id, checked_view(ack.get("view"), kinds=("modal",)))
            elif action == "clear":
                workspace.close_modal(user_id, clear=True)
            else:
                delivery.problems.append(f"unknown response_action {action!r}")
        except SlackError as error:
            delivery.problems.append(f"response_action {action} refused: {error}")
            logger.warning("response_action %s refused: %s", action, error)

    def _show_errors(self, user_id: str, view: View, errors: object, delivery: Delivery) -> None:
        if not isinstance(errors, dict) or not errors:
            delivery.problems.append("response_action errors needs a non-empty errors object")
            return
        inputs = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
        unknown = [key for key in errors if key not in inputs]
        if unknown:
            delivery.problems.append(f"errors name blocks that are not input blocks: {unknown}")
        self.workspace.view_errors[user_id] = {str(k): str(v) for k, v in errors.items()}

    # response_url --------------------------------------------------------------------------

    async def handle_response_url(self, request: web.Request) -> web.Response:
        self.on_activity()
        url = self.workspace.response_urls.get(request.match_info["url_id"])
        raw = await request.text()
        try:
            body: Any = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = None
        if url is None or self.clock() - url.issued_at > RESPONSE_URL_TTL:
            return self._answer(request, body, 404, {"ok": False, "error": "expired_url"})
        if url.uses >= RESPONSE_URL_USES:
            return self._answer(request, body, 404, {"ok": False, "error": "used_url"})
        if not isinstance(body, dict):
            return self._answer(request, body, 400, {"ok": False, "error": "invalid_payload"})
        url.uses += 1
        try:
            self._respond(url, body)
        except SlackError as error:
            return self._answer(request, body, 400, error.body())
        return self._answer(request, body, 200, {"ok": True})

    def _answer(
        self, request: web.Request, body: Any, status: int, answer: JsonDict
    ) -> web.Response:
        self.posts.append(
            ResponseUrlPost(
                url_id=request.match_info["url_id"],
                body=body if isinstance(body, dict) else {"raw": body},
                status=status,
                answer=answer,
                at=self.workspace.wall_clock(),
            )
        )
        if status != 200:
            logger.info("response_url post refused: %s", answer.get("error"))
        return web.json_response(answer, status=status)

    def _respond(self, url: ResponseUrl, body: JsonDict) -> None:
        workspace = self.workspace
        conversation = workspace.require_conversation(url.channel)
        if body.get("delete_original") is True and url.message_ts:
            self._delete_original(url, conversation)
            return
        if body.get("replace_original") is True and url.message_ts:
            self._replace_original(url, conversation, body)
            return
        thread_ts = body.get("thread_ts")
        self._show(
            url.user,
            conversation,
            body,
            source="response_url",
            thread_ts=thread_ts if isinstance(thread_ts, str) else None,
        )

    def _delete_original(self, url: ResponseUrl, conversation: Conversation) -> None:
        if url.source == "ephemeral":
            ephemeral = self.workspace.find_ephemeral(url.message_ts or "")
            if ephemeral is not None:
                self.workspace.ephemerals.remove(ephemeral)
            return
        message = conversation.find(url.message_ts or "")
        if message is None:
            raise SlackError("message_not_found")
        self.workspace.delete(conversation, message)

    def _replace_original(
        self, url: ResponseUrl, conversation: Conversation, body: JsonDict
    ) -> None:
        text = body.get("text") if isinstance(body.get("text"), str) else None
        blocks = as_blocks(body.get("blocks"), error="invalid_blocks")
        check_message_content(text, blocks, as_attachments(body.get("attachments")))
        stored = with_generated_ids(blocks or [])
        if url.source == "ephemeral":
            ephemeral = self.workspace.find_ephemeral(url.message_ts or "")
            if ephemeral is None:
                raise SlackError("message_not_found")
            ephemeral.text, ephemeral.blocks = text or "", stored
            return
        message = conversation.find(url.message_ts or "")
        if message is None:
            raise SlackError("message_not_found")
        if message.user != self.workspace.bot_user_id:
            raise SlackError("cant_update_message")
        message.text, message.blocks = text or "", stored
