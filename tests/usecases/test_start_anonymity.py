"""Starting a workshop with anonymous quotes: the confirmation names the roles one person
plays, whose quotes will read "a participant"."""

from __future__ import annotations

import pytest

from bot.workshop.bootstrap import Services
from bot.workshop.core.model import WorkshopDetails
from bot.workshop.ports import NoticeKind
from tests.fakes import FakeMessenger
from tests.usecases.test_service import start_request

TEAM = (("ops", ("UOPS",)), ("eng", ("UE1", "UE2")), ("product", ("UPO",)))


@pytest.mark.parametrize(
    ("team", "named", "lone_roles"),
    [
        (TEAM, False, "Product Owner, Infrastructure/Operations"),  # in path order
        (TEAM, True, ""),
        ((("product", ("UPO", "UPO2")), ("eng", ("UE1", "UE2"))), False, ""),
        ((("product", ("UX",)), ("eng", ("UX", "UE2"))), False, "Product Owner"),
    ],
    ids=["anonymous", "named", "every role shared", "one person in two roles"],
)
async def test_the_start_notice_names_the_roles_of_one_person(
    services: Services,
    messenger: FakeMessenger,
    team: tuple[tuple[str, tuple[str, ...]], ...],
    named: bool,
    lone_roles: str,
) -> None:
    notice = await services.starter.start_workshop(
        start_request(*team, details=WorkshopDetails(named=named))
    )
    assert notice.kind is NoticeKind.WORKSHOP_STARTED
    assert notice.context["lone_roles"] == lone_roles
    assert len(messenger.announcements) == 1
