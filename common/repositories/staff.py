"""Staff members: who may sign in to the console, and with which role."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from common.models import StaffMember, utcnow


class StaffRepository:
    """Staff rows. A revoked member keeps their row (revisions name them) but cannot sign in."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, *, name: str, role: str, email: str | None, token_hash: bytes | None, created_by: str
    ) -> StaffMember:
        member = StaffMember(
            id=uuid.uuid4(), name=name, role=role, email=email, token_hash=token_hash, created_by=created_by
        )
        self.session.add(member)
        self.session.flush()
        return member

    def active_by_token_hash(self, token_hash: bytes) -> StaffMember | None:
        return self.session.scalars(
            sa.select(StaffMember).where(
                StaffMember.token_hash == token_hash, StaffMember.revoked_at.is_(None)
            )
        ).one_or_none()

    def active_by_email(self, email: str) -> StaffMember | None:
        return self.session.scalars(
            sa.select(StaffMember).where(StaffMember.email == email, StaffMember.revoked_at.is_(None))
        ).one_or_none()

    def is_active(self, member_id: uuid.UUID) -> bool:
        """Whether the member exists and is not revoked."""
        active = sa.select(StaffMember.id).where(
            StaffMember.id == member_id, StaffMember.revoked_at.is_(None)
        )
        return self.session.scalar(active) is not None

    def email_taken(self, email: str) -> bool:
        return self.session.scalar(sa.select(sa.func.count()).where(StaffMember.email == email)) != 0

    def all(self) -> Sequence[StaffMember]:
        return self.session.scalars(sa.select(StaffMember).order_by(StaffMember.created_at)).all()

    def lock_active_owners(self) -> list[uuid.UUID]:
        """The active owners' ids, their rows locked until the transaction ends (so two owners
        revoking each other at once cannot both succeed)."""
        return list(
            self.session.scalars(
                sa.select(StaffMember.id)
                .where(StaffMember.role == "owner", StaffMember.revoked_at.is_(None))
                .order_by(StaffMember.id)
                .with_for_update()
            )
        )

    def locked(self, member_id: uuid.UUID) -> StaffMember | None:
        """The member, their row locked until the transaction ends; None when unknown."""
        return self.session.get(StaffMember, member_id, with_for_update=True)

    def revoke(self, member_id: uuid.UUID) -> StaffMember | None:
        """Revoke a member's access (their token and their IAP sign-in); None when unknown."""
        member = self.locked(member_id)
        if member is not None and member.revoked_at is None:
            member.revoked_at = utcnow()
            # The email is freed so the person can be added again with another role.
            member.email = None
            self.session.flush()
        return member
