"""``make staff-token NAME=... ROLE=...``: add a member of staff and print their token once."""

from __future__ import annotations

import argparse
import sys

from common import runtime
from common.console.staff import create_staff
from common.migrate import DatabaseNotUsable, migrate
from common.models import StaffRole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    roles = [r.value for r in StaffRole]
    parser.add_argument("--role", required=True, help=", ".join(roles))
    parser.add_argument("--email", default=None, help="their Google account, for sign-in through Cloud IAP")
    options = parser.parse_args()
    if not options.name.strip():
        parser.error('NAME must not be empty: make staff-token NAME="Ann" ROLE=editor')
    if options.role not in roles:
        parser.error(f'ROLE must be one of {", ".join(roles)}: make staff-token NAME="Ann" ROLE=editor')
    try:
        database = migrate(runtime.database_url())
    except DatabaseNotUsable as error:
        sys.exit(f"No token made: {error}")
    created = create_staff(
        uow=runtime.unit_of_work(),
        name=options.name.strip(),
        role=StaffRole(options.role),
        email=options.email,
        created_by="make staff-token",
    )
    print(f"{created.staff.name} ({created.staff.role}), id {created.staff.id}")
    print(f"token (shown once, store it now): {created.token}")
    # It signs in where the functions use this database (make dev with the same DATABASE_URL).
    print(f"database: {database}")


if __name__ == "__main__":
    main()
