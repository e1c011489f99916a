"""Anonymous quotes at set-up: the facilitator, and only they, learn which roles one person
plays, whose quotes will read "a participant"."""

from __future__ import annotations

import pytest

from tests.scenarios.conftest import Harness

WARNING = "Their quotes will read “a participant”"


async def test_the_facilitator_is_told_which_roles_of_one_person_read_a_participant(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Checkout product=@priya eng=@mark,@sam ops=@erin")
    confirmation = harness.ephemeral_texts("fran")[-1]
    assert "has started" in confirmation
    assert WARNING in confirmation
    assert "one person plays each of these roles: Product Owner, Infrastructure/Operations." in (
        confirmation
    )
    assert "Engineering" not in confirmation, "two engineers: their role is shown"
    assert "what someone says may still show who said it" in confirmation
    await harness.wait_for_channel(1, containing="Checkout")
    assert "a participant" not in harness.channel_texts()[0], "the channel is not told"
    for person in ("priya", "mark", "sam", "erin"):
        assert not any("a participant" in text for text in harness.ephemeral_texts(person))
        assert not any("a participant" in text for text in harness.dm_texts(person))


@pytest.mark.parametrize(
    "command",
    [
        "start Named product=@priya eng=@mark named=yes",
        "start Shared product=@priya,@omar eng=@mark,@sam",
    ],
    ids=["named quotes", "every role shared"],
)
async def test_no_warning_when_quotes_name_people_or_every_role_is_shared(
    harness: Harness, command: str
) -> None:
    await harness.command("fran", command)
    assert "has started" in harness.ephemeral_texts("fran")[-1]
    assert "a participant" not in harness.ephemeral_texts("fran")[-1]


async def test_the_set_up_form_gives_the_same_warning(harness: Harness) -> None:
    await harness.command("fran", "start Checkout")
    await harness.slack.submit_view(
        harness["fran"],
        {
            "stages": {"value": "Idea: product\nBuild: eng"},
            "role:product": {"value": [harness["priya"]]},
            "role:engineering": {"value": [harness["mark"], harness["sam"]]},
        },
    )
    await harness.slack.settle()
    confirmation = harness.ephemeral_texts("fran")[-1]
    assert "has started" in confirmation
    assert "one person plays each of these roles: Product Owner." in confirmation
    assert WARNING in confirmation
