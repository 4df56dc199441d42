"""The demo centre: a psychologist, a family for invitations, and upcoming sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.store import Store

PARENT_ID, YOUTH_ID, STAFF_ID = 1001, 1002, 1003
DEMO_TZ = "Europe/Paris"


def _next(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """That weekday of next week (Monday is 0): the sessions keep one order whatever today is."""
    local = now.astimezone(zone).date()
    monday = local + timedelta(days=7 - local.weekday())
    return datetime.combine(monday + timedelta(days=weekday), at, tzinfo=zone)


# What staff would have typed, in the language of the demo (centre data, not interface text).
DEMO_NAMES = {
    "fr": ("Centre Relier (démo)", "Groupe de parole des parents", "Conférence participative : le cyberharcèlement",
           "Salle des familles", "Médiathèque", "Atelier théâtre", "Médiation parent-enfant",
           "Un temps pour partager ce que vous vivez, entre parents, avec une psychologue du centre.",
           "Camille", "Karim"),
    "en": ("Centre Relier (demo)", "Parents' support group", "Participative talk: cyberbullying",
           "Family room", "Public library", "Theatre workshop", "Parent and child mediation",
           "A time to share what you are going through, between parents, with one of the centre's psychologists.",
           "Camille", "Karim"),
}
OTHER_PARENTS = (1101, 1102)  # two demo families who already took the seats of the mediation slot


async def seed(store: Store, lang: str = "fr") -> None:
    zone = ZoneInfo(DEMO_TZ)
    (centre_name, group, talk, family_room, library, workshop, mediation, about_group,
     *other_names) = DEMO_NAMES.get(lang, DEMO_NAMES["fr"])
    async with store.unit_of_work() as uow:
        # No quiet hours in the demo: what the bot sends to others shows at once, even at night.
        centre = await uow.centres.add(centre_name, DEMO_TZ, phone="01 00 00 00 00", quiet_from=0, quiet_until=0)
        await uow.people.add_staff(STAFF_ID, centre.id, "Claire Martin", "psychologist")
        now = uow.clock.now()
        first = _next(now, 1, time(18, 30), zone)
        await uow.sessions.add_series(
            centre.id, [first + timedelta(weeks=n) for n in range(4)], title=group, minutes=90, capacity=12,
            place=family_room, description=about_group,
        )
        await uow.sessions.add(centre.id, talk, _next(now, 3, time(19, 0), zone), 120, 40, library, kind="talk")
        slot = await uow.sessions.add(
            centre.id, mediation, _next(now, 2, time(17, 0), zone), 60, 2, family_room, kind="mediation"
        )
        for user_id, name in zip(OTHER_PARENTS, other_names):
            family = await uow.families.create(centre.id)
            parent = await uow.people.add_parent(user_id, centre.id, family, lang, now)
            await uow.people.note_name(parent.id, name)
            await uow.bookings.book(slot.id, parent)
        await uow.sessions.add(
            centre.id, workshop, _next(now, 2, time(14, 0), zone), 120, 10, "Centre Relier", audience="youth",
            kind="workshop",
        )
        await uow.commit()


async def youth_invite(store: Store) -> str:
    """An invitation for the demo young person: from the demo parent's family if it has a child."""
    async with store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        parent = await uow.people.by_telegram_id(PARENT_ID)
        children = await uow.families.children(parent.family_id) if parent and parent.family_id else []
        if children:
            family_id, child_id = parent.family_id, children[0].id
        else:
            family_id = await uow.families.create(centre.id)
            child_id = (await uow.families.add_child(family_id, "Sam", 13, "middle")).id
        code, _invite = await uow.invites.create(centre.id, family_id=family_id, child_id=child_id,
                                                  parental_consent_by="parent")
        await uow.commit()
    return code
