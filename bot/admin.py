"""Admin setup without a bot: what `relier centre|staff|sessions|invite` do."""

from __future__ import annotations

import json
import os

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dialogs.booking import series
from bot.settings import keyring_from_environment
from storage.crypto import Keyring
from storage.clock import Clock
from storage.models import SESSION_KINDS, STAFF_ROLES
from storage.records import RosterLine, SessionRecord

MAX_WEEKS = 52


class AdminError(Exception):
    """Bad input, said in one sentence the operator can act on."""


def check_timezone(name: str) -> str:
    if name not in available_timezones():
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise AdminError(f"unknown time zone {name!r}: use an IANA name such as Europe/Paris") from None
    return name


def parse_local(value: str, timezone: str, today: date | None = None) -> datetime:
    """'YYYY-MM-DD HH:MM' in the centre's zone, as an aware datetime (in that zone).

    With `today` (the centre's local date), the forms staff type in the bot are read too:
    "08/12/2026 18:30", "08/12/2026 18h30", "08/12 18:30" (the next 8 December from today).
    """
    naive = series.parse_local(value, today) if today is not None else None
    if naive is None:
        try:
            naive = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            raise AdminError(f"cannot read {value!r}: write the local date and time as \"YYYY-MM-DD HH:MM\"") from None
    try:
        # A time skipped by a daylight-saving change does not exist: refuse it rather than guess.
        # A time that happens twice (autumn) is its first occurrence.
        instant = series.local_instant(naive, timezone)
    except series.NonexistentTime:
        raise AdminError(f"{value} does not exist in {timezone} (the clocks skip it): choose another time") from None
    return instant.astimezone(ZoneInfo(timezone))


def session_json(session: SessionRecord, timezone: str) -> dict:
    local = session.starts_at.astimezone(ZoneInfo(timezone))
    return {"id": session.id, "title": session.title, "kind": session.kind, "starts_at": session.starts_at.isoformat(),
            "local_start": local.isoformat(), "minutes": session.minutes, "capacity": session.capacity,
            "booked": session.booked, "place": session.place, "audience": session.audience,
            "description": session.description, "series": session.series, "centre_id": session.centre_id}


def parse_span(value: str) -> tuple[int, int]:
    """"21:00-08:00" as minutes after midnight (21 * 60, 8 * 60); "none" for no quiet hours."""
    if value.strip().lower() in ("none", "off", "0"):
        return 0, 0
    try:
        start, end = (datetime.strptime(part.strip(), "%H:%M") for part in value.split("-"))
    except ValueError:
        raise AdminError(f"cannot read {value!r}: write the quiet hours as \"21:00-08:00\", or \"none\"") from None
    return start.hour * 60 + start.minute, end.hour * 60 + end.minute


def parse_days(value: str) -> str:
    """"1-5" (Monday to Friday, ISO numbers) or "1,3,5" as the stored "0,1,2,3,4" (0 = Monday)."""
    days: set[int] = set()
    try:
        for part in value.split(","):
            first, _, last = part.strip().partition("-")
            days.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise AdminError(f"cannot read {value!r}: write the opening days as \"1-5\" (Monday to Friday)") from None
    if not days or not days <= set(range(1, 8)):
        raise AdminError(f"cannot read {value!r}: days go from 1 (Monday) to 7 (Sunday)")
    return ",".join(str(d - 1) for d in sorted(days))


ALERT_KEYS = ("urgent", "urgent_coordinators", "high", "watch", "none")


def parse_alerts(value: str) -> dict[str, int]:
    """"urgent=10,high=240": minutes before an untaken case is alerted again (the rest by default)."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        key, _, minutes = part.partition("=")
        if key.strip() not in ALERT_KEYS or not minutes.strip().isdigit() or int(minutes) < 1:
            raise AdminError(f"cannot read {part!r}: write e.g. urgent=10,urgent_coordinators=30,high=240,watch=1440")
        found[key.strip()] = int(minutes)
    return found


def minutes_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def centre_json(centre) -> dict:
    return {"id": centre.id, "name": centre.name, "timezone": centre.timezone,
            "staff_chat_id": centre.staff_chat_id, "phone": centre.phone,
            "quiet_hours": f"{minutes_text(centre.quiet_from)}-{minutes_text(centre.quiet_until)}",
            "retention_months": retention_json(centre)}


RETENTION = {  # option of `relier centre add|retention` -> column, months by default (README)
    "free_text": ("keep_text_months", 6),
    "checkins": ("keep_checkins_months", 24),
    "closed_cases": ("keep_cases_months", 24),
    "inactive": ("keep_inactive_months", 24),
}
YOUTH_CONSENT_AGE = 15


def retention_json(centre) -> dict:
    return {key: getattr(centre, column) for key, (column, _default) in RETENTION.items()}


def check_retention(months: dict[str, int | None]) -> dict[str, int]:
    """The retention periods given (None: left as they are), by column; whole months from 1 to 120."""
    found = {}
    for key, value in months.items():
        if key not in RETENTION:
            raise AdminError(f"unknown retention {key!r}: one of {', '.join(RETENTION)}")
        if value is None:
            continue
        if not 1 <= value <= 120:
            raise AdminError(f"--keep-{key.replace('_', '-')} is in months, from 1 to 120")
        found[RETENTION[key][0]] = value
    return found


class Admin:
    def __init__(self, database_url: str, clock: Clock | None = None, keyring: Keyring | None = None) -> None:
        """`keyring` as for bot.bootstrap.open_store: the CLI passes its settings' keys. The store is
        opened (and migrated) by the composition root on entering."""
        self.keyring = keyring if keyring is not None else keyring_from_environment(os.environ)
        self._url, self._clock = database_url, clock

    async def __aenter__(self) -> "Admin":
        from bot.bootstrap import open_store

        self.store = await open_store(self._url, clock=self._clock, keyring=self.keyring)
        self.engine = self.store.engine
        return self

    async def __aexit__(self, *exc) -> None:
        await self.store.close()

    async def add_centre(self, name: str, timezone: str, staff_chat: int | None, phone: str | None = None,
                         quiet_hours: str = "21:00-08:00", opening_days: str = "1-5",
                         opening_hours: str = "09:00-18:00", case_alerts: str = "",
                         retention: dict[str, int | None] | None = None) -> dict:
        name = name.strip()
        keep = check_retention(retention or {})
        quiet_from, quiet_until = parse_span(quiet_hours)
        open_from, open_until = parse_span(opening_hours)
        open_days = parse_days(opening_days)
        timers = parse_alerts(case_alerts)
        if not name:
            raise AdminError("the centre needs a name")
        check_timezone(timezone)
        phone = " ".join(phone.split()) if phone else None
        if phone is not None and (len(phone) > 40 or not any(ch.isdigit() for ch in phone)):
            raise AdminError(f"{phone!r} does not look like a phone number")
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.add(name, timezone, staff_chat, phone, quiet_from, quiet_until, open_days,
                                           open_from, open_until, json.dumps(timers))
            if keep:
                centre = await uow.centres.set_retention(centre.id, **keep)
            await uow.commit()
        return centre_json(centre)

    async def set_retention(self, centre_id: int | None, retention: dict[str, int | None]) -> dict:
        """Change how long a centre keeps free text, check-ins, closed cases and silent families (months)."""
        keep = check_retention(retention)
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            centre = await uow.centres.set_retention(centre.id, **keep)
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
                          audience: str, centre_id: int | None, kind: str = "group",
                          description: str | None = None, weekly: int | None = None) -> list[dict]:
        """One session, or with `weekly=N` N sessions a week apart at the same local time."""
        if minutes <= 0 or capacity <= 0:
            raise AdminError("--minutes and --capacity must be positive")
        if kind not in SESSION_KINDS:
            raise AdminError(f"--kind must be one of {', '.join(SESSION_KINDS)}")
        if weekly is not None and not 1 <= weekly <= MAX_WEEKS:
            raise AdminError(f"--weekly must be between 1 and {MAX_WEEKS}")
        title = title.strip()
        if not title:
            raise AdminError("the session needs a title")
        description = (description or "").strip() or None
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            first = parse_local(starts, centre.timezone, self.today(centre.timezone)).replace(tzinfo=None)
            try:
                instants = series.weekly_starts(first, centre.timezone, weekly or 1)
            except series.NonexistentTime as gap:
                week = (gap.local - first).days // 7 + 1
                raise AdminError(f"{gap.local:%Y-%m-%d %H:%M} (week {week} of the series) does not exist in "
                                 f"{centre.timezone} (the clocks skip it): choose another time or fewer weeks") from None
            created = await uow.sessions.add_series(
                centre.id, instants, title=title, minutes=minutes, capacity=capacity, place=place,
                audience=audience, kind=kind, description=description)
            await uow.commit()
        return [session_json(s, centre.timezone) for s in created]

    def today(self, timezone: str) -> date:
        return self.store.clock.now().astimezone(ZoneInfo(timezone)).date()

    async def list_sessions(self, centre_id: int | None) -> list[dict]:
        """The sessions still to come, soonest first, with their seats and waiting lists."""
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            total = await uow.sessions.count_upcoming(centre.id, None)
            found = await uow.sessions.upcoming(centre.id, None, limit=max(total, 1))
            out = []
            for session in found:
                waiting = sum(1 for r in await uow.bookings.recipients(session.id) if r.status == "waiting")
                out.append(session_json(session, centre.timezone) | {"waiting": waiting})
        return out

    async def roster(self, session_id: int) -> tuple[SessionRecord, list[RosterLine], str]:
        """A session, its bookings (seats, then the waiting list, then cancelled) and its centre's zone."""
        async with self.store.unit_of_work() as uow:
            session = await uow.sessions.get(session_id)
            if session is None:
                raise AdminError(f"no session with id {session_id}: `relier sessions list` shows them")
            centre = await uow.centres.get(session.centre_id)
            return session, await uow.bookings.roster(session_id), centre.timezone

    async def invite_youth(self, centre_id: int | None, family_id: int | None, child_id: int | None,
                           parental_consent: bool = False, age: int | None = None) -> dict:
        """A one-time invite. Under 15 (or of an age not known), the staff member confirms that a parent
        agreed (`parental_consent`); the consent is recorded on the invite."""
        if age is not None and not 6 <= age <= 25:
            raise AdminError("--age is the young person's age, from 6 to 25")
        async with self.store.unit_of_work() as uow:
            centre = await uow.centres.resolve(centre_id)
            if child_id is not None:
                child = await uow.families.child(child_id)
                if child is None:
                    raise AdminError(f"no child with id {child_id}")
                if family_id is not None and family_id != child.family_id:
                    raise AdminError(f"child {child_id} is not in family {family_id}")
                family_id = child.family_id
                age = child.age
            elif family_id is not None and await uow.families.get(family_id) is None:
                raise AdminError(f"no family with id {family_id}")
            if not parental_consent and (age is None or age < YOUTH_CONSENT_AGE):
                raise AdminError(
                    ("this young person is under 15" if age is not None else "the young person's age is not known")
                    + ": they join only with a parent's consent. Once a parent has agreed, add --parental-consent "
                    "(it is recorded on the invite); if they are 15 or older, give --age")
            code, invite = await uow.invites.create(centre.id, family_id=family_id, child_id=child_id,
                                                    parental_consent_by="staff" if parental_consent else None,
                                                    youth_age=age)
            await uow.commit()
        return {"code": code, "expires_at": invite.expires_at.isoformat(), "centre_id": centre.id,
                "family_id": family_id, "child_id": child_id, "parental_consent": parental_consent, "age": age}

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
