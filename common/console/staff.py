"""Staff sign-in (bearer tokens, the bootstrap ADMIN_TOKEN, Cloud IAP) and managing staff."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from common.auth import IapVerifier, Principal, bearer_token, is_admin_token, new_staff_token, token_hash
from common.console.responses import StaffCreated, StaffList, StaffView
from common.errors import Conflict, Forbidden, NotFound, Unauthorized
from common.models import StaffMember, StaffRole
from common.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

# The name the bootstrap ADMIN_TOKEN signs in as (and what its edits record).
BOOTSTRAP_OWNER = "admin"


@dataclass(frozen=True)
class SignIn:
    """How this instance accepts staff: the bootstrap token and, behind IAP, its verifier."""

    admin_token: str | None
    iap: IapVerifier | None


# With neither ADMIN_TOKEN nor IAP set up, only `make staff-token`'s tokens sign in.
_HOW_TO_SIGN_IN = (
    "sign in with a staff member's token (make staff-token); "
    "ADMIN_TOKEN (or IAP_AUDIENCE) is not set on this function"
)


def _how_to_sign_in(sign_in: SignIn) -> str:
    """What a rejected token's message adds: how to sign in, if only staff tokens can."""
    return f"; {_HOW_TO_SIGN_IN}" if sign_in.admin_token is None and sign_in.iap is None else ""


def authenticate(
    *, uow: UnitOfWorkFactory, sign_in: SignIn, authorization: str | None, iap_assertion: str | None
) -> Principal:
    """The signed-in member of staff. ``Unauthorized`` (401) when nobody valid is signed in,
    ``Forbidden`` (403) for an IAP user who is not on the staff list."""
    token = bearer_token(authorization)
    behind_iap = bool(iap_assertion) and sign_in.iap is not None
    if token is not None:
        if sign_in.admin_token and is_admin_token(token, sign_in.admin_token):
            return Principal(BOOTSTRAP_OWNER, StaffRole.OWNER, "admin_token")
        with uow() as tx:
            member = tx.staff.active_by_token_hash(token_hash(token))
        if member is not None:  # a token from `make staff-token` needs nothing else set up
            return Principal(member.name, StaffRole(member.role), "token", member.email, member.id)
        # A bearer that is no staff token may be the one IAP itself checked (a Cloud Scheduler
        # job's OIDC token, if IAP passes the header on): then IAP's signed header decides.
        if not behind_iap:
            raise Unauthorized(
                "this bearer token is not valid (unknown or revoked)" + _how_to_sign_in(sign_in)
            )
    if sign_in.admin_token is None and sign_in.iap is None:
        # Not signed in is a 401 whatever is set up; the message says how to sign in here.
        raise Unauthorized(_HOW_TO_SIGN_IN)
    if iap_assertion and sign_in.iap is not None:
        email = sign_in.iap.email(iap_assertion)
        with uow() as tx:
            member = tx.staff.active_by_email(email)
        if member is None:
            raise Forbidden(f"{email} is not on the shop's staff list", code="not_staff")
        return Principal(member.name, StaffRole(member.role), "iap", email, member.id)
    raise Unauthorized("sign in: send Authorization: Bearer <token>, or come through Cloud IAP")


def create_staff(
    *, uow: UnitOfWorkFactory, name: str, role: StaffRole, email: str | None, created_by: str
) -> StaffCreated:
    """A new member with a fresh token (returned this once; only its hash is stored)."""
    token = new_staff_token()
    email = email.strip().lower() if email else None
    with uow() as tx:
        if email is not None and tx.staff.email_taken(email):
            raise Conflict(f"{email} is already on the staff list", code="email_taken")
        member = tx.staff.add(
            name=name, role=role.value, email=email, token_hash=token_hash(token), created_by=created_by
        )
        view = staff_view(member)
    log.info("staff member %s (%s) created by %s", view.id, role.value, created_by)
    return StaffCreated(staff=view, token=token)


def list_staff(*, uow: UnitOfWorkFactory) -> StaffList:
    with uow() as tx:
        return StaffList(staff=[staff_view(m) for m in tx.staff.all()])


def revoke_staff(*, uow: UnitOfWorkFactory, staff_id: uuid.UUID, revoked_by: str) -> StaffView:
    """Revoke a member's token and IAP access at once; never the last active owner."""
    with uow() as tx:
        if tx.staff.lock_active_owners() == [staff_id]:
            # Nobody could manage staff any more (without ADMIN_TOKEN, not even sign in as owner).
            raise Conflict("this is the last owner: make someone else an owner first", code="last_owner")
        member = tx.staff.revoke(staff_id)
        if member is None:
            raise NotFound("no such staff member", code="staff_not_found")
        view = staff_view(member)
    log.info("staff member %s revoked by %s", staff_id, revoked_by)
    return view


def change_role(
    *, uow: UnitOfWorkFactory, staff_id: uuid.UUID, role: StaffRole, changed_by: str
) -> StaffView:
    """Give an active member another role (their token stays the same; the next request they
    make has the new role); never take the last active owner's."""
    with uow() as tx:
        owners = tx.staff.lock_active_owners()
        member = tx.staff.locked(staff_id)
        if member is None:
            raise NotFound("no such staff member", code="staff_not_found")
        if member.revoked_at is not None:
            raise Conflict("this member's access is revoked: add them again", code="staff_revoked")
        if owners == [staff_id] and role != StaffRole.OWNER:
            raise Conflict("this is the last owner: make someone else an owner first", code="last_owner")
        before, member.role = member.role, role.value
        view = staff_view(member)
    log.info("staff member %s changed from %s to %s by %s", staff_id, before, role.value, changed_by)
    return view


def staff_view(member: StaffMember) -> StaffView:
    return StaffView.model_validate(member, from_attributes=True)
