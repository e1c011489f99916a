"""Every listener, registered on the Bolt app in one place."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.rendering import Renderer
from bot.slack.listeners import actions, commands, errors, events, home, reminders, views
from bot.slack.workspaces import OneWorkspace, Workspaces
from bot.workshop.bootstrap import Services


def register_listeners(
    app: AsyncApp, services: Services, renderer: Renderer, workspaces: Workspaces | None = None
) -> None:
    # Bolt tries the listeners in this order, each at some cost to every delivery: the
    # most frequent first (typed replies, then the command and its buttons, then clicks).
    events.register(app, services.answers, services.edits, renderer)
    commands.register(app, services, renderer)
    actions.register(app, services, renderer)
    views.register(app, services, renderer)
    events.register_lifecycle(app, services.lifecycle, workspaces or OneWorkspace(app.client))
    reminders.register(app, services.reminders, renderer)
    home.register(app, services, renderer)
    errors.register(app, renderer)
