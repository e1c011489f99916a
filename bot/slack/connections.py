"""One pool of kept-alive HTTP connections to Slack's Web API for the whole process.

Without a session of its own, slack_sdk's AsyncWebClient opens a new aiohttp session,
and so a new connection (a TLS handshake at Slack), for every call, and closes it after.
Every client p2p builds (one per workspace when installed in many) shares this pool:
the token travels in each request's headers, not in the connection.
"""

from __future__ import annotations

import asyncio

import aiohttp

# slack_sdk's own default: a call that takes longer than this fails.
TIMEOUT_SECONDS = 30


class SlackConnections:
    """The session the Web API clients share, opened on first use in the running loop."""

    def __init__(self, *, timeout_seconds: float = TIMEOUT_SECONDS) -> None:
        self.timeout_seconds = timeout_seconds
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        """The open session of the running event loop (a session serves one loop)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds)
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        """Close the connections, if the session was opened in this loop."""
        session, self._session = self._session, None
        if session is not None and not session.closed and self._loop is asyncio.get_running_loop():
            await session.close()
