"""A small soak: two workshops of three people at once, through two ``p2p serve``
processes sharing the tests' database. The figures that are counts are asserted here;
benchmarks/soak.py runs fifty workshops and prints the latencies too."""

from __future__ import annotations

from pathlib import Path

from benchmarks.soak import SoakPlan, format_report, run_soak


async def test_workshops_at_once_lose_nothing_and_store_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    plan = SoakPlan(database_url=database_url, workshops=2, people=3, deadline=60.0, seed=3)

    report = await run_soak(plan, tmp_path)

    shown = format_report(report)
    assert report.workshops_started == 2, shown
    assert report.interviews_done == report.interviews == 6, shown
    assert report.replies > 0, shown
    assert report.answers_stored > 0, shown
    assert report.answers_lost == 0, shown
    assert report.answers_twice == 0, shown
    assert report.questions_twice == 0, shown
    assert report.failed == 0, shown
    assert report.summaries == {1: 2}, shown
    assert report.workshops_finished == 2, shown
