"""Whatever people type, the files p2p shares are whole: the export reads back as it was
written (JSON) and opens safely in a spreadsheet (CSV), the summary's JSON follows its
schema, the Markdown renders, and the picture is drawn.

Property-based (Hypothesis, see tests/hostile_text.py).
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from typing import Any

import jsonschema
from hypothesis import given
from markdown_it import MarkdownIt
from PIL import Image

from bot.documents.export import CSV_COLUMNS, FORMULA_STARTS, render_csv, render_markdown
from bot.documents.export import render_json as render_export_json
from bot.documents.picture import picture_size, render_path_png
from bot.documents.summary import (
    SCHEMA_PATH,
    build_summary_document,
    render_summary_json,
    render_summary_markdown,
)
from bot.rendering import Renderer
from bot.workshop.core.export import ExportDocument, build_export, parse_export, without_names
from tests.hostile_text import PROFILE, examples
from tests.hostile_workshop import BANK, Answered, answered_workshops

PLAIN = Renderer(for_slack=False)


@cache
def summary_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def export_of(answered: Answered) -> ExportDocument:
    return build_export(answered.workshop, answered.interviews, answered.answers, BANK)


@PROFILE
@given(answered_workshops())
def test_the_export_reads_back_as_it_was_written(answered: Answered) -> None:
    for document in (export_of(answered), without_names(export_of(answered))):
        assert parse_export(render_export_json(document)) == document


@PROFILE
@given(answered_workshops())
def test_every_csv_cell_holds_what_was_typed_and_starts_no_formula(answered: Answered) -> None:
    document = export_of(answered)
    rows = list(csv.reader(io.StringIO(render_csv(document), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    typed = [a.raw_text for person in document.participants for a in person.answers]
    assert len(rows) == len(typed) + 1
    column = CSV_COLUMNS.index("raw_text")
    for row, text in zip(rows[1:], typed, strict=True):
        assert len(row) == len(CSV_COLUMNS)
        assert row[column] in (text, "'" + text)
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


@PROFILE
@given(answered_workshops())
def test_the_summary_json_follows_its_schema_and_the_markdown_renders(answered: Answered) -> None:
    analysis = answered.analyse()
    named = answered.workshop.details.named
    document = json.loads(render_summary_json(build_summary_document(analysis, named=named)))
    summary_validator().validate(document)
    markdown = render_summary_markdown(analysis, PLAIN, named=named)
    headings = [t for t in MarkdownIt("commonmark").parse(markdown) if t.type == "heading_open"]
    assert headings[0].tag == "h1", "the summary opens with its title"
    assert render_markdown(export_of(answered)).startswith("# ")


@examples(12)  # a picture takes a while to draw
@given(answered_workshops())
def test_the_picture_is_drawn_whatever_the_names(answered: Answered) -> None:
    analysis = answered.analyse()
    picture = Image.open(io.BytesIO(render_path_png(analysis)))
    assert picture.format == "PNG"
    assert picture.size == picture_size(analysis)
