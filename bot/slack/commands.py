"""The /p2p slash command: acknowledge at once, then one service call, then reply."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks import SlackMessage, build_status_message, build_text_message
from bot.slack.command_text import parse_command, parse_start_arguments
from bot.slack.errors import reporting_errors
from bot.slack.ids import Command, Subcommand
from bot.slack.setup_form import SetupState, build_setup_form
from bot.workshop.planning import StartRequest
from bot.workshop.service import WorkshopService


def register(app: AsyncApp, service: WorkshopService, renderer: Renderer) -> None:
    @app.command(Command.P2P)
    async def handle_p2p_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        async with reporting_errors(
            body=command, client=client, renderer=renderer, respond=respond
        ):
            reply = await run_p2p_command(service, renderer, command, client)
            if reply is not None:
                await respond(response_type="ephemeral", **reply.as_kwargs())


async def run_p2p_command(
    service: WorkshopService,
    renderer: Renderer,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> SlackMessage | None:
    parsed = parse_command(str(command.get("text", "")))
    team_id, channel_id = str(command["team_id"]), str(command["channel_id"])
    if parsed.subcommand is Subcommand.START:
        arguments = parse_start_arguments(parsed.argument)
        if not arguments.roles:
            await service.check_can_start(team_id=team_id, channel_id=channel_id)
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
                team_id=team_id,
                channel_id=channel_id,
                user_id=str(command["user_id"]),
                title=arguments.title,
                roles=arguments.roles,
                mode=arguments.mode,
            )
        )
    elif parsed.subcommand is Subcommand.SUMMARY:
        notice = await service.publish_summary(team_id=team_id, channel_id=channel_id)
    elif parsed.subcommand is Subcommand.EXPORT:
        notice = await service.share_exports(team_id=team_id, channel_id=channel_id)
    elif parsed.subcommand is Subcommand.STATUS:
        summary = await service.status(team_id=team_id, channel_id=channel_id)
        return build_status_message(summary, renderer)
    else:
        roles = ", ".join(f"`{role.key}`" for role in service.template.roles)
        return build_text_message(renderer.message("commands.help", roles=roles))
    return build_text_message(renderer.message(f"notices.{notice.kind.value}", **notice.context))
