"""The domain's Directory port: who somebody is, from Slack's users.info."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.workshop.ports import Person

# users.info errors that mean the person cannot be reached at all
GONE = frozenset({"user_not_found", "user_not_visible", "account_inactive"})


class SlackDirectory:
    """users.info, remembered for ``ttl`` seconds (time zones and deactivation are rare
    changes; a reminder a little late to notice one is no harm)."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._known: dict[str, tuple[float, Person]] = {}

    async def person(self, user_id: str) -> Person:
        cached = self._known.get(user_id)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") not in GONE:
                raise
            person = Person(user_id=user_id, deactivated=True)
        else:
            user = response["user"]
            person = Person(
                user_id=user_id,
                time_zone=str(user.get("tz") or "") or None,
                deactivated=bool(user.get("deleted")),
            )
        self._known[user_id] = (self.clock(), person)
        return person
