"""The summary's JSON document: its schema is checked in, and documents follow it."""

from __future__ import annotations

import json

import jsonschema
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.documents.summary import (
    SCHEMA_PATH,
    build_summary_document,
    render_summary_json,
    render_summary_markdown,
    summary_schema_text,
)
from bot.rendering import Renderer
from tests.slack.test_summary_blocks import CALENDAR, analysis, lone_tester


def test_the_checked_in_schema_is_the_models_schema() -> None:
    assert SCHEMA_PATH.read_text() == summary_schema_text(), (
        "regenerate: python -c 'from bot.documents.summary import *; "
        "SCHEMA_PATH.write_text(summary_schema_text())'"
    )


def test_a_summary_document_follows_the_schema_and_has_the_measures() -> None:
    document = json.loads(render_summary_json(build_summary_document(analysis(3, 5), named=False)))
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert document["metrics"] == {
        "lead_time_days": 80.0,
        "process_time_days": 16.0,
        "flow_efficiency": 0.2,
        "rolled_pca": 0.727,
        "roles_answered": 3,
        "roles_total": 3,
    }
    first = document["handoffs"][0]
    assert (first["from_stage"], first["to_stage"], first["heat"]) == ("Idea", "Approval", 0.9)
    assert {"name", "roles", "lead_time_days", "process_time_days", "wait_days", "pca"} <= set(
        document["stages"][0]
    )
    assert all(q["user_id"] is None for q in first["evidence"]), "roles, not names"
    named = build_summary_document(analysis(3, 5), named=True)
    assert named.handoffs[0].evidence[0].user_id == "U00000"


def test_markdown_is_plain_text_without_slack_escaping() -> None:
    text = render_summary_markdown(analysis(2, 3), Renderer(for_slack=False), named=False)
    assert text.startswith("# Path to production: A title")
    assert "| 1 | Idea | Engineering, Product Owner | 2 d | 10 d | 8 d | 40 d | 60% |" in text
    assert "&lt;" not in text
    assert "<@" not in text


def _blocks(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def test_markdown_parses_as_commonmark_with_quotes_as_block_quotes() -> None:
    summary = analysis(3, 5)
    text = render_summary_markdown(summary, Renderer(for_slack=False), named=False)
    tokens = _blocks(text)
    quotes = [
        tokens[i + 2].content
        for i, token in enumerate(tokens)
        if token.type == "blockquote_open" and tokens[i + 1].type == "paragraph_open"
    ]
    expected = [q.text for h in summary.handoffs for q in h.evidence]
    assert len(expected) > 3
    assert len(quotes) == len(expected), "one block quote per piece of evidence"
    for said, quoted in zip(expected, quotes, strict=True):
        assert said in quoted
    paragraphs = [t.content for t in tokens if t.type == "inline"]
    assert not any(">" in p for p in paragraphs), "no quote runs into the line before it"
    assert any(t.type == "table_open" for t in tokens), "the stage table stays a table"
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "The hand-offs, hottest first" in headings


def test_anonymous_quotes_from_a_role_of_one_person_name_no_role_in_the_documents() -> None:
    summary = lone_tester(named=False)
    document = json.loads(render_summary_json(build_summary_document(summary, named=False)))
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    quotes = [
        *(q for h in document["handoffs"] for q in h["evidence"]),
        *(q for t in document["themes"] for q in t["quotes"]),
        *document["craziest_steps"],
        *(f["quote"] for f in document["findings"] if f["quote"]),
    ]
    roles = {q["text"]: q["role"] for q in quotes}
    assert roles["UAT is shared and always broken"] is None, "the one tester"
    assert roles["A slot in the shared UAT environment"] is None, "also as a finding's quote"
    assert roles[CALENDAR] == "Engineering", "two engineers"
    text = render_summary_markdown(summary, Renderer(for_slack=False), named=False)
    assert "> “UAT is shared and always broken” (a participant)" in text
    assert "> “A slot in the shared UAT environment” (a participant)" in text
    assert "- *What hurts* (Engineering): Specs arrive half written" in text
    assert "(Quality/Test" not in text
    assert "| 2 | Test | Quality/Test |" in text, "the stage table still names its owners"
