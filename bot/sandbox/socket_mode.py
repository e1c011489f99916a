"""Socket Mode: the WebSocket Slack pushes envelopes over, and the acks that come back."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox.state import JsonDict

logger = logging.getLogger(__name__)


@dataclass
class SocketAck:
    """What came back for one envelope within the deadline (or that nothing did)."""

    acked: bool
    payload: JsonDict | None
    elapsed: float
    envelope: JsonDict
    error: str | None = None


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    pending: dict[str, asyncio.Future[JsonDict]] = field(default_factory=dict)

    def receive(self, data: str) -> None:
        try:
            message: Any = json.loads(data)
        except ValueError:
            logger.warning("Socket Mode client sent something that is not JSON: %.200s", data)
            return
        if not isinstance(message, dict) or "envelope_id" not in message:
            logger.debug("Socket Mode message without envelope_id: %.200s", data)
            return
        waiting = self.pending.get(str(message["envelope_id"]))
        if waiting is None or waiting.done():
            logger.info("late or unknown Socket Mode ack %s", message["envelope_id"])
            return
        waiting.set_result(message)

    def fail_pending(self) -> None:
        for waiting in self.pending.values():
            if not waiting.done():
                waiting.set_exception(ConnectionError("the Socket Mode connection closed"))


class SocketModeHub:
    """Issues connection URLs, holds the open WebSockets and sends envelopes over them."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self.base_ws_url = ""
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        self.connections_made = 0

    @property
    def connected(self) -> bool:
        return any(not c.ws.closed for c in self._connections)

    def issue_url(self) -> str:
        ticket = secrets.token_hex(16)
        self._tickets.add(ticket)
        return f"{self.base_ws_url}/link/?ticket={ticket}&app_id={self.app_id}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid_ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = _Connection(ws)
        self._connections.append(connection)
        self.connections_made += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._connections),
                "debug_info": {
                    "host": "applink-sandbox",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )
        logger.info("Socket Mode client connected (%d open)", len(self._connections))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    connection.receive(message.data)
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self._connections.remove(connection)
            connection.fail_pending()
            logger.info("Socket Mode client disconnected (%d open)", len(self._connections))
        return ws

    async def send(
        self,
        envelope_type: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool,
        deadline: float,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> SocketAck:
        open_connections = [c for c in self._connections if not c.ws.closed]
        if not open_connections:
            raise ConnectionError("no Socket Mode connection is open")
        connection = open_connections[-1]
        envelope: JsonDict = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        waiting: asyncio.Future[JsonDict] = asyncio.get_running_loop().create_future()
        connection.pending[envelope["envelope_id"]] = waiting
        started = time.perf_counter()
        try:
            await connection.ws.send_str(json.dumps(envelope))
            ack = await asyncio.wait_for(asyncio.shield(waiting), timeout=deadline)
        except TimeoutError:
            return SocketAck(False, None, time.perf_counter() - started, envelope, "timeout")
        except ConnectionError as error:
            return SocketAck(False, None, time.perf_counter() - started, envelope, str(error))
        finally:
            connection.pending.pop(envelope["envelope_id"], None)
            if not waiting.done():
                waiting.cancel()
        answer = ack.get("payload")
        return SocketAck(
            True,
            answer if isinstance(answer, dict) else None,
            time.perf_counter() - started,
            envelope,
        )

    async def close(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close(message=b"sandbox stopping")
