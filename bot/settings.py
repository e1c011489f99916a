"""The one place that reads the environment.

Settings are built once, in ``bot.__main__``, and passed down.
"""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.workshop.core.calendar import parse_working_days, parse_working_hours

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///p2p.db"
SLACK_API_URL = "https://slack.com/api/"
SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def normalise_database_url(url: str) -> str:
    """Turn the URLs hosting platforms hand out into SQLAlchemy async URLs."""
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


class Settings(BaseSettings):
    """Everything p2p reads from the environment (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Installs in many workspaces (OAuth): the app's Client ID and Secret instead of a token
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # where Slack sends the browser back after an install; p2p's /slack/oauth_redirect as
    # Slack sees it (set it behind a proxy, and list it in the app's Redirect URLs)
    slack_redirect_uri: str | None = None
    slack_authorize_url: str = SLACK_AUTHORIZE_URL
    # with token rotation on: refresh a workspace's token this long before it expires
    slack_token_refresh_minutes: int = Field(default=120, ge=1, le=11 * 60)
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: LogLevel = "INFO"
    # Reminders and deadlines: how often to look for due jobs, and when people may be nudged
    scheduler_interval_seconds: float = Field(default=5.0, gt=0)
    working_hours: str = "09:00-17:00"  # in each person's own time zone; end 24:00 = midnight
    working_days: str = "mon-fri"
    nudge_first_after_days: float = Field(default=1.0, gt=0)  # working days
    nudge_every_days: float = Field(default=2.0, gt=0)
    nudge_max: int = Field(default=3, ge=0)
    role_allowance_days: float = Field(default=3.0, gt=0)  # in turn: each role's time

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        url = normalise_database_url(value.strip())
        if not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return url

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("working_hours")
    @classmethod
    def _working_hours_shape(cls, value: str) -> str:
        parse_working_hours(value)
        return value

    @field_validator("working_days")
    @classmethod
    def _working_days_shape(cls, value: str) -> str:
        parse_working_days(value)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "slack_redirect_uri",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """``SLACK_SIGNING_SECRET=`` (as .env.example ships it), or spaces, is not set: an
        empty secret would let anyone sign requests, so it is refused like a missing one."""
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if isinstance(text, str) and not text.strip() else value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_redirect_uri", "slack_authorize_url")
    @classmethod
    def _is_a_web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.strip() if value is not None else None

    @property
    def installs_in_many_workspaces(self) -> bool:
        """OAuth: installed in each workspace that adds it, rather than with one token."""
        return self.slack_client_id is not None or self.slack_client_secret is not None

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable and the fix."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(
            f"{name} is invalid: {first['msg']}. Fix it in the environment or .env."
        ) from None
