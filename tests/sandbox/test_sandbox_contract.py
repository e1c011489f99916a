"""Finding Slack's method contract, the bundled copy, and checking calls against it."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from bot.sandbox.contract import (
    BUNDLED_CONTRACT_DIR,
    CONTRACT_DIR_ENV,
    Contract,
    MethodContract,
    find_contract_dir,
)
from bot.sandbox.webapi import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES, HANDLERS


def shared_contract_dir() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "slack-contract"
        if (candidate / "methods").is_dir():
            return candidate
    return None


def method(name: str) -> MethodContract:
    found = Contract(BUNDLED_CONTRACT_DIR).method(name)
    assert found is not None
    return found


def test_explicit_dir_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "methods").mkdir()
    monkeypatch.setenv(CONTRACT_DIR_ENV, str(BUNDLED_CONTRACT_DIR))

    assert find_contract_dir(tmp_path) == tmp_path
    assert find_contract_dir() == BUNDLED_CONTRACT_DIR


def test_a_dir_without_methods_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="methods"):
        find_contract_dir(tmp_path)


def test_shared_folder_beside_the_repository_is_preferred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONTRACT_DIR_ENV, raising=False)

    assert find_contract_dir() == (shared_contract_dir() or BUNDLED_CONTRACT_DIR)


def test_the_bundled_copy_covers_every_emulated_method() -> None:
    bundled = Contract(BUNDLED_CONTRACT_DIR)

    assert set(HANDLERS) <= set(bundled.method_names())
    assert (BUNDLED_CONTRACT_DIR / "LICENSE.md").read_text().startswith("MIT License")
    assert bundled.event("message.im") is not None


def test_the_bundled_copy_matches_the_shared_contract() -> None:
    shared = shared_contract_dir()
    if shared is None:
        pytest.skip("no shared/slack-contract beside the repository")
    for folder in ("methods", "events"):
        names = sorted(p.name for p in (BUNDLED_CONTRACT_DIR / folder).glob("*.json"))
        _, mismatch, errors = filecmp.cmpfiles(
            BUNDLED_CONTRACT_DIR / folder, shared / folder, names, shallow=False
        )
        assert (mismatch, errors) == ([], [])


def test_form_strings_are_normalised_to_the_schema() -> None:
    history = method("conversations.history")
    post = method("chat.postMessage")
    complete = method("files.completeUploadExternal")

    assert history.normalise({"inclusive": "1", "limit": "20", "oldest": "1.5"}) == {
        "inclusive": True,
        "limit": 20,
        "oldest": "1.5",
    }
    assert history.normalise({"inclusive": "false"}) == {"inclusive": False}
    blocks = [{"type": "divider"}]
    assert post.normalise({"blocks": blocks})["blocks"] == json.dumps(blocks)
    files = [{"id": "F1", "title": "t"}]
    assert complete.normalise({"files": json.dumps(files)})["files"] == files
    assert post.normalise({"channel": ["C1"]})["channel"] == ["C1"]


def test_problems_read_like_slack() -> None:
    post = method("chat.postMessage")
    replies = method("conversations.replies")

    assert post.problems(post.normalise({"token": "t"})) == [
        "[ERROR] missing required field: channel"
    ]
    assert post.problems(post.normalise({"token": "t", "channel": ["C1"]})) == [
        "[ERROR] invalid type: expected string, got array [json-pointer:/channel]"
    ]
    limit = {"token": "t", "channel": "C1", "ts": "1.0", "limit": "1001"}
    assert replies.problems(replies.normalise(limit)) == [
        "[ERROR] must be at most 1000 [json-pointer:/limit]"
    ]


def test_bot_scopes_and_tiers_come_from_the_contract() -> None:
    post = method("chat.postMessage")
    info = method("conversations.info")
    views_open = method("views.open")

    assert (post.bot_scopes, post.tier) == (("chat:write",), "t5")
    assert "channels:read" in info.bot_scopes
    assert views_open.bot_scopes == ()
    mention = Contract(BUNDLED_CONTRACT_DIR).event("app_mention")
    assert mention is not None
    assert mention.scopes == ("app_mentions:read",)


def manifest_list(text: str, section: str, key: str) -> list[str]:
    """The ``- item`` lines under ``section:`` → ``key:`` in a manifest (no YAML library)."""
    items: list[str] = []
    in_section = in_key = False
    key_indent = 0
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped == f"{section}:":
            in_section, in_key = True, False
        elif in_section and stripped == f"{key}:":
            in_key, key_indent = True, indent
        elif in_key and stripped.startswith("- "):
            items.append(stripped[2:].strip())
        elif in_key and stripped and indent <= key_indent:
            break
    return items


def test_defaults_follow_the_app_manifest() -> None:
    manifest = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yml"
    text = manifest.read_text()

    assert set(DEFAULT_BOT_SCOPES) == set(manifest_list(text, "scopes", "bot"))
    assert set(DEFAULT_BOT_EVENTS) == set(manifest_list(text, "event_subscriptions", "bot_events"))
