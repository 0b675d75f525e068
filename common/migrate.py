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


class DatabaseNotUsable(Exception):
    """The database cannot be reached, or its URL is not one: the message says which and why."""


def shown_url(url: str) -> str:
    """``url`` without its password, to name the database in use; refused when it is no URL."""
    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as error:  # not echoed: it may hold a password
        raise DatabaseNotUsable(
            "DATABASE_URL is not a database URL (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
        ) from error
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in ("postgres", "postgresql"):  # mysql://, sqlite://
        raise DatabaseNotUsable(f"{shown}: DATABASE_URL must be a PostgreSQL URL (postgresql://...)")
    return shown


def migrate(url: str) -> str:
    """Bring the database at ``url`` to head; its shown URL. ``DatabaseNotUsable`` with the
    server's own reason when it cannot be reached (no traceback for a wrong URL)."""
    from sqlalchemy import exc

    shown = shown_url(url)
    try:
        upgrade_to_head(url)
    except exc.DBAPIError as error:
        raise DatabaseNotUsable(f"{shown}: {_reason(error.orig or error)}") from error
    return shown


def main() -> None:
    """``make migrate``: say which database is now at head, or why it could not be reached."""
    import sys

    from common import runtime

    try:
        shown = migrate(runtime.database_url())  # DATABASE_URL, or the embedded Postgres of `make dev`
    except DatabaseNotUsable as error:
        sys.exit(f"Not migrated: {error}")
    print(f"{shown}: the schema is at the newest migration")


def _reason(error: BaseException) -> object:
    """The server's own words (pg8000 gives its message fields as a dict). When the server
    refuses a connection and closes it at once, pg8000's clean-up fails writing to the closed
    socket and raises "network error" over the server's reason, which is then in its context."""
    cause: BaseException | None = error
    while cause is not None:
        if cause.args and isinstance(cause.args[0], dict):
            return cause.args[0].get("M", cause.args[0])
        cause = cause.__context__
    return error.args[0] if error.args else error


if __name__ == "__main__":
    main()
