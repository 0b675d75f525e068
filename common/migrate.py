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


def main() -> None:
    """``make migrate``: say which database is now at head, or why it could not be reached."""
    import sys

    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    from common import runtime

    url = runtime.database_url()  # DATABASE_URL, or the embedded Postgres `make dev` uses
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (exc.ArgumentError, ValueError):  # not echoed: it may hold a password
        sys.exit(
            "Not migrated: DATABASE_URL is not a database URL (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
        )
    try:
        upgrade_to_head(url)
    except exc.DBAPIError as error:
        details = error.orig.args[0] if error.orig is not None and error.orig.args else error
        reason = details.get("M", details) if isinstance(details, dict) else details  # pg8000's fields
        sys.exit(f"Not migrated: {shown}: {reason}")
    print(f"{shown}: the schema is at the newest migration")


if __name__ == "__main__":
    main()
