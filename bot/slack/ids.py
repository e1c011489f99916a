"""Every Slack id the app uses, shared by the block builders and the listeners."""

from enum import StrEnum


class Command(StrEnum):
    P2P = "/p2p"


class Subcommand(StrEnum):
    START = "start"
    STATUS = "status"
    SUMMARY = "summary"
    HELP = "help"


class BlockId(StrEnum):
    SUMMARY_HEADER = "summary_header"
    SUMMARY_PROGRESS = "summary_progress"
    QUESTION = "question"
    UPSTREAM = "upstream"
