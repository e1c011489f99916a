"""The two-step external file upload (files.getUploadURLExternal, files.completeUploadExternal)
and files.delete."""

from __future__ import annotations

import logging
import mimetypes

from aiohttp import web

from bot.sandbox.api_call import ApiContext, Arguments, Handler
from bot.sandbox.errors import SlackError
from bot.sandbox.message_rules import as_blocks, check_message_content, with_generated_ids
from bot.sandbox.methods_chat import writable_conversation
from bot.sandbox.records import UploadedFile
from bot.sandbox.state import Conversation, JsonDict
from bot.sandbox.workspace import Workspace

logger = logging.getLogger(__name__)

MAX_ALT_TEXT = 1000
MAX_FILE_BYTES = 1024 * 1024 * 1024


async def get_upload_url(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    length = arguments.integer("length", 0)
    if length > MAX_FILE_BYTES:
        raise SlackError("file_upload_size_restricted")
    alt_txt = arguments.optional_text("alt_txt")
    if alt_txt and len(alt_txt) > MAX_ALT_TEXT:
        raise SlackError("alt_txt_too_large")
    upload = UploadedFile(
        id=workspace.new_id("F"),
        name=arguments.text("filename"),
        length=length,
        user=workspace.bot_user_id,
        created=workspace.now(),
        upload_token=workspace.random_token(),
        alt_txt=alt_txt,
        snippet_type=arguments.optional_text("snippet_type"),
    )
    workspace.files[upload.id] = upload
    return {
        "upload_url": f"{ctx.base_url}/upload/v1/{upload.upload_token}",
        "file_id": upload.id,
    }


def _share_target(ctx: ApiContext, arguments: Arguments) -> Conversation | None:
    channel = arguments.optional_text("channel_id")
    channels = [
        c.strip() for c in (arguments.optional_text("channels") or "").split(",") if c.strip()
    ]
    if channel and channels:
        raise SlackError("invalid_channel")
    if len(channels) > 1:
        raise SlackError("channels_limit_exceeded")
    wanted = channel or (channels[0] if channels else None)
    if wanted is None:
        return None
    return writable_conversation(ctx.workspace, wanted)


def _uploads(ctx: ApiContext, arguments: Arguments) -> list[tuple[UploadedFile, str | None]]:
    items = arguments.get("files")
    if not isinstance(items, list) or not items:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: files"])
    found: list[tuple[UploadedFile, str | None]] = []
    for item in items:
        if not isinstance(item, dict):
            raise SlackError("invalid_arguments", messages=["[ERROR] files must hold objects"])
        upload = ctx.workspace.files.get(str(item.get("id")))
        if upload is None or not upload.uploaded or upload.completed:
            raise SlackError("file_not_found")
        title = item.get("title")
        found.append((upload, title if isinstance(title, str) else None))
    return found


async def complete_upload(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    uploads = _uploads(ctx, arguments)
    conversation = _share_target(ctx, arguments)
    thread_ts = arguments.optional_text("thread_ts")
    if conversation is not None and thread_ts and conversation.find(thread_ts) is None:
        raise SlackError("thread_not_found")
    comment = arguments.optional_text("initial_comment")
    blocks = as_blocks(
        arguments.structured("blocks", error="invalid_blocks"), error="invalid_blocks"
    )
    if blocks is not None:
        check_message_content(comment, blocks)
    for upload, title in uploads:
        upload.title = title or upload.name
        upload.completed = True
        if conversation is not None:
            upload.channel = conversation.id
            upload.thread_ts = thread_ts
            upload.initial_comment = comment
    if conversation is not None:
        message = workspace.post(
            conversation,
            user=workspace.bot_user_id,
            text=comment or "",
            blocks=with_generated_ids(blocks or []),
            thread_ts=thread_ts,
            files=[upload.to_api(ctx.base_url) for upload, _ in uploads],
        )
        ctx.effects.bot_posted(conversation, message)
    return {"files": [{"id": upload.id, "title": upload.title} for upload, _ in uploads]}


async def delete_file(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    """The file goes from every message that shared it, as a tombstone; a message that
    held nothing but deleted files goes with it (a comment keeps its message)."""
    workspace = ctx.workspace
    upload = workspace.files.get(arguments.text("file"))
    if upload is None or not upload.completed:
        raise SlackError("file_not_found")
    if upload.deleted:
        raise SlackError("file_deleted")
    if upload.user != workspace.bot_user_id:
        raise SlackError("cant_delete_file")
    upload.deleted = True
    for conversation in workspace.conversations.values():
        shared = [m for top in conversation.messages for m in (top, *top.replies)]
        for message in shared:
            if not any(f.get("id") == upload.id for f in message.files):
                continue
            message.files = [
                {"id": f["id"], "mode": "tombstone"} if f.get("id") == upload.id else f
                for f in message.files
            ]
            if not message.text and all(f.get("mode") == "tombstone" for f in message.files):
                workspace.delete(conversation, message)
    return {}


HANDLERS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.delete": delete_file,
}


async def receive_upload(workspace: Workspace, request: web.Request) -> web.Response:
    """The upload URL handed out by files.getUploadURLExternal: takes the bytes by POST."""
    token = request.match_info["token"]
    upload = next((f for f in workspace.files.values() if f.upload_token == token), None)
    if upload is None or upload.completed:
        return web.Response(status=404, text="not_found")
    if request.content_type == "multipart/form-data":
        form = await request.post()
        field = next((v for v in form.values() if isinstance(v, web.FileField)), None)
        content = field.file.read() if field is not None else b""
    else:
        content = await request.read()
    if len(content) != upload.length:
        logger.warning(
            "upload of %s sent %d bytes, %d announced", upload.name, len(content), upload.length
        )
    upload.content, upload.uploaded = content, True
    return web.Response(text=f"OK - {len(content)}")


async def serve_file(workspace: Workspace, bot_token: str, request: web.Request) -> web.Response:
    """``url_private``: the file's bytes for a caller with the bot token."""
    if request.headers.get("Authorization") != f"Bearer {bot_token}":
        return web.Response(status=403, text="forbidden")
    upload = workspace.files.get(request.match_info["file_id"])
    if upload is None or not upload.uploaded or upload.deleted:
        return web.Response(status=404, text="not_found")
    mimetype = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
    return web.Response(body=upload.content, content_type=mimetype)
