"""The Home tab: published when opened, and again after every click on it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.home import build_home_view
from bot.slack.ids import ActionId, any_action
from bot.slack.listeners.errors import reporting_errors
from bot.slack.payloads import BlockAction, Delivery, HomeOpened
from bot.workshop.bootstrap import Services
from bot.workshop.ports import Notice


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    @app.event("app_home_opened")
    async def handle_home_opened(body: dict[str, Any], client: AsyncWebClient) -> None:
        opened = HomeOpened.parse(body)
        if opened.tab != "home":
            return
        async with reporting_errors(opened, client=client, renderer=renderer):
            await publish_home(client, services, renderer, opened)

    @app.action(
        any_action(
            ActionId.HOME_RESUME, ActionId.HOME_REMIND, ActionId.HOME_SUMMARY, ActionId.HOME_CLOSE
        )
    )
    async def handle_home_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = BlockAction.parse(body)
        async with reporting_errors(click, client=client, renderer=renderer):
            await press_home_button(client, services, renderer, click)


async def publish_home(
    client: AsyncWebClient, services: Services, renderer: Renderer, viewer: Delivery
) -> None:
    overview = await services.home.overview(team_id=viewer.team_id, user_id=viewer.user_id)
    await client.views_publish(user_id=viewer.user_id, view=build_home_view(overview, renderer))


async def press_home_button(
    client: AsyncWebClient, services: Services, renderer: Renderer, click: BlockAction
) -> None:
    """Do what the button says, then show the tab again with what changed."""
    await run_home_button(services, click)
    await publish_home(client, services, renderer, click)


async def run_home_button(services: Services, click: BlockAction) -> None:
    """Resume an interview, or remind, close or summarise a workshop; the outcome by DM."""
    if click.action_id == ActionId.HOME_RESUME:
        await services.answers.resume(team_id=click.team_id, user_id=click.user_id)
        return
    where = {"team_id": click.team_id, "channel_id": click.value, "user_id": click.user_id}
    notice: Notice
    if click.action_id == ActionId.HOME_REMIND:
        notice = await services.controls.remind(**where, target=None)
    elif click.action_id == ActionId.HOME_CLOSE:
        notice = await services.controls.close(**where)
    else:
        notice = await services.summaries.publish_in_channel(
            team_id=click.team_id, channel_id=click.value
        )
    await services.messenger.send_notice(click.user_id, notice)
