"""The /p2p slash command: acknowledge at once, then one service call, then reply."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.messages import (
    SlackMessage,
    build_status_message,
    build_text_message,
    button,
    notice_text,
)
from bot.slack.blocks.setup_form import SetupState, build_setup_form
from bot.slack.command_text import parse_command, parse_person, parse_start_arguments
from bot.slack.ids import ActionId, Command, Subcommand
from bot.slack.listeners.errors import reporting_errors
from bot.workshop.bootstrap import Services
from bot.workshop.core.model import WorkshopDetails
from bot.workshop.core.planning import StartRequest
from bot.workshop.ports import Notice


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    @app.command(Command.P2P)
    async def handle_p2p_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        async with reporting_errors(
            body=command, client=client, renderer=renderer, respond=respond
        ):
            reply = await run_p2p_command(services, renderer, command, client)
            if reply is not None:
                await respond(response_type="ephemeral", **reply.as_kwargs())

    @app.action(ActionId.CONFIRM_CANCEL)
    @app.action(ActionId.CONFIRM_FORGET)
    @app.action(ActionId.NEVER_MIND)
    async def handle_confirmation(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        async with reporting_errors(body=body, client=client, renderer=renderer, respond=respond):
            user_id = str(body["user"]["id"])
            team_id = str((body.get("team") or {}).get("id", ""))
            channel_id = str(action.get("value") or "")
            if action["action_id"] == ActionId.CONFIRM_CANCEL:
                notice = await services.controls.cancel(
                    team_id=team_id, channel_id=channel_id, user_id=user_id
                )
            elif action["action_id"] == ActionId.CONFIRM_FORGET:
                notice = await services.controls.forget(team_id=team_id, user_id=user_id)
            else:
                await respond(delete_original=True)
                return
            await respond(replace_original=True, **_notice(notice, renderer).as_kwargs())


def _notice(notice: Notice, renderer: Renderer) -> SlackMessage:
    return build_text_message(notice_text(notice, renderer))


def _confirmation(question: str, action_id: str, value: str, renderer: Renderer) -> SlackMessage:
    yes = button(renderer.message("commands.confirm_yes"), action_id, value, style="danger")
    no = button(renderer.message("commands.confirm_no"), ActionId.NEVER_MIND, value)
    text = renderer.message(question)
    return SlackMessage(
        text=text,
        blocks=(
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {"type": "actions", "elements": [yes, no]},
        ),
    )


async def run_p2p_command(
    services: Services,
    renderer: Renderer,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> SlackMessage | None:
    service, controls, summaries = services.starter, services.controls, services.summaries
    parsed = parse_command(str(command.get("text", "")))
    team_id, channel_id = str(command["team_id"]), str(command["channel_id"])
    user_id = str(command["user_id"])
    where = {"team_id": team_id, "channel_id": channel_id}
    match parsed.subcommand:
        case Subcommand.START:
            arguments = parse_start_arguments(parsed.argument)
            if not arguments.roles:
                await service.check_can_start(**where)
                form = build_setup_form(
                    renderer,
                    service.template,
                    SetupState(team_id=team_id, channel_id=channel_id),
                    title=arguments.title if parsed.argument else "",
                )
                await client.views_open(trigger_id=command["trigger_id"], view=form)
                return None
            notice = await service.start_workshop(
                StartRequest(
                    **where,
                    user_id=user_id,
                    title=arguments.title,
                    roles=arguments.roles,
                    mode=arguments.mode,
                    details=WorkshopDetails(
                        co_facilitators=arguments.co_facilitators, named=arguments.named
                    ),
                )
            )
        case Subcommand.SUMMARY:
            notice = await summaries.publish_in_channel(**where)
        case Subcommand.EXPORT:
            notice = await summaries.share_exports(**where)
        case Subcommand.STATUS:
            summary = await summaries.status(**where)
            return build_status_message(summary, renderer)
        case Subcommand.CLOSE:
            notice = await controls.close(**where, user_id=user_id)
        case Subcommand.SKIP:
            notice = await controls.skip_role(**where, user_id=user_id, role_word=parsed.argument)
        case Subcommand.EXTEND:
            notice = await controls.extend(**where, user_id=user_id, text=parsed.argument)
        case Subcommand.REMIND:
            target = parse_person(parsed.argument)
            notice = await controls.remind(**where, user_id=user_id, target=target)
        case Subcommand.CANCEL:
            await controls.workshop_to_change(**where, user_id=user_id)
            return _confirmation(
                "commands.confirm_cancel", ActionId.CONFIRM_CANCEL, channel_id, renderer
            )
        case Subcommand.FORGET_ME:
            return _confirmation(
                "commands.confirm_forget", ActionId.CONFIRM_FORGET, channel_id, renderer
            )
        case _:
            roles = ", ".join(f"`{role.key}`" for role in service.template.roles)
            return build_text_message(renderer.message("commands.help", roles=roles))
    return _notice(notice, renderer)
