"""How a Sandbox is set up: the app's credentials, what Slack grants it, and how strict it is."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from bot.sandbox.faults import FaultSettings
from bot.sandbox.oauth import OAuthApp
from bot.sandbox.ratelimit import RateLimitMode
from bot.sandbox.webapi import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES


class SandboxSettings(BaseModel):
    """Everything a Sandbox is built from; ``SandboxSettings()`` is a workspace like Slack's.

    ``bot_scopes`` and ``bot_events`` default to what the p2p app manifest asks for.
    ``clock`` returns monotonic seconds; it times trigger_id expiry, response_url expiry and
    rate-limit buckets, so a test can move it instead of sleeping.
    ``contract_dir`` holds Slack's method contracts (None: found as ``find_contract_dir`` does).
    ``rate_limits`` is ``"slack"``, ``"strict"`` or ``"off"`` (see ``bot.sandbox.ratelimit``).
    ``port`` 0 serves on any free port.
    ``faults`` says how often Slack fails, seeded (see ``bot.sandbox.faults``): never by default.
    ``oauth`` registers the app for installing with OAuth v2 (see ``bot.sandbox.oauth``); the
    default workspace has ``bot_token`` installed either way.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    signing_secret: str = "s3cr3t"
    bot_token: str = "xoxb-sandbox"
    app_token: str = "xapp-sandbox"
    bot_scopes: tuple[str, ...] = DEFAULT_BOT_SCOPES
    bot_events: tuple[str, ...] = DEFAULT_BOT_EVENTS
    rate_limits: RateLimitMode = "slack"
    clock: Callable[[], float] = time.monotonic
    contract_dir: Path | None = None
    ack_deadline: float = 3.0
    trigger_ttl: float = 3.0
    event_retries: int = 3
    echo_bot_messages: bool = True
    escape_slash_commands: bool = True
    verification_token: str = "sandbox-verification-token"
    team_name: str = "P2P Sandbox"
    bot_name: str = "p2p"
    host: str = "127.0.0.1"
    port: int = 0
    faults: FaultSettings = FaultSettings()
    oauth: OAuthApp | None = None

    @field_validator("bot_token")
    @classmethod
    def _bot_token_prefix(cls, value: str) -> str:
        if not value.startswith("xoxb-"):
            raise ValueError("the bot token starts with xoxb-")
        return value

    @field_validator("app_token")
    @classmethod
    def _app_token_prefix(cls, value: str) -> str:
        if not value.startswith("xapp-"):
            raise ValueError("the app-level token starts with xapp-")
        return value
