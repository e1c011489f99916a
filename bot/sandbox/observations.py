"""What people in the workspace see, for tests and the demo to read."""

from __future__ import annotations

from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.message_text import render_message_text, render_view_text
from bot.sandbox.records import ApiCall, ResponseUrlPost, UploadedFile
from bot.sandbox.responses import Responses
from bot.sandbox.state import Ephemeral, JsonDict, Message, View
from bot.sandbox.workspace import Workspace


class Observations:
    """Channel and DM history, ephemerals, open views, files and the recorded calls."""

    workspace: Workspace
    responses: Responses
    calls: list[ApiCall]

    def channel_messages(self, channel: str) -> list[Message]:
        """Top-level messages, oldest first (each with ``.replies``)."""
        return list(self.workspace.require_conversation(channel).messages)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """The replies in the thread under ``ts``."""
        conversation = self.workspace.require_conversation(channel)
        message = conversation.find(ts)
        if message is None:
            raise SandboxUsageError(f"no message {ts} in {channel}")
        parent = conversation.parent_of(message) or message
        return list(parent.replies)

    def dm_channel(self, user: str) -> str:
        """The id of the bot's DM with ``user``."""
        return self.workspace.bot_im(user).id

    def dm_messages(self, user: str) -> list[Message]:
        """The bot<->user DM, oldest first."""
        im = self.workspace.existing_bot_im(user)
        return list(im.messages) if im is not None else []

    def ephemerals(self, user: str, channel: str | None = None) -> list[Ephemeral]:
        """Everything shown to ``user`` only, oldest first."""
        return [
            e
            for e in self.workspace.ephemerals
            if e.user == user and (channel is None or e.channel == channel)
        ]

    def open_views(self, user: str) -> list[View]:
        """The user's modal stack, bottom first."""
        return self.workspace.modal_stack(user)

    def home_view(self, user: str) -> View | None:
        return self.workspace.home_view(user)

    def view_errors(self, user: str) -> dict[str, str]:
        """The errors the bot last showed in the user's modal (``response_action: errors``)."""
        return dict(self.workspace.view_errors.get(user, {}))

    @property
    def files(self) -> list[UploadedFile]:
        """Files the bot uploaded and completed (shared or private), and has not deleted."""
        return [f for f in self.workspace.files.values() if f.completed and not f.deleted]

    @property
    def response_posts(self) -> list[ResponseUrlPost]:
        return list(self.responses.posts)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def render(self, message: Message | Ephemeral | JsonDict) -> str:
        """A message as readable text, with user and channel ids named."""
        return render_message_text(message, self._name)

    def render_view(self, view: View) -> str:
        """A modal or Home tab as readable text, title first."""
        return render_view_text(view, self._name)

    def _name(self, ident: str) -> str | None:
        user = self.workspace.user(ident)
        if user is not None:
            return user.name
        conversation = self.workspace.conversation(ident)
        return conversation.name if conversation is not None else None
