"""Typed domain errors. Each names the message a user is shown (prompts/messages/errors.j2)."""

from __future__ import annotations

from typing import Any


class WorkshopError(Exception):
    """An error the user can act on. ``message`` names a macro in errors.j2."""

    message = "unexpected"

    def __init__(self, *, field: str | None = None, **context: Any) -> None:
        super().__init__(f"{self.message}: {context}" if context else self.message)
        self.context = context
        self.field = field  # the form field at fault, where the error came from a form


class WorkshopAlreadyActive(WorkshopError):
    message = "already_active"


class NoActiveWorkshop(WorkshopError):
    message = "no_active_workshop"


class NoParticipants(WorkshopError):
    message = "no_participants"


class UnknownRole(WorkshopError):
    message = "unknown_role"


class NotAPerson(WorkshopError):
    message = "not_a_person"


class BadStartCommand(WorkshopError):
    message = "bad_start_command"


class UnknownCommand(WorkshopError):
    message = "unknown_command"


class NotFacilitator(WorkshopError):
    message = "not_facilitator"


class BotNotInChannel(WorkshopError):
    message = "bot_not_in_channel"


class WorkshopNotFound(WorkshopError):
    message = "workshop_not_found"


class DuplicateStage(WorkshopError):
    message = "duplicate_stage"


class NoStages(WorkshopError):
    message = "no_stages"


class BadStage(WorkshopError):
    message = "bad_stage"


class RoleWithoutStage(WorkshopError):
    message = "role_without_stage"


class BadDeadline(WorkshopError):
    message = "bad_deadline"


class CannotHandOver(WorkshopError):
    message = "cannot_hand_over"


class QuestionClosed(WorkshopError):
    message = "question_closed"


class WorkshopClosed(WorkshopError):
    message = "workshop_closed"


class BadDuration(WorkshopError):
    message = "bad_duration"


class NotInWorkshop(WorkshopError):
    message = "not_in_workshop"
