"""The ``p2p`` command line: serve | migrate | demo | export | import | summary."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import gc
import logging
import sys
from pathlib import Path

from bot.cli.exchange import add_exchange_commands, run_exchange_command
from bot.cli.summary import add_summary_command, run_summary_command
from bot.settings import Settings, SettingsError, load_settings

logger = logging.getLogger("bot")


def _fail(message: str) -> int:
    print(f"p2p: {message}", file=sys.stderr)
    return 2


def _configure_logging(level: int) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if level > logging.DEBUG:  # Alembic narrates every step at INFO
        logging.getLogger("alembic").setLevel(logging.WARNING)


def _missing_for_serve(settings: Settings, socket_mode: bool) -> str | None:
    if settings.installs_in_many_workspaces:
        return _missing_for_installs(settings, socket_mode)
    if settings.slack_bot_token is None:
        return (
            "SLACK_BOT_TOKEN is not set: put the app's Bot User OAuth Token (xoxb-…) in the "
            "environment or .env, or, to install p2p in many workspaces, set SLACK_CLIENT_ID "
            "and SLACK_CLIENT_SECRET instead. To try p2p without Slack, run `p2p demo`."
        )
    if socket_mode and settings.slack_app_token is None:
        return (
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
            "connections:write. To try p2p without Slack, run `p2p demo`."
        )
    if not socket_mode and settings.slack_signing_secret is None:
        return (
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's Signing Secret (Basic "
            "Information page), or use --socket-mode. To try p2p without Slack, run `p2p demo`."
        )
    return None


def _missing_for_installs(settings: Settings, socket_mode: bool) -> str | None:
    """Installs in many workspaces: the app's Client ID, Client Secret and Signing Secret
    (Basic Information page), no bot token, and HTTP for the install pages."""
    if settings.slack_bot_token is not None:
        return (
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set: keep "
            "SLACK_BOT_TOKEN for one workspace, or the client ID and secret to install p2p in "
            "many workspaces (each workspace's token then comes from its install), not both."
        )
    for name, value in (
        ("SLACK_CLIENT_ID", settings.slack_client_id),
        ("SLACK_CLIENT_SECRET", settings.slack_client_secret),
        ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
    ):
        if value is None:
            return (
                f"{name} is not set: installing p2p in many workspaces needs SLACK_CLIENT_ID, "
                "SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (the app's Basic Information page)."
            )
    if socket_mode:
        return (
            "Socket Mode serves one workspace: to install p2p in many workspaces, serve over "
            "HTTP (drop --socket-mode and SLACK_APP_TOKEN) so that Slack can reach "
            "/slack/install and /slack/oauth_redirect."
        )
    return None


def run_serve(settings: Settings, *, socket_mode: bool, port: int | None) -> int:
    socket_mode = socket_mode or settings.slack_app_token is not None
    problem = _missing_for_serve(settings, socket_mode)
    if problem:
        return _fail(problem)
    from bot.app import build_p2p, prepare, serve_http, serve_socket_mode

    async def main() -> int:
        p2p = build_p2p(settings)
        try:
            if p2p.database.is_sqlite:
                if await _migrate_in_child() != 0:
                    return 1
            elif not await p2p.database.has_schema():
                return _fail(_no_schema(settings.database_url))
            await prepare(p2p, migrate=False)
            _freeze_start_up_objects()
            if socket_mode:
                assert settings.slack_app_token is not None
                logger.info("connecting to Slack in Socket Mode")
                await serve_socket_mode(
                    p2p,
                    app_token=settings.slack_app_token.get_secret_value(),
                    health_port=port or settings.port,
                )
            else:
                await serve_http(p2p, port=port or settings.port)
        finally:
            await p2p.close()
        return 0

    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(main())
    return 0


def _no_schema(database_url: str) -> str:
    from storage.db import shown_url

    return (
        f"the database at {shown_url(database_url)} has no p2p tables yet: run "
        "`p2p migrate` once, with the same DATABASE_URL, then serve."
    )


async def _migrate_in_child() -> int:
    """Bring a SQLite schema up to date in a `p2p migrate` of its own, so that Alembic and
    its templates never load into the serving process; a failure is logged there."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "migrate", stdout=asyncio.subprocess.DEVNULL
    )
    status = await child.wait()
    if status != 0:
        logger.error("could not migrate the SQLite database (p2p migrate exited %d)", status)
    return status


def _freeze_start_up_objects() -> None:
    """Keep what start-up built out of the garbage collector's reach.

    Start-up leaves over a hundred thousand long-lived objects (modules, models, the bank).
    Left in the collected generations, every full collection walks them all, tens of
    milliseconds in which the event loop answers nobody: the slowest acks. Frozen, they are
    never walked again; the objects made while serving are collected as before.
    """
    gc.collect()
    gc.freeze()


def run_migrate(settings: Settings) -> int:
    from storage.db import Database

    async def main() -> None:
        database = Database(settings.database_url)
        try:
            await database.migrate()
        finally:
            await database.dispose()

    asyncio.run(main())
    print(f"p2p: the database is up to date ({settings.database_url.split('://')[0]}).")
    return 0


def run_demo(folder: Path, *, quiet: bool) -> int:
    from bot.cli.demo import run_demo as demo

    return asyncio.run(demo(folder, quiet=quiet))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2p", description="Map a team's path to production, asynchronously, in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the Slack app (HTTP, or Socket Mode)")
    serve.add_argument("--socket-mode", action="store_true", help="connect by Socket Mode")
    serve.add_argument("--port", type=int, default=None, help="HTTP port (default: $PORT or 3000)")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo = commands.add_parser("demo", help="run a whole workshop against an emulated Slack")
    demo.add_argument(
        "--dir", type=Path, default=Path("p2p-demo"), help="where to keep its database"
    )
    demo.add_argument("--quiet", action="store_true", help="print only the channel at the end")
    add_exchange_commands(commands)
    add_summary_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    if arguments.command == "demo":
        _configure_logging(logging.WARNING)
        return run_demo(arguments.dir, quiet=arguments.quiet)
    try:
        settings = load_settings()
    except SettingsError as error:
        return _fail(str(error))
    _configure_logging(settings.log_level_number)
    try:
        return _run_command(arguments, settings)
    except Exception as error:
        problem = _what_stood_in_the_way(arguments, settings, error)
        if problem is None:
            raise
        return _fail(problem)


def _what_stood_in_the_way(
    arguments: argparse.Namespace, settings: Settings, error: Exception
) -> str | None:
    """One sentence for what the machine did not let the command do (a port taken, a
    database it cannot use); None for any other error, whose traceback says more."""
    if (
        arguments.command == "serve"
        and isinstance(error, OSError)
        and error.errno == errno.EADDRINUSE
    ):
        port = arguments.port or settings.port
        return (
            f"port {port} is already in use by another program: stop it, or serve on "
            "another port with --port or PORT."
        )
    from storage.db import unusable_database

    problem = unusable_database(settings.database_url, error)
    return f"{problem}. DATABASE_URL says which database p2p uses." if problem else None


def _run_command(arguments: argparse.Namespace, settings: Settings) -> int:
    if arguments.command == "serve":
        return run_serve(settings, socket_mode=arguments.socket_mode, port=arguments.port)
    if arguments.command in ("export", "import"):
        return run_exchange_command(arguments, settings)
    if arguments.command == "summary":
        return run_summary_command(arguments, settings)
    return run_migrate(settings)


if __name__ == "__main__":
    sys.exit(main())
