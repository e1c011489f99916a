"""Block Kit for reminders: the nudge with its "snooze" button and "away until" picker."""

from __future__ import annotations

from bot.rendering import Renderer
from bot.slack.blocks.messages import Block, SlackMessage, fit, plain, section
from bot.slack.ids import ActionId, BlockId
from bot.workshop.core.model import Frozen
from bot.workshop.ports import Nudge


class NudgeRef(Frozen):
    """What the snooze button carries through Slack and back."""

    interview_id: int


def build_nudge_message(nudge: Nudge, renderer: Renderer) -> SlackMessage:
    """The nudge; the last one in a row has no buttons, as no other nudge would follow."""
    text = renderer.message(
        "reminders.nudge",
        title=nudge.workshop.title,
        channel_id=nudge.workshop.channel_id,
        role=nudge.role,
        number=nudge.number,
        limit=nudge.limit,
        answered=nudge.roles_answered,
        total=nudge.roles_total,
    )
    blocks: list[Block] = [section(text, block_id=BlockId.NUDGE)]
    if nudge.number < nudge.limit:
        blocks.append(
            {
                "type": "actions",
                "block_id": BlockId.NUDGE_ACTIONS,
                "elements": [
                    {
                        "type": "button",
                        "action_id": ActionId.NUDGE_SNOOZE,
                        "text": plain(fit(renderer.message("reminders.snooze_button"), 75)),
                        "value": NudgeRef(interview_id=nudge.interview_id).model_dump_json(),
                    },
                    {
                        "type": "datepicker",
                        "action_id": ActionId.NUDGE_AWAY,
                        "placeholder": plain(
                            fit(renderer.message("reminders.away_placeholder"), 150)
                        ),
                    },
                ],
            }
        )
    fallback = renderer.message("reminders.nudge_fallback", title=nudge.workshop.title)
    return SlackMessage(text=fallback, blocks=tuple(blocks))
