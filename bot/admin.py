"""Admin setup without a bot: what `relier centre|staff|sessions|invite` do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from storage.database import make_engine, upgrade
from storage.clock import Clock, SystemClock
from storage.store import Store
from storage.models import STAFF_ROLES


class AdminError(Exception):
    """Bad input, said in one sentence the operator can act on."""


def check_timezone(name: str) -> str:
    if name not in available_timezones():
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise AdminError(f"unknown time zone {name!r}: use an IANA name such as Europe/Paris") from None
    return name


def parse_local(value: str, timezone: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in the centre's zone, as an aware datetime."""
    try:
        naive = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise AdminError(f"cannot read {value!r}: write the local date and time as \"YYYY-MM-DD HH:MM\"") from None
    zone = ZoneInfo(timezone)
    local = naive.replace(tzinfo=zone)
    # A time skipped by a daylight-saving change does not exist: refuse it rather than guess.
    if local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != naive:
        raise AdminError(f"{value} does not exist in {timezone} (the clocks skip it): choose another time")
    return local


def centre_json(centre) -> dict:
    return {"id": centre.id, "name": centre.name, "timezone": centre.timezone,
            "staff_chat_id": centre.staff_chat_id, "phone": centre.phone}


class Admin:
    def __init__(self, database_url: str, clock: Clock | None = None) -> None:
        self.engine = make_engine(database_url)
        self.store = Store(self.engine, clock or SystemClock())

    async def __aenter__(self) -> "Admin":
        await upgrade(self.engine)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.store.close()

    async def add_centre(self, name: str, timezone: str, staff_chat: int | None, phone: str | None = None) -> dict:
        name = name.strip()
        if not name:
            raise AdminError("the centre needs a name")
        check_timezone(timezone)
        phone = " ".join(phone.split()) if phone else None
        if phone is not None and (len(phone) > 40 or not any(ch.isdigit() for ch in phone)):
            raise AdminError(f"{phone!r} does not look like a phone number")
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.add(name, timezone, staff_chat, phone)
            await uow.commit()
        return centre_json(centre)

    async def list_centres(self) -> list[dict]:
        async with self.store.unit_of_work() as uow:
            return [centre_json(c) for c in await uow.centres.all()]

    async def add_staff(self, telegram_user_id: int, name: str, role: str, centre_id: int | None) -> dict:
        if role not in STAFF_ROLES:
            raise AdminError(f"role must be one of {', '.join(STAFF_ROLES)}")
        if telegram_user_id <= 0:
            raise AdminError("a Telegram user id is a positive number")
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            person = await uow.people.add_staff(telegram_user_id, centre.id, name.strip(), role)
            await uow.commit()
        return {"id": person.id, "telegram_user_id": telegram_user_id, "name": person.name, "role": role,
                "centre_id": centre.id}

    async def add_session(self, title: str, starts: str, minutes: int, capacity: int, place: str | None,
                          audience: str, centre_id: int | None) -> dict:
        if minutes <= 0 or capacity <= 0:
            raise AdminError("--minutes and --capacity must be positive")
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            starts_at = parse_local(starts, centre.timezone)
            session = await uow.sessions.add(centre.id, title.strip(), starts_at, minutes, capacity, place, audience)
            await uow.commit()
        return {"id": session.id, "title": session.title, "starts_at": session.starts_at.isoformat(),
                "local_start": starts_at.isoformat(), "minutes": minutes, "capacity": capacity,
                "place": place, "audience": audience, "centre_id": centre.id}

    async def invite_youth(self, centre_id: int | None, family_id: int | None, child_id: int | None) -> dict:
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            if child_id is not None:
                child = await uow.families.child(child_id)
                if child is None:
                    raise AdminError(f"no child with id {child_id}")
                if family_id is not None and family_id != child.family_id:
                    raise AdminError(f"child {child_id} is not in family {family_id}")
                family_id = child.family_id
            elif family_id is not None and await uow.families.get(family_id) is None:
                raise AdminError(f"no family with id {family_id}")
            code, invite = await uow.invites.create(centre.id, family_id=family_id, child_id=child_id)
            await uow.commit()
        return {"code": code, "expires_at": invite.expires_at.isoformat(), "centre_id": centre.id,
                "family_id": family_id, "child_id": child_id}

    async def open_cases(self, centre_id: int | None) -> list[dict]:
        """The open escalations of a centre, most urgent first: what staff must look at today."""
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            cases = await uow.escalations.all_open(centre.id)
        order = {"urgent": 0, "high": 1, "watch": 2, "none": 3}
        cases.sort(key=lambda c: order.get(c.level, 9))
        return [
            {"id": c.id, "level": c.level, "reason": c.reason, "source": c.source, "person_id": c.person_id,
             "child_id": c.child_id, "opened_at": c.opened_at.isoformat()}
            for c in cases
        ]
