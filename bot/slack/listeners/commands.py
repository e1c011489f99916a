"""The /p2p slash command: acknowledge at once, then one service call, then reply.

Each sub-command has its handler in ``COMMANDS``. Cancelling a workshop and forgetting a
person are confirmed with a button first; those clicks are answered here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.messages import (
    SlackMessage,
    build_status_message,
    build_text_message,
    button,
    notice_text,
)
from bot.slack.blocks.setup_form import SetupState, build_setup_form, build_start_refused
from bot.slack.command_text import parse_command, parse_person, parse_start_arguments
from bot.slack.ids import ActionId, Command, Subcommand, any_action
from bot.slack.listeners.errors import describe_error, reporting_errors
from bot.slack.payloads import BlockAction, OpenedView, SlashCommand
from bot.workshop.bootstrap import Services
from bot.workshop.core.errors import WorkshopError
from bot.workshop.core.model import WorkshopDetails
from bot.workshop.core.planning import StartRequest
from bot.workshop.ports import Notice

Reply = SlackMessage | None


@dataclass(frozen=True)
class CommandRun:
    """One /p2p command being answered: who typed it, where, and what answers it."""

    command: SlashCommand
    services: Services
    renderer: Renderer
    client: AsyncWebClient

    @property
    def where(self) -> dict[str, str]:
        return {"team_id": self.command.team_id, "channel_id": self.command.channel_id}

    @property
    def asked(self) -> dict[str, str]:
        """Where, and by whom: what a facilitator's control needs."""
        return {**self.where, "user_id": self.command.user_id}

    def notice(self, notice: Notice) -> SlackMessage:
        return build_text_message(notice_text(notice, self.renderer))


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    @app.command(Command.P2P)
    async def handle_p2p_command(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        command = SlashCommand.parse(body)
        async with reporting_errors(command, client=client, renderer=renderer, respond=respond):
            reply = await run_p2p_command(CommandRun(command, services, renderer, client))
            if reply is not None:
                await respond(response_type="ephemeral", **reply.as_kwargs())

    @app.action(any_action(ActionId.CONFIRM_CANCEL, ActionId.CONFIRM_FORGET, ActionId.NEVER_MIND))
    async def handle_confirmation(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer, respond=respond):
            await answer_confirmation(services, renderer, click, respond)


async def run_p2p_command(run: CommandRun) -> Reply:
    parsed = parse_command(run.command.text)
    return await COMMANDS[parsed.subcommand](run, parsed.argument)


async def start(run: CommandRun, argument: str) -> Reply:
    arguments = parse_start_arguments(argument)
    if not arguments.roles:
        await open_setup_form(run, title=arguments.title if argument else "")
        return None
    request = StartRequest(
        **run.asked,
        enterprise_id=run.command.enterprise_id,
        title=arguments.title,
        roles=arguments.roles,
        mode=arguments.mode,
        details=WorkshopDetails(co_facilitators=arguments.co_facilitators, named=arguments.named),
    )
    return run.notice(await run.services.starter.start_workshop(request))


async def open_setup_form(run: CommandRun, *, title: str) -> None:
    """The form opens first, while the trigger_id is fresh (it lasts 3 seconds); when the
    workshop cannot start here after all, the form then says why instead of asking."""
    starter = run.services.starter
    form = build_setup_form(
        run.renderer,
        starter.template,
        SetupState(**run.where, enterprise_id=run.command.enterprise_id),
        title=title,
    )
    response = await run.client.views_open(trigger_id=run.command.trigger_id, view=form)
    opened = OpenedView.parse(response.data)
    try:
        await starter.check_can_start(**run.where)
    except WorkshopError as refusal:
        refused = build_start_refused(describe_error(refusal, run.renderer), run.renderer)
        try:
            await run.client.views_update(view_id=opened.view_id, hash=opened.hash, view=refused)
        except SlackApiError as error:
            raise refusal from error  # the form is gone already: say it where they typed


async def publish_summary(run: CommandRun, _argument: str) -> Reply:
    return run.notice(await run.services.summaries.publish_in_channel(**run.where))


async def share_exports(run: CommandRun, _argument: str) -> Reply:
    return run.notice(await run.services.summaries.share_exports(**run.asked))


async def show_status(run: CommandRun, _argument: str) -> Reply:
    return build_status_message(await run.services.summaries.status(**run.where), run.renderer)


async def close(run: CommandRun, _argument: str) -> Reply:
    return run.notice(await run.services.controls.close(**run.asked))


async def skip_role(run: CommandRun, argument: str) -> Reply:
    return run.notice(await run.services.controls.skip_role(**run.asked, role_word=argument))


async def extend(run: CommandRun, argument: str) -> Reply:
    return run.notice(await run.services.controls.extend(**run.asked, text=argument))


async def remind(run: CommandRun, argument: str) -> Reply:
    target = parse_person(argument)
    return run.notice(await run.services.controls.remind(**run.asked, target=target))


async def confirm_cancel(run: CommandRun, _argument: str) -> Reply:
    await run.services.controls.workshop_to_change(**run.asked)
    return _confirmation(
        "commands.confirm_cancel", ActionId.CONFIRM_CANCEL, run.command.channel_id, run.renderer
    )


async def confirm_forget(run: CommandRun, _argument: str) -> Reply:
    return _confirmation(
        "commands.confirm_forget", ActionId.CONFIRM_FORGET, run.command.channel_id, run.renderer
    )


async def show_help(run: CommandRun, _argument: str) -> Reply:
    roles = ", ".join(f"`{role.key}`" for role in run.services.starter.template.roles)
    return build_text_message(run.renderer.message("commands.help", roles=roles))


COMMANDS: dict[Subcommand, Callable[[CommandRun, str], Awaitable[Reply]]] = {
    Subcommand.START: start,
    Subcommand.STATUS: show_status,
    Subcommand.SUMMARY: publish_summary,
    Subcommand.EXPORT: share_exports,
    Subcommand.REMIND: remind,
    Subcommand.SKIP: skip_role,
    Subcommand.EXTEND: extend,
    Subcommand.CLOSE: close,
    Subcommand.CANCEL: confirm_cancel,
    Subcommand.FORGET_ME: confirm_forget,
    Subcommand.HELP: show_help,
}


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


async def answer_confirmation(
    services: Services, renderer: Renderer, click: BlockAction, respond: AsyncRespond
) -> None:
    """Yes replaces the question with what was done; "never mind" removes it."""
    if click.action_id == ActionId.NEVER_MIND:
        await respond(delete_original=True)
        return
    if click.action_id == ActionId.CONFIRM_CANCEL:
        notice = await services.controls.cancel(
            team_id=click.team_id, channel_id=click.value, user_id=click.user_id
        )
    else:
        notice = await services.controls.forget(team_id=click.team_id, user_id=click.user_id)
    message = build_text_message(notice_text(notice, renderer))
    await respond(replace_original=True, **message.as_kwargs())
