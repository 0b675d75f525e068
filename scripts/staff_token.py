"""``make staff-token NAME=... ROLE=...``: add a member of staff and print their token once."""

from __future__ import annotations

import argparse

from common import runtime
from common.console.staff import create_staff
from common.migrate import upgrade_to_head
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
    upgrade_to_head(runtime.database_url())
    created = create_staff(
        uow=runtime.unit_of_work(),
        name=options.name.strip(),
        role=StaffRole(options.role),
        email=options.email,
        created_by="make staff-token",
    )
    print(f"{created.staff.name} ({created.staff.role}), id {created.staff.id}")
    print(f"token (shown once, store it now): {created.token}")


if __name__ == "__main__":
    main()
