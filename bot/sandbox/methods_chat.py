"""chat.* Web API methods."""

from __future__ import annotations

from bot.sandbox.api_call import ApiContext, Arguments, Handler
from bot.sandbox.errors import SlackError
from bot.sandbox.message_rules import (
    as_attachments,
    as_blocks,
    check_message_content,
    with_generated_ids,
)
from bot.sandbox.state import Conversation, JsonDict, Message
from bot.sandbox.workspace import Workspace


def bot_profile(workspace: Workspace) -> JsonDict:
    bot = workspace.users[workspace.bot_user_id]
    return {
        "id": workspace.bot_id,
        "app_id": workspace.app_id,
        "user_id": bot.id,
        "name": bot.name,
        "icons": {"image_36": "", "image_48": "", "image_72": ""},
        "deleted": False,
        "updated": bot.updated,
        "team_id": workspace.team_id,
    }


def bot_message_api(workspace: Workspace, message: Message) -> JsonDict:
    shaped = message.to_api()
    if message.bot_id:
        shaped["bot_profile"] = bot_profile(workspace)
    return shaped


def visible_conversation(workspace: Workspace, channel: str) -> Conversation:
    """A conversation the bot can see (public channels, or one it belongs to)."""
    conversation = workspace.conversation(channel)
    if conversation is None:
        raise SlackError("channel_not_found")
    if conversation.kind != "channel" and workspace.bot_user_id not in conversation.members:
        raise SlackError("channel_not_found")
    return conversation


def writable_conversation(workspace: Workspace, channel: str) -> Conversation:
    """Where the bot may post: a member conversation that is not archived."""
    conversation = visible_conversation(workspace, channel)
    if workspace.bot_user_id not in conversation.members:
        raise SlackError("not_in_channel")
    if conversation.is_archived:
        raise SlackError("is_archived")
    return conversation


def _post_target(workspace: Workspace, channel: str) -> Conversation:
    if channel[:1] in ("U", "W") and workspace.user(channel) is not None:
        return workspace.bot_im(channel)
    if channel.startswith("#"):
        named = workspace.channel_by_name(channel)
        if named is None:
            raise SlackError("channel_not_found")
        channel = named.id
    return writable_conversation(workspace, channel)


def _content(
    arguments: Arguments,
) -> tuple[str | None, list[JsonDict] | None, list[JsonDict] | None]:
    text = arguments.optional_text("text")
    markdown = arguments.optional_text("markdown_text")
    blocks = as_blocks(arguments.structured("blocks", error="invalid_blocks_format"))
    attachments = as_attachments(arguments.structured("attachments", error="invalid_attachments"))
    if markdown is not None:
        if text or blocks:
            raise SlackError("markdown_text_conflict")
        text = markdown
    return text, blocks, attachments


def _thread_parent(conversation: Conversation, thread_ts: str | None) -> str | None:
    if not thread_ts:
        return None
    if conversation.find(thread_ts) is None:
        raise SlackError("thread_not_found")
    return thread_ts


async def post_message(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    conversation = _post_target(workspace, arguments.text("channel"))
    text, blocks, attachments = _content(arguments)
    check_message_content(text, blocks, attachments)
    metadata = arguments.structured("metadata", error="invalid_metadata_format")
    message = workspace.post(
        conversation,
        user=workspace.bot_user_id,
        text=text or "",
        blocks=with_generated_ids(blocks or []),
        thread_ts=_thread_parent(conversation, arguments.optional_text("thread_ts")),
        attachments=attachments or [],
        metadata=metadata if isinstance(metadata, dict) else None,
    )
    ctx.effects.bot_posted(conversation, message)
    return {
        "channel": conversation.id,
        "ts": message.ts,
        "message": bot_message_api(workspace, message),
    }


async def post_ephemeral(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    conversation = writable_conversation(workspace, arguments.text("channel"))
    user = arguments.text("user")
    if workspace.user(user) is None or user not in conversation.members:
        raise SlackError("user_not_in_channel")
    text, blocks, attachments = _content(arguments)
    check_message_content(text, blocks, attachments)
    ephemeral = workspace.add_ephemeral(
        user=user,
        channel=conversation.id,
        text=text or "",
        blocks=with_generated_ids(blocks or []),
        thread_ts=arguments.optional_text("thread_ts"),
        source="chat.postEphemeral",
    )
    return {"message_ts": ephemeral.ts}


async def update(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    conversation = visible_conversation(workspace, arguments.text("channel"))
    message = conversation.find(arguments.text("ts"))
    if message is None:
        raise SlackError("message_not_found")
    if message.user != workspace.bot_user_id:
        raise SlackError("cant_update_message")
    text, blocks, attachments = _content(arguments)
    new_text = text if text is not None else message.text
    new_blocks = blocks if blocks is not None else message.blocks
    new_attachments = attachments if attachments is not None else message.attachments
    check_message_content(new_text, new_blocks, new_attachments)
    message.text = new_text
    message.blocks = with_generated_ids(new_blocks) if blocks is not None else message.blocks
    message.attachments = new_attachments
    message.edited = {"user": workspace.bot_user_id, "ts": workspace.next_ts()}
    return {
        "channel": conversation.id,
        "ts": message.ts,
        "text": message.text,
        "message": bot_message_api(workspace, message),
    }


async def delete(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    conversation = visible_conversation(workspace, arguments.text("channel"))
    message = conversation.find(arguments.text("ts"))
    if message is None:
        raise SlackError("message_not_found")
    if message.user != workspace.bot_user_id:
        raise SlackError("cant_delete_message")
    workspace.delete(conversation, message)
    return {"channel": conversation.id, "ts": message.ts}


async def get_permalink(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    conversation = visible_conversation(workspace, arguments.text("channel"))
    ts = arguments.text("message_ts")
    if conversation.find(ts) is None:
        raise SlackError("message_not_found")
    link = f"https://{workspace.domain}.slack.com/archives/{conversation.id}/p{ts.replace('.', '')}"
    return {"channel": conversation.id, "permalink": link}


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}
