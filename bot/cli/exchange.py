"""`p2p export` and `p2p import`: a stored workshop out as JSON, Markdown or CSV, and in again.

Output goes to stdout; a problem is one line on stderr starting ``p2p:``, with exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.settings import Settings
from bot.workshop.core.errors import WorkshopAlreadyActive, WorkshopNotFound
from bot.workshop.core.export import ExportDocument, ExportFormat, ExportInvalid, parse_export
from bot.workshop.core.questions import QuestionBankError

if TYPE_CHECKING:
    from bot.workshop.usecases.archive import ImportResult, WorkshopArchive
    from storage.db import Database

SQLITE_PREFIX = "sqlite+aiosqlite:///"


class CommandFailed(Exception):
    """What went wrong, in one line for stderr."""


T = TypeVar("T")


def run_for_result(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)``, handing its result over outside the main task. When
    asyncio.run puts the Ctrl-C handler back it formats the handler it replaces, which
    holds the main task and so its result, into a message it then discards (Python 3.11):
    for a summary of 1,000 people that is some 50 ms of repr."""
    results: list[T] = []

    async def main() -> None:
        results.append(await coroutine)

    asyncio.run(main())
    return results[0]


def add_workshop_options(
    parser: argparse.ArgumentParser, formats: list[str], default: str, formats_help: str
) -> None:
    """--channel | --workshop, --format and --out: for commands that read a stored workshop."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--channel", metavar="C", help="the most recent workshop in channel C")
    which.add_argument("--workshop", metavar="ID", type=int, help="the workshop with this id")
    parser.add_argument("--format", choices=formats, default=default, help=formats_help)
    parser.add_argument("--out", metavar="PATH", type=Path, help="write here, not to stdout")


def add_exchange_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `export` and `import` to the `p2p` command line."""
    export = subparsers.add_parser(
        "export",
        help="print a stored workshop: stages, roles, participants, every answer",
        description="Print a stored workshop. With neither --channel nor --workshop, the most "
        "recent one.",
    )
    add_workshop_options(
        export,
        [f.value for f in ExportFormat],
        ExportFormat.JSON.value,
        "json (default; `p2p import` reads it back), md or csv",
    )
    imported = subparsers.add_parser(
        "import",
        help="store a workshop from a `p2p export` JSON file, as a new workshop",
        description="Store a workshop from JSON in the export format (see "
        "bot/workshop/schemas/workshop-export.schema.json) as a new workshop.",
    )
    imported.add_argument("file", metavar="FILE", help="the JSON file; - reads stdin")


def run_exchange_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run `export` or `import`; 0 when it worked, 2 (and one line on stderr) when not."""
    try:
        if arguments.command == "export":
            return _export(arguments, settings)
        if arguments.command == "import":
            return _import(arguments, settings)
    except CommandFailed as problem:
        print(f"p2p: {problem}", file=sys.stderr)
        return 2
    raise ValueError(f"not an export or import command: {arguments.command!r}")


def sqlite_file(url: str) -> Path | None:
    path = url.removeprefix(SQLITE_PREFIX) if url.startswith(SQLITE_PREFIX) else ""
    return Path(path).expanduser() if path and path != ":memory:" else None


def _archive(database: Database) -> WorkshopArchive:
    # Every use case comes with the bootstrap: only the commands that need it load it, so
    # that `p2p summary` starts without them.
    from bot.cli.offline import offline_services

    try:
        return offline_services(database).archive
    except QuestionBankError as error:
        raise CommandFailed(str(error)) from None


def describe_not_found(error: WorkshopNotFound) -> str:
    if error.context.get("workshop_id") is not None:
        return f"no workshop with id {error.context['workshop_id']}"
    if error.context.get("channel_id") is not None:
        return f"no workshop in channel {error.context['channel_id']}"
    return "no workshop in the database yet"


def _export(arguments: argparse.Namespace, settings: Settings) -> int:
    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        raise CommandFailed(f"no database at {path}: set DATABASE_URL to the one to export from")

    from bot.documents.export import render
    from storage.db import Database

    async def read() -> ExportDocument:
        database = Database(settings.database_url)
        try:
            archive = _archive(database)
            return await archive.export_workshop(
                workshop_id=arguments.workshop, channel_id=arguments.channel
            )
        except WorkshopNotFound as error:
            raise CommandFailed(describe_not_found(error)) from None
        finally:
            await database.dispose()

    text = render(run_for_result(read()), ExportFormat(arguments.format))
    if arguments.out is None:
        sys.stdout.write(text)
        return 0
    try:
        arguments.out.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise CommandFailed(f"{arguments.out}: cannot write: {error.strerror}") from None
    print(f"p2p: wrote the workshop as {arguments.format} to {arguments.out}")
    return 0


def _read_document(name: str) -> ExportDocument:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandFailed(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandFailed(f"{name}: cannot read: {error}") from None
    try:
        return parse_export(text)
    except ExportInvalid as error:
        raise CommandFailed(f"{name}: {error}") from None


def _import(arguments: argparse.Namespace, settings: Settings) -> int:
    document = _read_document(arguments.file)
    path = sqlite_file(settings.database_url)
    fresh = path is not None and not path.exists()
    from storage.db import Database

    async def store() -> ImportResult:
        database = Database(settings.database_url)
        try:
            archive = _archive(database)
            if fresh:  # a new SQLite file: give it the schema, as `p2p migrate` would
                await database.migrate()
            return await archive.import_workshop(document)
        except WorkshopAlreadyActive as error:
            title = error.context.get("title")
            named = f" ({title!r})" if title else ""
            raise CommandFailed(
                f"{arguments.file}: channel {document.workshop.channel_id} already has a "
                f"workshop collecting answers{named}; a collecting workshop cannot be added "
                "beside it"
            ) from None
        finally:
            await database.dispose()

    result = asyncio.run(store())
    workshop = result.workshop
    print(
        f"p2p: imported {workshop.title!r} as workshop {workshop.id} in channel "
        f"{workshop.channel_id} ({workshop.status.value}): {result.participants} "
        f"participants, {result.answers} answers."
    )
    if result.unread:
        print(
            f"p2p: {len(result.unread)} figures could not be read and stay as text: "
            + ", ".join(result.unread)
        )
    return 0
