"""Where the workspaces p2p is installed in are kept: slack_sdk's own SQLAlchemy stores
for installations (bot tokens, refresh tokens) and OAuth states, on p2p's database.

Their tables are made by the migrations (storage/tables.py defines them with the
library's own builders), never by the stores' ``create_tables()``.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from storage.db import Database
from storage.tables import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

# An install started on the "Add to Slack" page must come back within this time.
STATE_LIFETIME_SECONDS = 10 * 60


def installation_store(database: Database, *, client_id: str) -> AsyncSQLAlchemyInstallationStore:
    """The installations of the app ``client_id``, in ``database``."""
    return AsyncSQLAlchemyInstallationStore(
        client_id=client_id,
        engine=database.engine,
        bots_table_name=SLACK_BOTS,
        installations_table_name=SLACK_INSTALLATIONS,
    )


def oauth_state_store(
    database: Database, *, lifetime_seconds: int = STATE_LIFETIME_SECONDS
) -> AsyncSQLAlchemyOAuthStateStore:
    """The ``state`` of each install in progress: issued once, consumed once."""
    return AsyncSQLAlchemyOAuthStateStore(
        expiration_seconds=lifetime_seconds, engine=database.engine, table_name=SLACK_OAUTH_STATES
    )
