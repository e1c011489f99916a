"""Every Slack id the app uses, shared by the block builders and the listeners."""

import re
from enum import StrEnum


class Command(StrEnum):
    P2P = "/p2p"


class Subcommand(StrEnum):
    START = "start"
    STATUS = "status"
    SUMMARY = "summary"
    EXPORT = "export"
    REMIND = "remind"
    SKIP = "skip"
    EXTEND = "extend"
    CLOSE = "close"
    CANCEL = "cancel"
    FORGET_ME = "forget-me"
    HELP = "help"


class BlockId(StrEnum):
    QUESTION = "question"  # "question:<question key>"
    UPSTREAM = "upstream"
    QUICK_ANSWERS = "quick_answers"
    ANSWERED = "answered"
    NUDGE = "nudge"
    NUDGE_ACTIONS = "nudge_actions"
    HOME_RUN = "run"  # "run:<workshop id>": a running workshop's buttons on the Home tab

    def keyed(self, key: str | int) -> str:
        """The id of one of many such blocks; Slack allows 255 characters."""
        return f"{self.value}:{key}"[:255]


class ActionId(StrEnum):
    # Buttons carry a numbered suffix ("quick_answer:2"): ids must differ within a block.
    QUICK_ANSWER = "quick_answer"
    QUICK_ANSWER_PICK = "quick_answer_pick"
    ANSWER_IN_FORM = "answer_in_form"
    ASK_SOMEONE = "ask_someone"
    ANSWER_FOR_COLLEAGUE = "answer_for_colleague"
    REVIEW_ANSWERS = "review_answers"
    HOME_RESUME = "home_resume"
    HOME_REMIND = "home_remind"
    HOME_SUMMARY = "home_summary"
    HOME_CLOSE = "home_close"
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_FORGET = "confirm_forget"
    NEVER_MIND = "never_mind"
    NUDGE_SNOOZE = "nudge_snooze"
    NUDGE_AWAY = "nudge_away"
    SHOW_STAGES = "show_stages"  # the summary's stage-by-stage view; value: the workshop id

    def numbered(self, index: int) -> str:
        return f"{self.value}:{index}"

    @property
    def pattern(self) -> str:
        """A regular expression matching the id with or without its number."""
        return rf"^{self.value}(:\d+)?$"


def any_action(*ids: ActionId) -> re.Pattern[str]:
    """One listener's constraint for several action ids, each with or without its number.
    Bolt tries its listeners in turn, each at some cost to every delivery: one listener
    for buttons handled alike is cheaper than one listener per button."""
    return re.compile(rf"^(?:{'|'.join(re.escape(i.value) for i in ids)})(:\d+)?$")


class CallbackId(StrEnum):
    START_WORKSHOP = "start_workshop"
    ANSWER_FORM = "answer_form"
    ASK_FORM = "ask_form"
    REVIEW_FORM = "review_form"
    START_REFUSED = "start_refused"  # the set-up form, turned into why it cannot start


class FormBlock(StrEnum):
    """Blocks of the answer forms; the review form has one "answer:<kind>:<key>" each."""

    ANSWER = "answer"
    COLLEAGUE = "colleague"

    def for_question(self, kind: str, key: str) -> str:
        return f"{self.value}:{kind[:1]}:{key}"


class SetupBlock(StrEnum):
    """Blocks of the set-up form; each role's people are in a block "role:<key>"."""

    TITLE = "title"
    CHANGE = "change"
    CHANGE_LINK = "change_link"
    START_EVENT = "start_event"
    END_EVENT = "end_event"
    STAGES = "stages"
    MODE = "mode"
    DEADLINE = "deadline"
    CO_FACILITATORS = "co_facilitators"
    NAMED = "named"
    ROLE = "role"
    EXTRA_ROLE = "extra_role"  # "extra_role:<slot>:name" and "extra_role:<slot>:people"

    def for_role(self, key: str) -> str:
        return f"{SetupBlock.ROLE.value}:{key}"

    def for_extra_role(self, slot: int, part: str) -> str:
        return f"{SetupBlock.EXTRA_ROLE.value}:{slot}:{part}"


# Every input in the set-up form uses this action id; blocks tell them apart.
SETUP_INPUT = "value"
