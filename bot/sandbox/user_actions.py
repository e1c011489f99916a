"""Acting as a user: typing commands and messages (and editing or deleting them), clicking,
submitting and closing modals."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from bot.sandbox.clickables import action_entry, find_clickable
from bot.sandbox.delivery import Deliverer, Delivery
from bot.sandbox.element_values import element_state, is_empty
from bot.sandbox.errors import ActionNotPossible, SandboxUsageError
from bot.sandbox.event_delivery import EventDelivery
from bot.sandbox.payloads import Payloads, escape_control_characters, link_mentions
from bot.sandbox.responses import Responses
from bot.sandbox.state import Conversation, JsonDict, Message, View
from bot.sandbox.workspace import Workspace

_MARKUP_TOKEN = re.compile(r"<([@#!]?)([^<>|\s]+)(?:\|([^<>]*))?>")


def rich_text_blocks(text: str) -> list[JsonDict]:
    """The rich_text block a Slack client sends along with typed text."""
    elements: list[JsonDict] = []
    position = 0
    for match in _MARKUP_TOKEN.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": text[position : match.start()]})
        sigil, ident, label = match.groups()
        if sigil == "@":
            elements.append({"type": "user", "user_id": ident})
        elif sigil == "#":
            elements.append({"type": "channel", "channel_id": ident})
        elif sigil == "!":
            elements.append({"type": "broadcast", "range": ident})
        else:
            link: JsonDict = {"type": "link", "url": ident}
            if label:
                link["text"] = label
            elements.append(link)
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    for element in elements:
        if element["type"] == "text":
            element["text"] = (
                element["text"].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            )
    return [
        {
            "type": "rich_text",
            "block_id": uuid.uuid4().hex[:5],
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def typed_message_text(text: str, workspace: Workspace) -> str:
    """Typed text as a Slack client posts it: escaped, ``@name`` as ``<@U123>``."""
    linked = link_mentions(text, workspace)
    return re.sub(r"<([@#])([A-Z0-9]+)\|[^>]*>", r"<\1\2>", linked)


class UserActions:
    """What a person can do in Slack; each action is delivered to the bot like Slack would."""

    workspace: Workspace
    payloads: Payloads
    deliverer: Deliverer
    responses: Responses
    events: EventDelivery
    escape_slash_commands: bool

    # commands and messages -----------------------------------------------------------------

    async def slash_command(
        self, user: str, channel: str | None, command: str, text: str = ""
    ) -> Delivery:
        """``user`` types ``command text`` in ``channel`` (None: their DM with the bot)."""
        workspace = self.workspace
        workspace.require_user(user)
        conversation = (
            workspace.bot_im(user) if channel is None else workspace.require_conversation(channel)
        )
        if not command.startswith("/"):
            raise SandboxUsageError(f"slash commands start with '/': {command!r}")
        if self.escape_slash_commands:
            sent = link_mentions(text, workspace)
        else:
            sent = escape_control_characters(text)
        payload = self.payloads.slash_command(user, conversation, command, sent)
        delivery = await self.deliverer.deliver("slash_command", payload)
        self.events.record(delivery)
        self.responses.apply_command_ack(user, conversation, command, delivery)
        return delivery

    async def send_dm(
        self,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        blocks: list[JsonDict] | None = None,
    ) -> Delivery:
        """``user`` writes to the bot in their DM; the bot gets a ``message`` event (im)."""
        workspace = self.workspace
        workspace.require_user(user)
        im = workspace.bot_im(user)
        if not self.events.subscribed("message.im"):
            raise SandboxUsageError("the app does not get message.im events (needs im:history)")
        message = self._typed_message(im, user, text, thread_ts=thread_ts, blocks=blocks)
        return await self.events.event(self.payloads.message_event(im, message))

    async def edit_dm(self, user: str, ts: str, text: str) -> Delivery | None:
        """``user`` edits a message they sent the bot in their DM: the message takes the new
        text (and an ``edited`` mark), and the bot gets a ``message`` event with subtype
        ``message_changed``. Saving the same text changes nothing and sends nothing (None);
        saving no text is how Slack offers to delete the message (use ``delete_dm``)."""
        im, message = self._own_dm_message(user, ts)
        sent = typed_message_text(text, self.workspace)
        if not sent.strip():
            raise ActionNotPossible("Slack does not save an edit to nothing: delete the message")
        if sent == message.text:
            return None
        previous = message.to_api()
        message.text = sent
        message.blocks = rich_text_blocks(sent)
        message.edited = {"user": user, "ts": self.workspace.next_ts()}
        return await self.events.event(self.payloads.message_changed_event(im, message, previous))

    async def delete_dm(self, user: str, ts: str) -> Delivery:
        """``user`` deletes a message they sent the bot in their DM: it leaves the history,
        and the bot gets a ``message`` event with subtype ``message_deleted``.

        A message with thread replies leaves a tombstone in Slack instead, which the
        sandbox does not emulate; nor the update of a thread's parent after a reply goes.
        """
        im, message = self._own_dm_message(user, ts)
        if message.replies:
            raise SandboxUsageError("deleting a message with replies is not emulated")
        previous = message.to_api()
        self.workspace.delete(im, message)
        return await self.events.event(self.payloads.message_deleted_event(im, previous, ts))

    def _own_dm_message(self, user: str, ts: str) -> tuple[Conversation, Message]:
        """The message ``user`` sent the bot at ``ts``: the only ones they may change."""
        workspace = self.workspace
        workspace.require_user(user)
        im = workspace.existing_bot_im(user)
        message = im.find(ts) if im is not None else None
        if im is None or message is None:
            raise ActionNotPossible(f"no message {ts} in the DM of {user} with the bot")
        if message.user != user:
            raise ActionNotPossible(f"{user} can change only the messages they sent")
        if not self.events.subscribed("message.im"):
            raise SandboxUsageError("the app does not get message.im events (needs im:history)")
        return im, message

    async def post_message(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> Delivery | None:
        """``user`` writes in a channel; an ``app_mention`` reaches the bot if they mention it."""
        workspace = self.workspace
        conversation = workspace.require_conversation(channel)
        if user not in conversation.members:
            raise ActionNotPossible(f"{user} is not a member of {channel}")
        message = self._typed_message(conversation, user, text, thread_ts=thread_ts, blocks=None)
        mentioned = f"<@{workspace.bot_user_id}>" in message.text
        if not mentioned or workspace.bot_user_id not in conversation.members:
            return None
        if not self.events.subscribed("app_mention"):
            return None
        event: JsonDict = {
            "type": "app_mention",
            "user": user,
            "text": message.text,
            "ts": message.ts,
            "client_msg_id": message.client_msg_id,
            "team": workspace.team_id,
            "blocks": message.blocks,
            "channel": conversation.id,
            "event_ts": message.ts,
        }
        if message.is_reply:
            event["thread_ts"] = message.thread_ts
        return await self.events.event(event)

    def _typed_message(
        self,
        conversation: Conversation,
        user: str,
        text: str,
        *,
        thread_ts: str | None,
        blocks: list[JsonDict] | None,
    ) -> Message:
        sent = typed_message_text(text, self.workspace)
        if thread_ts and conversation.find(thread_ts) is None:
            raise ActionNotPossible(f"no message {thread_ts} to reply to in {conversation.id}")
        return self.workspace.post(
            conversation,
            user=user,
            text=sent,
            blocks=blocks if blocks is not None else rich_text_blocks(sent),
            thread_ts=thread_ts,
            client_msg_id=str(uuid.uuid4()),
        )

    # clicking ------------------------------------------------------------------------------

    async def click(
        self,
        user: str,
        action_id: str,
        value: object = None,
        *,
        block_id: str | None = None,
    ) -> Delivery:
        """``user`` uses the newest element with ``action_id`` they can see (open modal first,
        then messages in their conversations and their ephemerals, then the Home tab).

        ``value`` picks the option of a select, the user of a users_select, etc.; for buttons
        it only narrows the search to the button carrying that value.
        """
        self.workspace.require_user(user)
        clickable = find_clickable(self.workspace, user, action_id, value, block_id)

        def payload() -> JsonDict:
            action = action_entry(self.workspace, clickable, value)
            if isinstance(clickable.place, View):
                return self.payloads.view_actions(user, clickable.place, [action])
            conversation, message = clickable.place
            return self.payloads.message_actions(user, conversation, message, [action])

        return await self.events.interaction(payload)

    # modals and the Home tab ---------------------------------------------------------------

    def _submitted_state(self, view: View, values: Mapping[str, object]) -> JsonDict:
        inputs = {str(b.get("block_id")): b for b in view.blocks if b.get("type") == "input"}
        unknown = [key for key in values if key not in inputs]
        if unknown:
            raise ActionNotPossible(
                f"the modal has no input blocks {unknown}; it has {list(inputs)}"
            )
        state: JsonDict = {}
        for block_id, block in inputs.items():
            element = block.get("element")
            if not isinstance(element, dict):
                continue
            action_id = str(element.get("action_id"))
            given = values.get(block_id)
            if isinstance(given, Mapping):
                if set(given) - {action_id}:
                    raise ActionNotPossible(
                        f"block {block_id!r} holds only action_id {action_id!r}"
                    )
                given = given.get(action_id)
            earlier = view.state_values.get(block_id, {}).get(action_id)
            if given is None and earlier is not None:
                entry = earlier
            else:
                entry = element_state(element, given, self.workspace)
            if not block.get("optional") and is_empty(entry):
                raise ActionNotPossible(
                    f"{block_id!r} is required: Slack will not submit the modal"
                )
            state[block_id] = {action_id: entry}
        return state

    async def submit_view(
        self, user: str, values: Mapping[str, object] | None = None, *, view_id: str | None = None
    ) -> Delivery:
        """Submit the user's top modal with ``{block_id: {action_id: value}}`` (or
        ``{block_id: value}``); untouched inputs keep their initial values."""
        workspace = self.workspace
        view = workspace.views.get(view_id) if view_id else workspace.top_modal(user)
        if view is None or not workspace.view_is_open(view) or view.type != "modal":
            raise ActionNotPossible(f"{user} has no open modal to submit")
        if view.spec.get("submit") is None:
            raise ActionNotPossible("the modal has no submit button")
        view.state_values = self._submitted_state(view, values or {})
        workspace.view_errors.pop(user, None)

        def payload() -> JsonDict:
            return self.payloads.view_submission(user, view)

        delivery = await self.deliverer.deliver("interactive", payload())
        self.events.record(delivery)
        self.responses.apply_submission_ack(user, view, delivery)
        if self.events.deliver_twice:
            again = await self.deliverer.deliver("interactive", payload())
            self.responses.apply_submission_ack(user, view, again)
            delivery.retries.append(again)
        return delivery

    async def close_view(self, user: str, *, all_views: bool = False) -> Delivery | None:
        """Close the top modal (or the whole stack); ``view_closed`` goes out if asked for."""
        view = self.workspace.top_modal(user)
        if view is None:
            raise ActionNotPossible(f"{user} has no open modal to close")
        self.workspace.close_modal(user, clear=all_views)
        if not view.notify_on_close:
            return None

        def payload() -> JsonDict:
            return self.payloads.view_closed(user, view, is_cleared=all_views)

        return await self.events.interaction(payload)

    async def open_home(self, user: str) -> Delivery:
        """``user`` opens the app's Home tab: ``app_home_opened``."""
        workspace = self.workspace
        workspace.require_user(user)
        im = workspace.bot_im(user)
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user,
            "channel": im.id,
            "tab": "home",
            "event_ts": workspace.next_ts(),
        }
        home = workspace.home_view(user)
        if home is not None:
            event["view"] = home.to_api()
        return await self.events.event(event)

    # raw events ----------------------------------------------------------------------------

    async def deliver_event(
        self, event: JsonDict, *, retry_num: int = 0, retry_reason: str | None = None
    ) -> Delivery:
        """Deliver any event in an ``event_callback`` envelope (no subscription check)."""
        if "type" not in event:
            raise SandboxUsageError("an event needs a type")
        event = dict(event)
        event.setdefault("event_ts", self.workspace.next_ts())
        return await self.events.event(event, retry_num=retry_num, retry_reason=retry_reason)

    async def url_verification(self, challenge: str | None = None) -> Delivery:
        """Slack's request URL check: the bot must echo the challenge."""
        challenge = challenge or uuid.uuid4().hex
        delivery = await self.deliverer.deliver(
            "url_verification", self.payloads.url_verification(challenge)
        )
        self.events.record(delivery)
        answer = delivery.json()
        echoed = answer.get("challenge") if isinstance(answer, dict) else delivery.body
        if echoed != challenge:
            delivery.problems.append("the challenge was not echoed back")
        return delivery
