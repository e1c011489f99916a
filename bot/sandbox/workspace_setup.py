"""Arranging the workspace for a test or the demo: people, channels, and what changes them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.sandbox.delivery import Delivery
from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.event_delivery import EventDelivery
from bot.sandbox.people import User, describe_timezone
from bot.sandbox.state import JsonDict
from bot.sandbox.webapi import WebApi
from bot.sandbox.workspace import Workspace


class WorkspaceSetup:
    """Adds users and channels; membership and profile changes reach the bot as events."""

    workspace: Workspace
    events: EventDelivery
    webapi: WebApi

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "Europe/London",
        email: str | None = None,
        display_name: str | None = None,
        is_admin: bool = False,
    ) -> str:
        """A person in the workspace; returns their user id."""
        user = self.workspace.add_user(
            name,
            real_name=real_name,
            tz=tz,
            email=email,
            display_name=display_name,
            is_admin=is_admin,
        )
        return user.id

    def add_channel(
        self,
        name: str,
        members: Iterable[str] = (),
        *,
        private: bool = False,
        bot_member: bool = True,
        topic: str = "",
        purpose: str = "",
    ) -> str:
        """A channel with these members (and the bot unless ``bot_member=False``); its id."""
        if self.workspace.channel_by_name(name) is not None:
            raise SandboxUsageError(f"a channel named #{name} already exists")
        people = list(members)
        for user_id in people:
            self.workspace.require_user(user_id)
        if bot_member:
            people.append(self.workspace.bot_user_id)
        conversation = self.workspace.add_conversation(
            name,
            kind="private" if private else "channel",
            members=people,
            creator=people[0] if people else None,
        )
        conversation.topic, conversation.purpose = topic, purpose
        return conversation.id

    def user(self, user_id: str) -> User:
        return self.workspace.require_user(user_id)

    async def join_channel(self, user: str, channel: str) -> Delivery | None:
        """``user`` joins ``channel``; the bot hears ``member_joined_channel`` if it is in it."""
        conversation = self.workspace.require_conversation(channel)
        self.workspace.require_user(user)
        if user in conversation.members:
            raise SandboxUsageError(f"{user} is already in {channel}")
        conversation.members.append(user)
        if self.workspace.bot_user_id not in conversation.members:
            return None
        event: JsonDict = {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "C" if conversation.kind == "channel" else "G",
            "team": self.workspace.team_id,
            "event_ts": self.workspace.next_ts(),
        }
        return await self.events.workspace_event("member_joined_channel", event)

    async def update_user(self, user: str, **changes: Any) -> Delivery | None:
        """Change a user's fields (``real_name``, ``tz``, ``deleted``…); sends ``user_change``."""
        person = self.workspace.require_user(user)
        for name, value in changes.items():
            if not hasattr(person, name) or name in ("id", "team_id"):
                raise SandboxUsageError(f"users have no changeable field {name!r}")
            setattr(person, name, value)
        if "tz" in changes:
            person.tz_label, person.tz_offset = describe_timezone(person.tz)
        person.updated = self.workspace.now()
        event: JsonDict = {
            "type": "user_change",
            "user": person.to_api(),
            "cache_ts": person.updated,
            "event_ts": self.workspace.next_ts(),
        }
        return await self.events.workspace_event("user_change", event)

    async def uninstall_app(self) -> list[Delivery]:
        """The workspace removes the app: ``app_uninstalled``, ``tokens_revoked``, dead tokens."""
        bot = self.workspace.bot_user_id
        deliveries = [
            await self.events.event(
                {"type": "app_uninstalled", "event_ts": self.workspace.next_ts()}
            ),
            await self.events.event(
                {
                    "type": "tokens_revoked",
                    "tokens": {"oauth": [], "bot": [bot]},
                    "event_ts": self.workspace.next_ts(),
                }
            ),
        ]
        self.webapi.uninstall(self.workspace.team_id)
        return deliveries
