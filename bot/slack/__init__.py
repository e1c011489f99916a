"""Slack transport: parse what Slack sends, make one service call, render the reply."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.rendering import Renderer
from bot.slack import commands, errors, events
from bot.workshop.service import WorkshopService


def register_listeners(app: AsyncApp, service: WorkshopService, renderer: Renderer) -> None:
    commands.register(app, service, renderer)
    events.register(app, service)
    errors.register(app, renderer)
