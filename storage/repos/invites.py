from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.errors import InviteUnusable
from storage.models import Invite
from storage.records import InviteRecord

INVITE_LIFETIME = timedelta(days=7)


def hash_code(code: str) -> str:
    """Only a hash is stored: a copy of the database cannot be used to join a family."""
    return hashlib.sha256(code.encode()).hexdigest()


def to_record(row: Invite) -> InviteRecord:
    return InviteRecord(row.id, row.centre_id, row.family_id, row.child_id, row.expires_at, row.used_at,
                        row.parental_consent_at, row.youth_age)


class InviteRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def create(
        self,
        centre_id: int,
        family_id: int | None = None,
        child_id: int | None = None,
        created_by: int | None = None,
        parental_consent_by: str | None = None,
        youth_age: int | None = None,
    ) -> tuple[str, InviteRecord]:
        """A new one-time code (returned once, in clear) and its record. `parental_consent_by` ("parent" or
        "staff") records, now, that a parent agreed to the young person joining (needed under 15)."""
        if parental_consent_by not in (None, "parent", "staff"):
            raise ValueError("parental consent is given by a parent or confirmed by staff")
        code = secrets.token_urlsafe(12)
        now = self._clock.now()
        row = Invite(
            code_hash=hash_code(code),
            centre_id=centre_id,
            family_id=family_id,
            child_id=child_id,
            created_by=created_by,
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
            parental_consent_at=now if parental_consent_by else None,
            parental_consent_by=parental_consent_by,
            youth_age=youth_age,
        )
        self._session.add(row)
        await self._session.flush()
        return code, to_record(row)

    async def check(self, code: str) -> InviteRecord:
        """The invite behind a code, if it can still be used; raises InviteUnusable."""
        row = await self._session.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
        if row is None:
            raise InviteUnusable("unknown")
        if row.used_at is not None:
            raise InviteUnusable("used")
        if row.expires_at <= self._clock.now():
            raise InviteUnusable("expired")
        return to_record(row)

    async def redeem(self, code: str, person_id: int) -> InviteRecord:
        """Use the invite once: a conditional update, so two redemptions cannot both win."""
        record = await self.check(code)
        now = self._clock.now()
        result = await self._session.execute(
            update(Invite)
            .where(Invite.id == record.id, Invite.used_at.is_(None), Invite.expires_at > now)
            .values(used_at=now, used_by=person_id)
        )
        if result.rowcount != 1:
            raise InviteUnusable("used")
        return record
