"""Slack transport: parse what Slack sends, make one service call, render the reply."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.rendering import Renderer
from bot.slack import actions, commands, errors, events, home, reminder_actions, views
from bot.workshop.service import Services


def register_listeners(app: AsyncApp, services: Services, renderer: Renderer) -> None:
    commands.register(app, services, renderer)
    actions.register(app, services, renderer)
    views.register(app, services, renderer)
    events.register(app, services.interviews, renderer)
    events.register_lifecycle(app, services.lifecycle, renderer)
    reminder_actions.register(app, services.reminders, renderer)
    home.register(app, services, renderer)
    errors.register(app, renderer)
