"""The domain's Directory port: who somebody is, from Slack's users.info, and many people
at once from users.list. What they say is kept in the database by the domain
(bot.workshop.usecases.people.RememberedDirectory), not here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.workspaces import OneWorkspace, Workspaces
from bot.workshop.ports import Person

# users.info errors that mean the person cannot be reached at all
GONE = frozenset({"user_not_found", "user_not_visible", "account_inactive"})

PAGE_SIZE = 200  # users.list: Slack's recommended page size (it may return fewer)


class SlackDirectory:
    """Asks the workspace the task acts for (bot.slack.workspaces)."""

    def __init__(self, workspaces: Workspaces | AsyncWebClient) -> None:
        if isinstance(workspaces, AsyncWebClient):
            workspaces = OneWorkspace(workspaces)
        self.workspaces = workspaces

    async def person(self, user_id: str) -> Person:
        client = await self.workspaces.client_for(None)
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") not in GONE:
                raise
            return Person(user_id=user_id, deactivated=True)
        return _person(user_id, response["user"])

    async def people(self, user_ids: Sequence[str]) -> list[Person]:
        """users.list, a page of 200 at a time, until everyone of ``user_ids`` is found or
        the list ends."""
        wanted = set(user_ids)
        found: list[Person] = []
        cursor = ""
        client = await self.workspaces.client_for(None)
        while wanted:
            response = await client.users_list(limit=PAGE_SIZE, cursor=cursor or None)
            for member in response.get("members") or []:
                user_id = str(member.get("id") or "")
                if user_id in wanted:
                    wanted.discard(user_id)
                    found.append(_person(user_id, member))
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        return found


def _person(user_id: str, user: Mapping[str, Any]) -> Person:
    return Person(
        user_id=user_id,
        time_zone=str(user.get("tz") or "") or None,
        deactivated=bool(user.get("deleted")),
    )
