"""Every Slack id the app uses, shared by the block builders and the listeners."""

from enum import StrEnum


class Command(StrEnum):
    P2P = "/p2p"


class Subcommand(StrEnum):
    START = "start"
    STATUS = "status"
    SUMMARY = "summary"
    EXPORT = "export"
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

    def numbered(self, index: int) -> str:
        return f"{self.value}:{index}"

    @property
    def pattern(self) -> str:
        """A regular expression matching the id with or without its number."""
        return rf"^{self.value}(:\d+)?$"


class CallbackId(StrEnum):
    START_WORKSHOP = "start_workshop"


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
    ROLE = "role"

    def for_role(self, key: str) -> str:
        return f"{SetupBlock.ROLE.value}:{key}"


# Every input in the set-up form uses this action id; blocks tell them apart.
SETUP_INPUT = "value"
