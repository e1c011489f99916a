"""A serving process loads only what serving uses: no Pillow (pictures load when one is
drawn), no Alembic (migrations run in a `p2p migrate` of their own), no JSON Schema
checker, no emulated Slack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

NEVER_WHILE_SERVING = ("PIL", "alembic", "mako", "jsonschema", "bot.sandbox", "bot.cli.demo")

BUILD_THE_APP = textwrap.dedent(
    """
    import asyncio, json, sys

    from pydantic import SecretStr

    from bot.__main__ import build_parser
    from bot.app import build_p2p, build_web_app
    from bot.settings import Settings

    build_parser().parse_args(["serve"])
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-imports"),
        slack_signing_secret=SecretStr("imports-secret"),
        database_url=sys.argv[1],
    )
    p2p = build_p2p(settings)
    build_web_app(p2p)
    if sys.argv[2] == "migrate":
        asyncio.run(p2p.database.migrate())
    asyncio.run(p2p.close())
    print(json.dumps(sorted(sys.modules)))
    """
)


def modules_loaded(tmp_path: Path, *, then: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD_THE_APP,
            f"sqlite+aiosqlite:///{tmp_path / 'p2p.db'}",
            then,
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(
        m for m in modules if any(m == n or m.startswith(f"{n}.") for n in NEVER_WHILE_SERVING)
    )


def test_the_serving_app_loads_no_picture_migration_schema_or_sandbox_code(
    tmp_path: Path,
) -> None:
    assert heavy(modules_loaded(tmp_path, then="serve")) == []


def test_migrating_loads_alembic_so_the_check_above_sees_it(tmp_path: Path) -> None:
    assert "alembic" in heavy(modules_loaded(tmp_path, then="migrate"))
