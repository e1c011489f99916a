"""What Slack's OAuth v2 hands out and remembers: the app's registration, authorization
codes, bot tokens (long-lived, or expiring with token rotation) and refresh tokens."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

CODE_TTL = 600.0  # seconds an authorization code may wait for oauth.v2.access, like Slack
DEFAULT_TOKEN_TTL = 43200  # seconds a rotating access token lives: Slack's 12 hours


class OAuthApp(BaseModel):
    """The app as registered with Slack for distribution: its client credentials, where the
    consent page sends the installer back, and the bot scopes it may ask for.

    ``token_rotation`` makes every bot token expire after ``token_ttl`` seconds of the
    sandbox's clock, with a refresh token to get the next one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str = "1111111111.2222222222"
    client_secret: str = "sandbox-client-secret"
    redirect_uri: str | None = None
    redirect_uris: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    token_rotation: bool = False
    token_ttl: int = DEFAULT_TOKEN_TTL

    @field_validator("token_ttl")
    @classmethod
    def _positive_ttl(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("token_ttl is a number of seconds above 0")
        return value

    @property
    def allowed_redirects(self) -> tuple[str, ...]:
        """Every redirect URL the app registered (``redirect_uri`` first)."""
        first = (self.redirect_uri,) if self.redirect_uri else ()
        return first + tuple(u for u in self.redirect_uris if u != self.redirect_uri)


TokenState = Literal["valid", "expired", "revoked", "unknown"]


@dataclass
class BotToken:
    """One bot token Slack issued for one workspace."""

    token: str
    team_id: str
    expires_at: float | None = None  # the sandbox clock's reading; None: never expires
    revoked: bool = False
    exchanged: bool = False  # a long-lived token traded for a rotating one (oauth.v2.exchange)

    @property
    def rotating(self) -> bool:
        return self.expires_at is not None


@dataclass
class RefreshToken:
    token: str
    team_id: str
    used: bool = False
    revoked: bool = False


@dataclass
class AuthorizationCode:
    """What the consent page granted, waiting for the app to exchange it once."""

    code: str
    team_id: str
    installer: str
    scopes: tuple[str, ...]
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass
class IssuedTokens:
    access: BotToken
    refresh: RefreshToken | None
    expires_in: int | None


class Tokens:
    """Every bot token, refresh token and code, with the sandbox clock to expire them."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.bot_tokens: dict[str, BotToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}

    # bot tokens ----------------------------------------------------------------------------

    def add_bot_token(self, token: str, team_id: str) -> BotToken:
        """Register a long-lived bot token (the default workspace's, from the settings)."""
        issued = BotToken(token, team_id)
        self.bot_tokens[token] = issued
        return issued

    def issue(self, team_id: str, *, rotating: bool, ttl: int) -> IssuedTokens:
        """A new bot token for a workspace: ``xoxb-…``, or ``xoxe.xoxb-…`` with a refresh token."""
        serial = secrets.token_hex(4)
        secret = secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
        if not rotating:
            access = self.add_bot_token(f"xoxb-{team_id}-{serial}-{secret}", team_id)
            return IssuedTokens(access, None, None)
        access = BotToken(f"xoxe.xoxb-1-{team_id}-{serial}-{secret}", team_id, self.clock() + ttl)
        self.bot_tokens[access.token] = access
        refresh = RefreshToken(f"xoxe-1-{secrets.token_hex(24)}", team_id)
        self.refresh_tokens[refresh.token] = refresh
        return IssuedTokens(access, refresh, ttl)

    def lookup(self, token: str) -> tuple[TokenState, BotToken | None]:
        issued = self.bot_tokens.get(token)
        if issued is None:
            return "unknown", None
        if issued.revoked:
            return "revoked", issued
        if issued.expires_at is not None and self.clock() >= issued.expires_at:
            return "expired", issued
        return "valid", issued

    def is_valid_for(self, token: str, team_id: str) -> bool:
        state, issued = self.lookup(token)
        return state == "valid" and issued is not None and issued.team_id == team_id

    def revoke_team(self, team_id: str) -> list[str]:
        """Revoke every token of a workspace (the app was uninstalled); returns the bot tokens."""
        revoked = []
        for issued in self.bot_tokens.values():
            if issued.team_id == team_id and not issued.revoked:
                issued.revoked = True
                revoked.append(issued.token)
        for refresh in self.refresh_tokens.values():
            if refresh.team_id == team_id:
                refresh.revoked = True
        for code in self.codes.values():
            if code.team_id == team_id:
                code.used = True
        return revoked

    def team_tokens(self, team_id: str) -> list[BotToken]:
        return [t for t in self.bot_tokens.values() if t.team_id == team_id]

    # codes and refresh tokens --------------------------------------------------------------

    def new_code(
        self, team_id: str, installer: str, scopes: tuple[str, ...], redirect_uri: str | None
    ) -> AuthorizationCode:
        code = AuthorizationCode(
            code=f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**13)}.{secrets.token_hex(32)}",
            team_id=team_id,
            installer=installer,
            scopes=scopes,
            redirect_uri=redirect_uri,
            issued_at=self.clock(),
        )
        self.codes[code.code] = code
        return code

    def usable_code(self, value: str) -> AuthorizationCode | None:
        """The code; None when unknown, used already or expired."""
        code = self.codes.get(value)
        if code is None or code.used or self.clock() - code.issued_at > CODE_TTL:
            return None
        return code

    def redeem_refresh(self, value: str) -> RefreshToken | None:
        """The refresh token, now spent (Slack revokes it as it issues the next); None when
        unknown, spent or revoked."""
        refresh = self.refresh_tokens.get(value)
        if refresh is None or refresh.used or refresh.revoked:
            return None
        refresh.used = True
        return refresh
