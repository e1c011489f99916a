"""Messages rendered as the plain text a person would read."""

from __future__ import annotations

from bot.sandbox import readable_mrkdwn, render_message_text, render_view_text


def test_blocks_render_as_readable_lines() -> None:
    message = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Path to production"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "Stage *build* &amp; test"}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*Lead time* 2d"},
                    {"type": "mrkdwn", "text": "*Wait* 1d"},
                ],
                "accessory": {
                    "type": "button",
                    "action_id": "more",
                    "text": {"type": "plain_text", "text": "More"},
                },
            },
            {"type": "divider"},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Asked <@U1|alice>"},
                    {"type": "mrkdwn", "text": "in <#C1|path-to-prod>"},
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "Yes"},
                    },
                    {
                        "type": "button",
                        "action_id": "b",
                        "text": {"type": "plain_text", "text": "No"},
                    },
                    {
                        "type": "static_select",
                        "action_id": "c",
                        "placeholder": {"type": "plain_text", "text": "Pick a role"},
                        "options": [],
                    },
                ],
            },
        ],
    }

    assert render_message_text(message).splitlines() == [
        "== Path to production ==",
        "Stage *build* & test",
        "*Lead time* 2d",
        "*Wait* 1d",
        "[More]",
        "---",
        "Asked @alice · in #path-to-prod",
        "[Yes] [No] [Pick a role ▾]",
    ]


def test_text_is_used_without_blocks() -> None:
    assert render_message_text({"text": "Hi <@U123> see <https://x.example|the doc>"}) == (
        "Hi @U123 see the doc (https://x.example)"
    )


def test_names_are_looked_up_for_bare_mentions() -> None:
    names = {"U123": "alice", "C9": "general"}.get

    assert readable_mrkdwn("<@U123> in <#C9> <!here>", names) == "@alice in #general @here"


def test_views_render_with_title_and_submit() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Start"},
        "submit": {"type": "plain_text", "text": "Go"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "Product"},
                "element": {"type": "plain_text_input", "action_id": "v"},
            }
        ],
    }

    assert render_view_text(view).splitlines() == [
        "[ Start ]",
        "Product: [plain text input]",
        "[Go]",
    ]
