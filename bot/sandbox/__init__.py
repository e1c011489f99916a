"""An emulated Slack workspace on loopback, strict like Slack, for tests and ``p2p demo``.

from bot.sandbox import Sandbox, SandboxSettings

async with Sandbox(SandboxSettings(bot_token="xoxb-test")) as sb:
    sb.request_url = "http://127.0.0.1:3000/slack/events"
    alice = sb.add_user("alice", real_name="Alice Archer")
    await sb.slash_command(alice, None, "/p2p", "help")
"""

from bot.sandbox.delivery import Delivery, slack_signature
from bot.sandbox.errors import ActionNotPossible, SandboxUsageError, SlackError
from bot.sandbox.faults import FaultCounts, Faults, FaultSettings, LostResponse
from bot.sandbox.installs import WorkspaceRef
from bot.sandbox.message_text import readable_mrkdwn, render_message_text, render_view_text
from bot.sandbox.oauth import OAuthApp
from bot.sandbox.oauth_server import ConsentRefused
from bot.sandbox.people import User
from bot.sandbox.records import ApiCall, ResponseUrlPost, UploadedFile
from bot.sandbox.sandbox import Sandbox
from bot.sandbox.settings import SandboxSettings
from bot.sandbox.state import Ephemeral, Message, View
from bot.sandbox.teams import SandboxWorkspace
from bot.sandbox.webapi import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES

__all__ = [
    "DEFAULT_BOT_EVENTS",
    "DEFAULT_BOT_SCOPES",
    "ActionNotPossible",
    "ApiCall",
    "ConsentRefused",
    "Delivery",
    "Ephemeral",
    "FaultCounts",
    "FaultSettings",
    "Faults",
    "LostResponse",
    "Message",
    "OAuthApp",
    "ResponseUrlPost",
    "Sandbox",
    "SandboxSettings",
    "SandboxUsageError",
    "SandboxWorkspace",
    "SlackError",
    "UploadedFile",
    "User",
    "View",
    "WorkspaceRef",
    "readable_mrkdwn",
    "render_message_text",
    "render_view_text",
    "slack_signature",
]
