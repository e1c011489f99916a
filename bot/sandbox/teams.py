"""One workspace among several in a sandbox: its people and channels, the app installed in
it (or not), and the "act as user" API, delivered with its team_id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.api_call import Installation
from bot.sandbox.delivery import Deliverer
from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.event_delivery import EventDelivery
from bot.sandbox.observations import Observations
from bot.sandbox.payloads import Payloads
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.records import ApiCall
from bot.sandbox.responses import Responses
from bot.sandbox.state import Conversation, Message
from bot.sandbox.user_actions import UserActions
from bot.sandbox.webapi import WebApi
from bot.sandbox.workspace import Workspace
from bot.sandbox.workspace_setup import WorkspaceSetup

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox


class SandboxWorkspace(WorkspaceSetup, UserActions, Observations):
    """A workspace of the sandbox, with the same "act as user" API as the sandbox has for
    its default workspace: ``add_user``, ``add_channel``, ``slash_command``, ``send_dm``,
    ``click``, ``channel_messages``, … Everything it delivers carries its ``team_id``.

    ``calls`` are the Web API calls made with this workspace's tokens.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        installation: Installation,
        *,
        payloads: Payloads,
        events: EventDelivery,
        responses: Responses | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.installation = installation
        self.workspace: Workspace = installation.workspace
        self.payloads = payloads
        self.events = events
        self.responses = responses or Responses(
            self.workspace,
            clock=sandbox.clock,
            bot_posted=self.bot_posted,
            on_activity=sandbox.touch,
        )
        self.deliverer: Deliverer = sandbox.deliverer
        self.webapi: WebApi = sandbox.webapi

    @classmethod
    def create(cls, sandbox: Sandbox, workspace: Workspace) -> SandboxWorkspace:
        """A workspace with its own state, rate limits and deliveries; the app is not
        installed in it yet."""
        installation = Installation(
            workspace=workspace,
            limiter=RateLimiter(sandbox.settings.rate_limits, sandbox.clock),
            effects=sandbox,
            bot_scopes=(),
            installed=False,
        )
        payloads = Payloads(
            workspace,
            verification_token=sandbox.settings.verification_token,
            clock=sandbox.clock,
            base_url=lambda: sandbox.url,
            installed=lambda: installation.installed,
        )
        events = EventDelivery(
            deliverer=sandbox.deliverer,
            payloads=payloads,
            contract=sandbox.contract,
            bot_scopes=lambda: installation.bot_scopes,
            bot_events=sandbox.bot_events,
            spawn=sandbox.spawn,
            record=sandbox.deliveries.append,
            event_retries=sandbox.settings.event_retries,
        )
        events.deliver_twice = sandbox.deliver_twice
        team = cls(sandbox, installation, payloads=payloads, events=events)
        installation.effects = team  # what its calls set in motion happens in it
        return team

    # who it is -----------------------------------------------------------------------------

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def name(self) -> str:
        return self.workspace.team_name

    @property
    def enterprise_id(self) -> str | None:
        return self.workspace.enterprise_id

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def installed(self) -> bool:
        return self.installation.installed

    @property
    def installer(self) -> str | None:
        """Who approved the install on the consent page (None for the default workspace)."""
        return self.installation.installer

    @property
    def bot_scopes(self) -> tuple[str, ...]:
        """The scopes the app was granted in this workspace."""
        return self.installation.bot_scopes

    @property
    def bot_token(self) -> str | None:
        """The newest bot token of this workspace that still works (None: none does)."""
        tokens = self.webapi.tokens
        valid = [
            t.token
            for t in tokens.team_tokens(self.team_id)
            if tokens.is_valid_for(t.token, self.team_id)
        ]
        return valid[-1] if valid else None

    @property
    def escape_slash_commands(self) -> bool:
        """The app's slash command setting, the same in every workspace."""
        return self.sandbox.escape_slash_commands

    @escape_slash_commands.setter
    def escape_slash_commands(self, value: bool) -> None:
        self.sandbox.escape_slash_commands = value

    @property
    def calls(self) -> list[ApiCall]:
        """The Web API calls made with this workspace's tokens, oldest first."""
        return [c for c in self.sandbox.calls if c.team_id == self.team_id]

    @calls.setter
    def calls(self, calls: list[ApiCall]) -> None:
        raise SandboxUsageError("a workspace's calls are read from the sandbox's")

    def limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` in this workspace answer HTTP 429."""
        self.installation.limiter.limit_next(method, times, retry_after)

    # what its Web API calls set in motion --------------------------------------------------

    def bot_posted(self, conversation: Conversation, message: Message) -> None:
        self.sandbox.echo_bot_message(self.events, self.payloads, conversation, message)

    def issue_socket_url(self) -> str:
        return self.sandbox.issue_socket_url()
