"""Alembic environment: migrations run online against DATABASE_URL (or the URL passed in)."""

from __future__ import annotations

from alembic import context

from common.db import create_db_engine
from common.models import Base
from common.runtime import database_url

config = context.config


def run_migrations_online() -> None:
    url = config.attributes.get("database_url") or database_url()
    engine = create_db_engine(url, pool_size=1)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
        with context.begin_transaction():
            # Serialise concurrent migrators (two deploys, two dev servers) on one lock.
            context.execute("SELECT pg_advisory_xact_lock(727274001)")
            context.run_migrations()
    engine.dispose()


run_migrations_online()
