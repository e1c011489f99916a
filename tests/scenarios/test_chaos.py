"""The short chaos run: the demo team's workshop through two ``p2p serve`` processes
while the emulated Slack fails calls and repeats deliveries, and one process is killed
with SIGKILL. The figures are counts, so they are asserted here; benchmarks/chaos.py runs
the long version and prints them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from benchmarks.chaos import ChaosAborted, ChaosPlan, format_report, prepare_database, run_chaos
from tests.conftest import TEST_DATABASE_ENV


async def test_nothing_is_lost_or_sent_twice_when_slack_fails_and_a_process_dies(
    database_url: str, tmp_path: Path
) -> None:
    plan = ChaosPlan.short(database_url=database_url, seed=3)

    report = await run_chaos(plan, tmp_path)

    shown = format_report(report)
    assert sum(report.failed.values()) > 0, "Slack failed some calls\n" + shown
    assert report.redelivered > 0, "Slack delivered some events twice\n" + shown
    assert len(report.kills) == plan.kills, shown
    assert report.interviews_done == report.interviews == 8, shown
    assert report.answers_stored > 0
    assert report.answers_lost == 0, shown
    assert report.answers_twice == 0, shown
    assert report.questions_twice == 0, shown
    assert report.nudges_twice == 0, shown
    assert report.summaries == 1, shown
    assert report.ok, shown


@pytest.mark.skipif(not os.environ.get(TEST_DATABASE_ENV), reason="needs PostgreSQL")
@pytest.mark.parametrize("wipe", [True, False])
async def test_a_benchmark_on_a_database_that_does_not_exist_stops_with_a_sentence(
    wipe: bool,
) -> None:
    url = make_url(os.environ[TEST_DATABASE_ENV]).set(
        drivername="postgresql+asyncpg", database="p2p_no_such_database"
    )

    with pytest.raises(ChaosAborted) as aborted:
        await prepare_database(url.render_as_string(hide_password=False), wipe=wipe)

    assert "the database 'p2p_no_such_database' does not exist" in str(aborted.value)
    assert str(aborted.value).endswith("; or pass --database-url")
