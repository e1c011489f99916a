"""Files, triggers, response URLs and the calls the sandbox records."""

from __future__ import annotations

import builtins
import mimetypes
from dataclasses import dataclass
from typing import Literal

from bot.sandbox.state import JsonDict


@dataclass
class UploadedFile:
    id: str
    name: str
    length: int
    user: str
    created: int
    upload_token: str
    title: str = ""
    content: builtins.bytes = b""
    uploaded: bool = False
    completed: bool = False
    deleted: bool = False  # files.delete: gone from every message that shared it
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None

    def to_api(self, base_url: str) -> JsonDict:
        mimetype = mimetypes.guess_type(self.name)[0] or "application/octet-stream"
        filetype = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        shaped: JsonDict = {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": self.user,
            "editable": False,
            "size": len(self.content) if self.uploaded else self.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base_url}/files/{self.id}/{self.name}",
            "url_private_download": f"{base_url}/files/{self.id}/download/{self.name}",
            "permalink": f"{base_url}/files/{self.id}",
            "channels": [self.channel] if self.channel else [],
            "groups": [],
            "ims": [],
            "comments_count": 0,
        }
        if self.alt_txt:
            shaped["alt_txt"] = self.alt_txt
        return shaped

    @property
    def bytes(self) -> builtins.bytes:
        return self.content


@dataclass
class Trigger:
    id: str
    user: str
    issued_at: float
    used: bool = False


ResponseSource = Literal["command", "message", "ephemeral"]


@dataclass
class ResponseUrl:
    id: str
    user: str
    channel: str
    issued_at: float
    source: ResponseSource
    message_ts: str | None = None
    uses: int = 0


@dataclass
class ResponseUrlPost:
    """Something the bot posted to a response_url, and what the sandbox made of it."""

    url_id: str
    body: JsonDict
    status: int
    answer: JsonDict
    at: float


@dataclass
class ApiCall:
    """One Web API call as the sandbox saw it."""

    method: str
    args: JsonDict
    response: JsonDict
    status: int
    at: float
    elapsed: float
    token_kind: str | None = None
    retry_after: int | None = None  # the seconds a 429 told the caller to wait
    token: str | None = None  # the token the call carried (None: none)
    team_id: str | None = None  # the workspace of that token (None: unknown or no token)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return str(error) if error is not None else None
