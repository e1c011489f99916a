"""The Home tab: built from the overview, published when opened and after every click."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.slack.blocks.messages import Block, button, context, header, section
from bot.slack.ids import ActionId
from bot.slack.listeners.errors import reporting_errors
from bot.workshop.bootstrap import Services
from bot.workshop.core.model import InterviewStatus, WorkshopStatus
from bot.workshop.usecases.home import HomeOverview


def build_home_view(overview: HomeOverview, renderer: Renderer) -> dict[str, Any]:
    def say(macro: str, **values: Any) -> str:
        return renderer.message(f"home.{macro}", **values)

    blocks: list[Block] = [header(say("header")), section(say("pending_heading"))]
    for item in overview.pending:
        block = section(
            say(
                "pending_line",
                title=item.workshop.title,
                channel_id=item.workshop.channel_id,
                role=item.role,
                answered=item.answered,
                expected=item.expected,
                status=item.interview.status.value,
                paused=item.interview.paused,
            )
        )
        if item.interview.status is InterviewStatus.ACTIVE:
            block["accessory"] = button(say("resume"), ActionId.HOME_RESUME, str(item.interview.id))
        blocks.append(block)
    if not overview.pending:
        blocks.append(context(say("nothing_pending")))
    if overview.past:
        blocks.append({"type": "divider"})
        blocks.append(section(say("past_heading")))
        blocks.extend(
            section(
                say(
                    "past_line",
                    title=item.workshop.title,
                    role=item.role,
                    answered=item.answered,
                    status=item.interview.status.value,
                )
            )
            for item in overview.past
        )
    blocks.append({"type": "divider"})
    blocks.append(section(say("running_heading")))
    for run in overview.running:
        workshop = run.workshop
        deadline = workshop.details.deadline.isoformat() if workshop.details.deadline else ""
        blocks.append(
            section(
                say(
                    "running_line",
                    title=workshop.title,
                    channel_id=workshop.channel_id,
                    status=workshop.status.value,
                    done=run.done,
                    total=run.total,
                    deadline=deadline,
                )
            )
        )
        if workshop.status is not WorkshopStatus.CANCELLED:
            elements = [button(say("summary"), ActionId.HOME_SUMMARY, workshop.channel_id)]
            if workshop.status is WorkshopStatus.COLLECTING:
                elements += [
                    button(say("remind"), ActionId.HOME_REMIND, workshop.channel_id),
                    button(say("close"), ActionId.HOME_CLOSE, workshop.channel_id),
                ]
            blocks.append(
                {"type": "actions", "block_id": f"run:{workshop.id}", "elements": elements}
            )
    if not overview.running:
        blocks.append(context(say("nothing_running")))
    return {"type": "home", "blocks": blocks[:100]}


async def publish_home(
    client: AsyncWebClient, services: Services, renderer: Renderer, *, team_id: str, user_id: str
) -> None:
    overview = await services.home.overview(team_id=team_id, user_id=user_id)
    await client.views_publish(user_id=user_id, view=build_home_view(overview, renderer))


def register(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    @app.event("app_home_opened")
    async def handle_home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await publish_home(
                client, services, renderer, team_id=str(body.get("team_id", "")),
                user_id=str(event["user"]),
            )  # fmt: skip

    @app.action(ActionId.HOME_RESUME)
    @app.action(ActionId.HOME_REMIND)
    @app.action(ActionId.HOME_SUMMARY)
    @app.action(ActionId.HOME_CLOSE)
    async def handle_home_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        team_id = str((body.get("team") or {}).get("id", ""))
        user_id = str(body["user"]["id"])
        async with reporting_errors(body=body, client=client, renderer=renderer):
            await run_home_button(services, action, team_id, user_id)
            await publish_home(client, services, renderer, team_id=team_id, user_id=user_id)


async def run_home_button(
    services: Services, action: dict[str, Any], team_id: str, user_id: str
) -> None:
    value = str(action.get("value") or "")
    where = {"team_id": team_id, "channel_id": value, "user_id": user_id}
    if action["action_id"] == ActionId.HOME_RESUME:
        await services.answers.resume(team_id=team_id, user_id=user_id)
        return
    if action["action_id"] == ActionId.HOME_REMIND:
        notice = await services.controls.remind(**where, target=None)
    elif action["action_id"] == ActionId.HOME_CLOSE:
        notice = await services.controls.close(**where)
    else:
        notice = await services.summaries.publish_in_channel(team_id=team_id, channel_id=value)
    await services.messenger.send_notice(user_id, notice)
