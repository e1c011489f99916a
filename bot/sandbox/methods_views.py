"""views.* Web API methods, and the view changes a view_submission answer can also ask for."""

from __future__ import annotations

import logging

from bot.sandbox.api_call import ApiContext, Arguments, Handler
from bot.sandbox.blockkit import view_problems, view_size_exceeded
from bot.sandbox.errors import SlackError
from bot.sandbox.message_rules import with_generated_ids
from bot.sandbox.records import Trigger
from bot.sandbox.state import JsonDict, View
from bot.sandbox.workspace import Workspace

logger = logging.getLogger(__name__)

MAX_MODAL_STACK = 3


def checked_view(spec: object, *, kinds: tuple[str, ...]) -> JsonDict:
    """The view as Slack would store it, or the error Slack answers for it."""
    if not isinstance(spec, dict):
        raise SlackError("invalid_arguments", messages=["[ERROR] view must be a JSON object"])
    if view_size_exceeded(spec):
        raise SlackError("view_too_large")
    problems = view_problems(spec, kinds=kinds)
    if problems:
        raise SlackError("invalid_arguments", messages=[str(p) for p in problems])
    stored = dict(spec)
    stored["blocks"] = with_generated_ids(list(spec.get("blocks") or []))
    return stored


def _new_view(
    workspace: Workspace, user_id: str, spec: JsonDict, *, root: str | None, previous: str | None
) -> View:
    view_id = workspace.new_id("V")
    view = View(
        id=view_id,
        team_id=workspace.team_id,
        app_id=workspace.app_id,
        bot_id=workspace.bot_id,
        user_id=user_id,
        spec=spec,
        hash=workspace.new_view_hash(),
        root_view_id=root or view_id,
        previous_view_id=previous,
    )
    workspace.views[view.id] = view
    return view


def open_modal(workspace: Workspace, user_id: str, spec: JsonDict) -> View:
    if workspace.modal_stacks.get(user_id):
        logger.warning(
            "views.open while %s has a modal open: clients may not show it; push or update", user_id
        )
    for old in workspace.modal_stacks.pop(user_id, []):
        workspace.views.pop(old, None)
    workspace.view_errors.pop(user_id, None)
    view = _new_view(workspace, user_id, spec, root=None, previous=None)
    workspace.modal_stacks[user_id] = [view.id]
    return view


def push_modal(workspace: Workspace, user_id: str, spec: JsonDict) -> View:
    stack = workspace.modal_stacks.get(user_id)
    if not stack:
        raise SlackError("not_found")
    if len(stack) >= MAX_MODAL_STACK:
        raise SlackError("push_limit_reached")
    view = _new_view(workspace, user_id, spec, root=stack[0], previous=stack[-1])
    stack.append(view.id)
    workspace.view_errors.pop(user_id, None)
    return view


def replace_view(workspace: Workspace, view: View, spec: JsonDict) -> View:
    if spec.get("type") != view.type:
        raise SlackError("invalid_arguments", messages=["[ERROR] cannot change the type of a view"])
    kept = {b.get("block_id") for b in spec.get("blocks", []) if isinstance(b, dict)}
    view.state_values = {k: v for k, v in view.state_values.items() if k in kept}
    view.spec = spec
    view.hash = workspace.new_view_hash()
    workspace.view_errors.pop(view.user_id, None)
    return view


def _exchange_trigger(ctx: ApiContext, arguments: Arguments) -> Trigger:
    trigger_id = arguments.optional_text("trigger_id") or arguments.optional_text(
        "interactivity_pointer"
    )
    if not trigger_id:
        raise SlackError(
            "invalid_arguments", messages=["[ERROR] missing required field: trigger_id"]
        )
    trigger = ctx.workspace.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if ctx.clock() - trigger.issued_at > ctx.trigger_ttl:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger


def _view_argument(arguments: Arguments) -> object:
    return arguments.structured("view", error="invalid_arguments")


async def views_open(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    spec = checked_view(_view_argument(arguments), kinds=("modal",))
    trigger = _exchange_trigger(ctx, arguments)
    return {"view": open_modal(ctx.workspace, trigger.user, spec).to_api()}


async def views_push(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    spec = checked_view(_view_argument(arguments), kinds=("modal",))
    trigger = _exchange_trigger(ctx, arguments)
    return {"view": push_modal(ctx.workspace, trigger.user, spec).to_api()}


async def views_update(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    view_id = arguments.optional_text("view_id")
    external_id = arguments.optional_text("external_id")
    if not view_id and not external_id:
        raise SlackError(
            "invalid_arguments", messages=["[ERROR] missing required field: view_id or external_id"]
        )
    spec = checked_view(_view_argument(arguments), kinds=("modal", "home"))
    view = (
        workspace.views.get(view_id)
        if view_id
        else workspace.find_view_by_external_id(external_id or "")
    )
    if view is None or not workspace.view_is_open(view):
        raise SlackError("not_found")
    wanted_hash = arguments.optional_text("hash")
    if wanted_hash and wanted_hash != view.hash:
        raise SlackError("hash_conflict")
    return {"view": replace_view(workspace, view, spec).to_api()}


async def views_publish(ctx: ApiContext, arguments: Arguments) -> JsonDict:
    workspace = ctx.workspace
    user_id = arguments.text("user_id")
    if workspace.user(user_id) is None:
        raise SlackError("user_not_found")
    spec = checked_view(_view_argument(arguments), kinds=("home",))
    current = workspace.home_view(user_id)
    wanted_hash = arguments.optional_text("hash")
    if current is not None:
        if wanted_hash and wanted_hash != current.hash:
            raise SlackError("hash_conflict")
        return {"view": replace_view(workspace, current, spec).to_api()}
    view = _new_view(workspace, user_id, spec, root=None, previous=None)
    workspace.home_views[user_id] = view.id
    return {"view": view.to_api()}


HANDLERS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
