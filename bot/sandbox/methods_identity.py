"""Who is who: auth.test, users.*, team.info, apps.connections.open."""

from __future__ import annotations

from bot.sandbox.api_call import ApiContext, Arguments, Handler, page
from bot.sandbox.errors import SlackError
from bot.sandbox.state import JsonDict


async def auth_test(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    bot = workspace.users[workspace.bot_user_id]
    answer: JsonDict = {
        "url": f"https://{workspace.domain}.slack.com/",
        "team": workspace.team_name,
        "user": bot.name,
        "team_id": workspace.team_id,
        "user_id": bot.id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": False,
    }
    if workspace.enterprise_id is not None:
        answer["enterprise_id"] = workspace.enterprise_id
    return answer


async def users_info(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    user = ctx.workspace.user(arguments.text("user"))
    if user is None:
        raise SlackError("user_not_found")
    shaped = user.to_api()
    if arguments.flag("include_locale"):
        shaped["locale"] = "en-US"
    return {"user": shaped}


async def users_list(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    everyone = list(ctx.workspace.users.values())
    chunk, cursor = page(everyone, arguments, default_limit=0)
    members = [u.to_api() for u in chunk]
    if arguments.flag("include_locale"):
        for member in members:
            member["locale"] = "en-US"
    return {
        "members": members,
        "cache_ts": ctx.workspace.now(),
        "response_metadata": {"next_cursor": cursor},
    }


async def users_lookup_by_email(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    email = arguments.text("email").lower()
    for user in ctx.workspace.users.values():
        if user.email and user.email.lower() == email:
            return {"user": user.to_api()}
    raise SlackError("users_not_found")


async def team_info(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    return {
        "team": {
            "id": workspace.team_id,
            "name": workspace.team_name,
            "url": f"https://{workspace.domain}.slack.com/",
            "domain": workspace.domain,
            "email_domain": "",
            "icon": {"image_default": True},
            "is_verified": False,
        }
    }


async def connections_open(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    return {"url": ctx.effects.issue_socket_url()}


HANDLERS: dict[str, Handler] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "team.info": team_info,
    "apps.connections.open": connections_open,
}
