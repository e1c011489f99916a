"""The question bank is data; loading it checks it, so a bad edit fails loudly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.model import InterviewMode, Role, Stage, Workshop, WorkshopStatus
from bot.workshop.core.questions import (
    QuestionBankError,
    load_path_template,
    load_question_bank,
)
from prompts import QUESTIONS_DIR


def workshop(*roles: str) -> Workshop:
    template = load_path_template()
    kept = [r for r in template.roles if r.key in roles]
    return Workshop(
        id=1,
        team_id="T",
        channel_id="C",
        facilitator_id="U",
        title="t",
        mode=InterviewMode.IN_TURN,
        status=WorkshopStatus.COLLECTING,
        stages=tuple(
            Stage(name=s.name, roles=tuple(k for k in s.owners if k in roles))
            for s in template.stages
        ),
        roles=tuple(Role(key=r.key, name=r.name) for r in kept),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_every_quick_answer_reads_as_its_kind() -> None:
    quick = load_question_bank().quick_answers
    assert quick.durations
    assert quick.percents
    for text in quick.durations:
        assert parse_duration(text) is not None, text
    for text in quick.percents:
        assert parse_percent(text) is not None, text


def test_questions_follow_the_path_and_the_role() -> None:
    bank = load_question_bank()
    w = workshop("product", "management", "engineering")
    product = bank.questions_for(w, "product")
    keys = [q.key for q in product]
    assert keys[0] == "Idea.figures", "one step of figures, then one open step, per stage"
    assert [k for k in keys if k.endswith(".figures")] == [
        "Idea.figures",
        "Design.figures",
        "Release.figures",
    ]
    assert keys[-2:] == ["handing_on", "whole_path"]
    parts = {q.key: [p.base_key for p in q.parts] for q in product}
    assert "receive_pca" not in parts["Idea.figures"], "nobody hands Idea over"
    assert "receive_pca" in parts["Design.figures"], "taken over from Management"
    assert parts["whole_path"] == ["perceived_lead_time", "craziest_step", "delete_one"]
    management = [q.key for q in bank.questions_for(w, "management")]
    assert "management_view" in management
    assert "management_view" not in keys
    assert bank.minutes_for(w, "product") == sum(q.template.minutes for q in product)


def test_template_roles_are_found_by_alias() -> None:
    template = load_path_template()
    assert [r.name for r in template.stages[0:1]] == ["Idea"]
    found = template.find_role("QA")
    assert found is not None
    assert found.key == "quality"
    assert template.find_role("wizard") is None


def write_bank(folder: Path, extra: str) -> None:
    original = (QUESTIONS_DIR / "interview.toml").read_text()
    (folder / "interview.toml").write_text(original + "\n" + extra)


@pytest.mark.parametrize(
    ("extra", "complaint"),
    [
        ('[[closing]]\nkey = "craziest_step"\nkind = "text"\nlabel = "x"\ntext = "x"', "twice"),
        (
            '[[followup]]\nkey = "x"\nkind = "text"\nlabel = "x"\ntext = "x"\nafter = "nope"\n'
            'mentions = ["a"]',
            "unknown",
        ),
        (
            '[[followup]]\nkey = "y"\nkind = "text"\nlabel = "x"\ntext = "x"\nafter = "pain"\n'
            'mentions = ["a"]\nbelow = { question = "rework", percent = 5 }',
            "exactly one condition",
        ),
        ('[[stage]]\nkey = "Bad Key"\nkind = "text"\nlabel = "x"\ntext = "x"', "key"),
        ('[[stage]]\nkey = "z"\nkind = "colour"\nlabel = "x"\ntext = "x"', "kind"),
        ("this is = not toml [", "interview.toml"),
    ],
)
def test_a_broken_bank_is_refused_with_its_path(tmp_path: Path, extra: str, complaint: str) -> None:
    write_bank(tmp_path, extra)
    with pytest.raises(QuestionBankError) as raised:
        load_question_bank(tmp_path)
    assert str(tmp_path) in str(raised.value)
    assert complaint in str(raised.value)
