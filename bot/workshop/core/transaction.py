"""The one storage type the domain sees: an open unit of work, opaque to it.

Use cases get one from the database port (``async with database.transaction() as tx``)
and hand it, unopened, to the repository functions in ``storage/``; only storage knows
what is inside.
"""

from __future__ import annotations

from typing import Protocol


class Transaction(Protocol):
    """An open unit of work: it commits when its block ends and rolls back on error."""
