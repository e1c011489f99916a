"""Installing p2p in a workspace, the OAuth v2 way: the scopes it asks for, and the pages a
person installing it sees when it worked and when it did not (Bolt's OAuth flow runs the
install itself: bot.app wires it)."""

from __future__ import annotations

from typing import Final

import jinja2
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.response import BoltResponse

from prompts import PAGES_DIR

INSTALL_PATH: Final = "/slack/install"
REDIRECT_PATH: Final = "/slack/oauth_redirect"

# What the bot may do; the same list as oauth_config.scopes.bot in manifest.yml.
BOT_SCOPES: Final = (
    "chat:write",
    "commands",
    "im:history",
    "im:read",
    "im:write",
    "channels:read",
    "groups:read",
    "users:read",
    "files:write",
)

_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PAGES_DIR), autoescape=True, undefined=jinja2.StrictUndefined
)

# Why an install did not finish, as somebody installing p2p can act on it.
_FAILURES: Final = {
    "access_denied": "The install was cancelled in Slack, so nothing was installed.",
    "invalid_browser": (
        "This install was started in another browser, or its link is older than ten minutes. "
        "For your workspace's safety p2p only finishes an install in the browser that began it."
    ),
    "invalid_state": (
        "This install link has expired or was used already, so nothing was installed. "
        "Each link works once, for ten minutes."
    ),
    "missing_code": "Slack did not send the code that finishes an install.",
    "invalid_code": "Slack did not accept the install's code; it may have been used already.",
    "storage_error": "The install worked in Slack but p2p could not save it. Please try again.",
}


def page(
    title: str, *paragraphs: str, link: str = "", link_text: str = "", status: int = 200
) -> BoltResponse:
    body = _PAGES.get_template("install.html.j2").render(
        title=title, paragraphs=paragraphs, link=link, link_text=link_text
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


async def installed(args: AsyncSuccessArgs) -> BoltResponse:
    installation = args.installation
    where = installation.team_name or installation.enterprise_name or "your workspace"
    return page(
        "p2p is installed",
        f"p2p is now in {where}. Invite it to a channel (/invite @p2p), then type "
        "/p2p start there to map your team's path to production, or /p2p help to see how.",
    )


async def not_installed(args: AsyncFailureArgs) -> BoltResponse:
    reason = _FAILURES.get(args.reason, f"The install did not finish ({args.reason}).")
    return page(
        "p2p was not installed",
        reason,
        link=INSTALL_PATH,
        link_text="Start the install again",
        status=args.suggested_status_code,
    )


CALLBACKS: Final = AsyncCallbackOptions(success=installed, failure=not_installed)
