"""``make staff-token NAME=... ROLE=...``: add a member of staff and print their token once."""

from __future__ import annotations

import argparse
import sys

from pydantic import ValidationError

from common import runtime
from common.console.staff import create_staff
from common.errors import AppError
from common.migrate import DatabaseNotUsable, migrate
from common.models import StaffRole
from common.schemas import StaffBody
from common.validation import describe_validation_error


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
        # The checks POST /policies/_staff makes: a name of one line, an email address.
        body = StaffBody(name=options.name, role=options.role, email=options.email)
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0]).upper()
        parser.error(f"{field} {describe_validation_error(error).partition(': ')[2]}")
    try:
        database = migrate(runtime.database_url())
    except DatabaseNotUsable as error:
        sys.exit(f"No token made: {error}")
    try:
        created = create_staff(
            uow=runtime.unit_of_work(),
            name=body.name,
            role=StaffRole(body.role),
            email=body.email,
            created_by="make staff-token",
        )
    except AppError as error:
        sys.exit(f"No token made: {error.message}")
    print(f"{created.staff.name} ({created.staff.role}), id {created.staff.id}")
    print(f"token (shown once, store it now): {created.token}")
    # It signs in where the functions use this database (make dev with the same DATABASE_URL).
    print(f"database: {database}")


if __name__ == "__main__":
    main()
