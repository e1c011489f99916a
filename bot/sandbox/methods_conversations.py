"""conversations.* Web API methods."""

from __future__ import annotations

from bot.sandbox.api_call import ApiContext, Arguments, Handler, page
from bot.sandbox.errors import SlackError
from bot.sandbox.methods_chat import bot_message_api, visible_conversation
from bot.sandbox.state import Conversation, JsonDict, Message

MAX_MPIM_USERS = 8


def _readable(ctx: ApiContext, channel: str) -> Conversation:
    conversation = visible_conversation(ctx.workspace, channel)
    if ctx.workspace.bot_user_id not in conversation.members:
        raise SlackError("not_in_channel")
    return conversation


def _within(message: Message, arguments: Arguments) -> bool:
    inclusive = arguments.flag("inclusive")
    ts = float(message.ts)
    oldest = arguments.optional_text("oldest")
    latest = arguments.optional_text("latest")
    try:
        if oldest and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            return False
        if (
            latest
            and latest != "now"
            and (ts > float(latest) or (ts == float(latest) and not inclusive))
        ):
            return False
    except ValueError as exc:
        raise SlackError("invalid_ts_oldest" if oldest else "invalid_ts_latest") from exc
    return True


def _paged_messages(
    ctx: ApiContext, messages: list[Message], arguments: Arguments, limit: int
) -> JsonDict:
    chosen = [m for m in messages if _within(m, arguments)]
    chunk, cursor = page(chosen, arguments, default_limit=limit)
    answer: JsonDict = {
        "messages": [bot_message_api(ctx.workspace, m) for m in chunk],
        "has_more": bool(cursor),
        "pin_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }
    if arguments.optional_text("latest"):
        answer["latest"] = arguments.optional_text("latest")
    return answer


async def history(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    conversation = _readable(ctx, arguments.text("channel"))
    newest_first = list(reversed(conversation.messages))
    answer = _paged_messages(ctx, newest_first, arguments, limit=100)
    answer.update(channel_actions_ts=None, channel_actions_count=0)
    return answer


async def replies(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    conversation = _readable(ctx, arguments.text("channel"))
    message = conversation.find(arguments.text("ts"))
    if message is None:
        raise SlackError("thread_not_found")
    parent = conversation.parent_of(message) or message
    return _paged_messages(ctx, [parent, *parent.replies], arguments, limit=1000)


async def info(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    conversation = visible_conversation(ctx.workspace, arguments.text("channel"))
    shaped = conversation.to_api(
        bot_user_id=ctx.workspace.bot_user_id,
        num_members=arguments.flag("include_num_members"),
    )
    if arguments.flag("include_locale"):
        shaped["locale"] = "en-US"
    return {"channel": shaped}


async def members(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    conversation = visible_conversation(ctx.workspace, arguments.text("channel"))
    limit = arguments.integer("limit", 100)
    if limit > 1000:
        raise SlackError("invalid_limit")
    chunk, cursor = page(conversation.members, arguments, default_limit=100)
    return {"members": chunk, "response_metadata": {"next_cursor": cursor}}


def _requested_users(ctx: ApiContext, users: str) -> list[str]:
    wanted = [u.strip() for u in users.split(",") if u.strip()]
    if not wanted:
        raise SlackError("users_list_not_supplied")
    if len(wanted) > MAX_MPIM_USERS:
        raise SlackError("too_many_users")
    for user_id in wanted:
        user = ctx.workspace.user(user_id)
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
    return [u for u in dict.fromkeys(wanted) if u != ctx.workspace.bot_user_id]


def _opened(ctx: ApiContext, conversation: Conversation, existed: bool, full: bool) -> JsonDict:
    shaped: JsonDict = {"id": conversation.id}
    if full:
        shaped = conversation.to_api(bot_user_id=ctx.workspace.bot_user_id)
    answer: JsonDict = {"channel": shaped}
    if existed:
        answer.update(no_op=True, already_open=True)
    return answer


async def open_conversation(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    full = arguments.flag("return_im")
    channel = arguments.optional_text("channel")
    if channel:
        conversation = workspace.conversation(channel)
        if conversation is None or conversation.kind not in ("im", "mpim"):
            raise SlackError("channel_not_found")
        return _opened(ctx, conversation, True, full)
    users = arguments.optional_text("users")
    if users is None:
        raise SlackError("users_list_not_supplied")
    people = _requested_users(ctx, users)
    if not people:
        raise SlackError("cannot_dm_bot")
    create = not arguments.flag("prevent_creation")
    if len(people) == 1:
        existing = workspace.existing_bot_im(people[0])
        if existing is not None:
            return _opened(ctx, existing, True, full)
        if not create:
            raise SlackError("channel_not_found")
        return _opened(ctx, workspace.bot_im(people[0]), False, full)
    wanted = {workspace.bot_user_id, *people}
    for conversation in workspace.conversations.values():
        if conversation.kind == "mpim" and set(conversation.members) == wanted:
            return _opened(ctx, conversation, True, full)
    if not create:
        raise SlackError("channel_not_found")
    names = sorted(workspace.users[u].name for u in wanted)
    mpim = workspace.add_conversation(
        "mpdm-" + "--".join(names) + "-1", kind="mpim", members=wanted
    )
    return _opened(ctx, mpim, False, full)


async def list_conversations(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    kinds = {
        "public_channel": "channel",
        "private_channel": "private",
        "im": "im",
        "mpim": "mpim",
    }
    wanted = {
        kinds[t.strip()]
        for t in (arguments.optional_text("types") or "public_channel").split(",")
        if t.strip() in kinds
    }
    exclude_archived = arguments.flag("exclude_archived")
    found = [
        c
        for c in workspace.conversations.values()
        if c.kind in wanted
        and (c.kind == "channel" or workspace.bot_user_id in c.members)
        and not (exclude_archived and c.is_archived)
    ]
    chunk, cursor = page(found, arguments, default_limit=100)
    return {
        "channels": [c.to_api(bot_user_id=workspace.bot_user_id) for c in chunk],
        "response_metadata": {"next_cursor": cursor},
    }


HANDLERS: dict[str, Handler] = {
    "conversations.history": history,
    "conversations.replies": replies,
    "conversations.info": info,
    "conversations.members": members,
    "conversations.open": open_conversation,
    "conversations.list": list_conversations,
}
