"""`p2p serve` installed in many workspaces: which settings it needs, and one clear line
for every wrong mix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.test_serve_process import clean_environment, run_p2p

OAUTH = {"SLACK_CLIENT_ID": "4111.2222", "SLACK_CLIENT_SECRET": "secret"}
NOT_A_URL = {**OAUTH, "SLACK_SIGNING_SECRET": "s", "SLACK_REDIRECT_URI": "p2p.example.com"}


@pytest.mark.parametrize(
    ("env", "arguments", "named"),
    [
        ({**OAUTH, "SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-x"}, (), "not both"),
        ({"SLACK_CLIENT_ID": "4111.2222", "SLACK_SIGNING_SECRET": "s"}, (), "SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_SECRET": "secret", "SLACK_SIGNING_SECRET": "s"}, (), "SLACK_CLIENT_ID"),
        ({**OAUTH, "SLACK_CLIENT_ID": "  "}, (), "SLACK_CLIENT_ID"),
        (OAUTH, (), "SLACK_SIGNING_SECRET"),
        ({**OAUTH, "SLACK_SIGNING_SECRET": "s"}, ("--socket-mode",), "Socket Mode"),
        (
            {**OAUTH, "SLACK_SIGNING_SECRET": "s", "SLACK_REDIRECT_URI": "p2p.example.com"},
            (),
            "SLACK_REDIRECT_URI",
        ),
    ],
    ids=[
        "token-and-client",
        "no-secret",
        "no-client-id",
        "blank-client-id",
        "no-signing-secret",
        "socket-mode",
        "redirect-not-a-url",
    ],
)
def test_a_wrong_mix_of_settings_is_refused_in_one_line(
    tmp_path: Path, env: dict[str, str], arguments: tuple[str, ...], named: str
) -> None:
    result = run_p2p("serve", *arguments, env=clean_environment(**env), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("p2p: ")
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_without_any_slack_settings_both_ways_are_named(tmp_path: Path) -> None:
    result = run_p2p("serve", env=clean_environment(SLACK_SIGNING_SECRET="s"), cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SLACK_BOT_TOKEN" in line
    assert "SLACK_CLIENT_ID" in line
