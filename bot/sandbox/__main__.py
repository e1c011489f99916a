"""Run the sandbox by hand: ``python -m bot.sandbox [--port N] [--request-url URL]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from bot.sandbox.sandbox import Sandbox
from bot.sandbox.settings import SandboxSettings


async def serve(port: int, request_url: str | None, users: list[str]) -> None:
    sandbox = Sandbox(SandboxSettings(port=port))
    await sandbox.start()
    sandbox.request_url = request_url
    people = [sandbox.add_user(name) for name in users]
    channel = sandbox.add_channel("general", members=people)
    print(f"Slack sandbox at {sandbox.url}")
    print(f"  SLACK_API_URL={sandbox.api_url}")
    print(f"  SLACK_BOT_TOKEN={sandbox.bot_token}")
    print(f"  SLACK_APP_TOKEN={sandbox.app_token}")
    print(f"  SLACK_SIGNING_SECRET={sandbox.signing_secret}")
    print(f"  request URL: {request_url or '(none; connect over Socket Mode)'}")
    print(f"  users: {', '.join(f'{n}={i}' for n, i in zip(users, people, strict=True))}")
    print(f"  #general={channel}")
    print("Ctrl-C to stop.")
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="An emulated Slack workspace on loopback.")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--request-url", help="the bot's /slack/events URL")
    parser.add_argument("--user", action="append", default=None, help="add a user (repeatable)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.request_url, args.user or ["alice", "bob"]))


if __name__ == "__main__":
    main()
