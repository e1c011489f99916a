"""Which token p2p speaks to Slack with.

Installed in one workspace (``SLACK_BOT_TOKEN``), every call uses that token. Installed in
many (OAuth), each call uses the token of the workspace the work is for: the workshop's
own, or the one the current delivery or scheduled job acts for
(``bot.workshop.ports.acting_team``). Tokens come from slack_sdk's installation store and
are refreshed there before they expire when the app rotates tokens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.authorization.authorize_result import AuthorizeResult
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.workshop.core.model import Team
from bot.workshop.ports import acting_team

logger = logging.getLogger(__name__)

# How long a process trusts what it read from the installation store before reading again
# (an uninstall seen by another process reaches this one within that time).
REMEMBER_FOR_SECONDS = 60.0


class NotInstalled(Exception):
    """p2p has no installation (or no bot token) for the workspace."""

    def __init__(self, team: Team | None) -> None:
        where = "no workspace" if team is None else f"team {team.team_id or team.enterprise_id}"
        super().__init__(f"p2p is not installed for {where}")
        self.team = team


class Workspaces(Protocol):
    async def client_for(self, team: Team | None) -> AsyncWebClient:
        """The Web API client for ``team``, or for the workspace the task acts for."""
        ...

    async def forget(self, team: Team, *, enterprise_wide: bool = False) -> None:
        """The app was removed from ``team``: its tokens are deleted."""
        ...


class OneWorkspace:
    """Installed in one workspace: one token for everything."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def client_for(self, team: Team | None) -> AsyncWebClient:
        return self.client

    async def forget(self, team: Team, *, enterprise_wide: bool = False) -> None:
        """Nothing to delete: the token is the operator's, in the environment."""


@dataclass
class _Known:
    bot: Bot
    read_at: float


# Builds a client for a bot token; the key names the workspace, whose rate limits it shares.
ClientFactory = Callable[[str, str], AsyncWebClient]


class InstalledWorkspaces:
    """Installed in many workspaces: each team's bot token, from the installation store.

    A token that expires within ``refresh_minutes`` is refreshed before use (one refresh at
    a time per workspace in this process; when another process spent the refresh token
    first, the token it saved is used)."""

    def __init__(
        self,
        store: AsyncInstallationStore,
        *,
        rotator: AsyncTokenRotator,
        make_client: ClientFactory,
        refresh_minutes: int = 120,
        remember_for: float = REMEMBER_FOR_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.rotator = rotator
        self.make_client = make_client
        self.refresh_minutes = refresh_minutes
        self.remember_for = remember_for
        self.clock = clock
        self.wall_clock = wall_clock
        self._known: dict[Team, _Known] = {}
        self._clients: dict[Team, tuple[str, AsyncWebClient]] = {}
        self._locks: dict[Team, asyncio.Lock] = {}

    async def client_for(self, team: Team | None) -> AsyncWebClient:
        team = team or acting_team()
        if team is None:
            raise NotInstalled(None)
        bot = await self.bot(team)
        token = str(bot.bot_token)
        cached = self._clients.get(team)
        if cached is None or cached[0] != token:
            cached = (token, self.make_client(token, _key(team)))
            self._clients[team] = cached
        return cached[1]

    async def bot(self, team: Team, *, enterprise_install: bool = False) -> Bot:
        """The team's bot installation, with a token that is not about to expire."""
        known = self._known.get(team)
        if known is not None and self._still_good(known):
            return known.bot
        async with self._locks.setdefault(team, asyncio.Lock()):
            known = self._known.get(team)
            if known is not None and self._still_good(known):
                return known.bot
            bot = await self._find(team, enterprise_install=enterprise_install)
            bot = await self._refreshed(team, bot, enterprise_install=enterprise_install)
            self._known[team] = _Known(bot=bot, read_at=self.clock())
            return bot

    async def forget(self, team: Team, *, enterprise_wide: bool = False) -> None:
        team_id = None if enterprise_wide else (team.team_id or None)
        await self.store.async_delete_all(enterprise_id=team.enterprise_id, team_id=team_id)
        for known in list(self._known):
            if known == team or (enterprise_wide and known.enterprise_id == team.enterprise_id):
                del self._known[known]
                self._clients.pop(known, None)
        logger.info("installation of %s deleted", team_id or team.enterprise_id)

    def _still_good(self, known: _Known) -> bool:
        if self.clock() - known.read_at >= self.remember_for:
            return False
        return not self._expiring(known.bot)

    def _expiring(self, bot: Bot) -> bool:
        expires_at = bot.bot_token_expires_at
        return (
            expires_at is not None and expires_at <= self.wall_clock() + self.refresh_minutes * 60
        )

    async def _find(self, team: Team, *, enterprise_install: bool) -> Bot:
        bot = None
        if not enterprise_install:
            bot = await self.store.async_find_bot(
                enterprise_id=team.enterprise_id, team_id=team.team_id or None
            )
        if bot is None and team.enterprise_id:
            # installed across the whole Enterprise Grid org rather than in the workspace
            bot = await self.store.async_find_bot(
                enterprise_id=team.enterprise_id, team_id=None, is_enterprise_install=True
            )
        if bot is None or not bot.bot_token:
            raise NotInstalled(team)
        return bot

    async def _refreshed(self, team: Team, bot: Bot, *, enterprise_install: bool) -> Bot:
        if bot.bot_refresh_token is None or not self._expiring(bot):
            return bot
        try:
            refreshed = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.refresh_minutes
            )
        except SlackTokenRotationError:
            # another process may have refreshed it first, spending the refresh token
            again = await self._find(team, enterprise_install=enterprise_install)
            if again.bot_token != bot.bot_token and not self._expired(again):
                return again
            raise
        if refreshed is None:
            return bot
        await self.store.async_save_bot(refreshed)
        logger.info("refreshed the bot token of %s", team.team_id or team.enterprise_id)
        return refreshed

    def _expired(self, bot: Bot) -> bool:
        expires_at = bot.bot_token_expires_at
        return expires_at is not None and expires_at <= self.wall_clock()


def _key(team: Team) -> str:
    return team.team_id or team.enterprise_id or ""


class InstalledAuthorize(AsyncAuthorize):
    """Bolt's authorize step for deliveries: the bot token of the workspace a delivery comes
    from, read (and refreshed) the way every other call of p2p reads it; no auth.test call
    per delivery. A workspace p2p is not installed in is refused."""

    def __init__(self, workspaces: InstalledWorkspaces) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.workspaces = workspaces

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        team = Team(team_id=team_id or "", enterprise_id=enterprise_id)
        try:
            bot = await self.workspaces.bot(
                team, enterprise_install=bool(context.is_enterprise_install)
            )
        except NotInstalled:
            logger.warning(
                "a delivery from %s, where p2p is not installed", team_id or enterprise_id
            )
            return None
        except SlackTokenRotationError:
            logger.exception("could not refresh the token of %s", team_id or enterprise_id)
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )
