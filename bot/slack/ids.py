"""Every Slack id the app uses, shared by the block builders and the listeners."""

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
    QUESTION = "question"
    UPSTREAM = "upstream"
    QUICK_ANSWERS = "quick_answers"
    ANSWERED = "answered"


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

    def numbered(self, index: int) -> str:
        return f"{self.value}:{index}"

    @property
    def pattern(self) -> str:
        """A regular expression matching the id with or without its number."""
        return rf"^{self.value}(:\d+)?$"


class CallbackId(StrEnum):
    START_WORKSHOP = "start_workshop"
    ANSWER_FORM = "answer_form"
    ASK_FORM = "ask_form"
    REVIEW_FORM = "review_form"


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

    def for_role(self, key: str) -> str:
        return f"{SetupBlock.ROLE.value}:{key}"


# Every input in the set-up form uses this action id; blocks tell them apart.
SETUP_INPUT = "value"
