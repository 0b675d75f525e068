"""Apply Alembic migrations programmatically (``python -m common.migrate``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from common.config import REPO_ROOT


def upgrade_to_head(database_url: str | None = None) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    if database_url:
        config.attributes["database_url"] = database_url
    command.upgrade(config, "head")


if __name__ == "__main__":
    upgrade_to_head()
