"""The Home tab: what a person has to answer, what they answered, and what they run.

Pure: the overview in, Slack view JSON out.
"""

from __future__ import annotations

from typing import Any

from bot.rendering import Renderer
from bot.slack.blocks.messages import Block, button, context, header, section
from bot.slack.ids import ActionId, BlockId
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
                {
                    "type": "actions",
                    "block_id": BlockId.HOME_RUN.keyed(workshop.id),
                    "elements": elements,
                }
            )
    if not overview.running:
        blocks.append(context(say("nothing_running")))
    return {"type": "home", "blocks": blocks[:100]}
