"""`p2p summary`: the assembled path of a stored workshop, as Markdown, JSON, Block Kit
or a PNG picture. Output goes to stdout (or --out); problems are one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from enum import StrEnum

from bot.cli.exchange import (
    CommandFailed,
    add_workshop_options,
    describe_not_found,
    run_for_result,
    sqlite_file,
)
from bot.documents.summary import (
    build_summary_document,
    render_summary_json,
    render_summary_markdown,
)
from bot.rendering import Renderer
from bot.settings import Settings
from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.analysis.themes import load_theme_book
from bot.workshop.core.errors import WorkshopNotFound
from bot.workshop.core.model import Workshop
from bot.workshop.core.questions import QuestionBankError, load_question_bank
from bot.workshop.usecases.summarise import load_workshop
from storage.db import Database


class SummaryFormat(StrEnum):
    MD = "md"
    JSON = "json"
    BLOCKS = "blocks"
    PNG = "png"


def add_summary_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = subparsers.add_parser(
        "summary",
        help="the assembled path of a stored workshop",
        description="The assembled path of a stored workshop: metrics, hand-offs, themes and "
        "open questions. With neither --channel nor --workshop, the most recent one.",
    )
    add_workshop_options(
        summary,
        [f.value for f in SummaryFormat],
        SummaryFormat.MD.value,
        "md (default), json, blocks (the Slack messages) or png (needs --out)",
    )


def run_summary_command(arguments: argparse.Namespace, settings: Settings) -> int:
    try:
        return _summary(arguments, settings)
    except CommandFailed as problem:
        print(f"p2p: {problem}", file=sys.stderr)
        return 2


async def analyse_stored_workshop(
    database: Database, *, workshop_id: int | None = None, channel_id: str | None = None
) -> tuple[Workshop, PathAnalysis]:
    workshop, everyone, answers = await load_workshop(
        database, workshop_id=workshop_id, channel_id=channel_id
    )
    analysis = analyse_path(workshop, everyone, answers, load_question_bank(), load_theme_book())
    return workshop, analysis


def render_summary(workshop: Workshop, analysis: PathAnalysis, output: SummaryFormat) -> bytes:
    named = workshop.details.named
    # Pillow and the Block Kit builders load only for the format that needs them.
    if output is SummaryFormat.PNG:
        from bot.documents.picture import render_path_png

        return render_path_png(analysis)
    if output is SummaryFormat.JSON:
        text = render_summary_json(build_summary_document(analysis, named=named))
    elif output is SummaryFormat.BLOCKS:
        from bot.slack.blocks.summary import build_summary_post

        post = build_summary_post(analysis, Renderer(), named=named, updated=False)
        messages = {
            "parent": {"text": post.parent.text, "blocks": list(post.parent.blocks)},
            "thread": [{"text": m.text, "blocks": list(m.blocks)} for m in post.thread],
        }
        text = json.dumps(messages, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_summary_markdown(analysis, Renderer(for_slack=False), named=named)
    return text.encode("utf-8")


def _summary(arguments: argparse.Namespace, settings: Settings) -> int:
    output = SummaryFormat(arguments.format)
    if output is SummaryFormat.PNG and arguments.out is None and sys.stdout.isatty():
        raise CommandFailed("a PNG goes to a file: add --out path.png")
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        raise CommandFailed(f"no database at {path}: set DATABASE_URL to the workshop's database")

    async def read() -> tuple[Workshop, PathAnalysis]:
        database = Database(settings.database_url)
        try:
            return await analyse_stored_workshop(
                database, workshop_id=arguments.workshop, channel_id=arguments.channel
            )
        except WorkshopNotFound as error:
            raise CommandFailed(describe_not_found(error)) from None
        except QuestionBankError as error:
            raise CommandFailed(str(error)) from None
        finally:
            await database.dispose()

    workshop, analysis = run_for_result(read())
    content = render_summary(workshop, analysis, output)
    if arguments.out is None:
        sys.stdout.buffer.write(content)
        return 0
    try:
        arguments.out.write_bytes(content)
    except OSError as error:
        raise CommandFailed(f"{arguments.out}: cannot write: {error.strerror}") from None
    print(f"p2p: wrote the summary as {output.value} to {arguments.out}")
    return 0
