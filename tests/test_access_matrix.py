"""Every button and command of the bot, tried by everyone who should not reach another family's data.

A family of centre A (a parent, their child, an open case with what they wrote, a booked seat) is the
target. Each attacker — a parent of another family, a young person, an administrator of another centre,
a stranger, a member of the staff group who is not staff — presses every button of every step of every
flow (placed on that step first, as if they had got there) with forged data naming the target's case,
child, session, booking, person and family, every case button (`case|...`) and link button, and sends
every command with the target's ids. Each try must be refused or harmless: the target's data is the
same afterwards, nothing is queued for them, no one is recorded reading or acting on their case, and no
answer shows their names or what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select

from dialogs.events import Event, Kind
from dialogs.flow import encode
from dialogs.flows import all_flows
from storage.models import OutboxMessage
from tests.cases.conftest import ask_for_talk, name
from tests.conftest import onboard_parent
from tests.test_booking_parents import add_session

GROUP = -100555
VICTIM, OTHER_PARENT, YOUTH, OTHER_STAFF, STRANGER, GROUP_MEMBER, STAFF_A = 901, 902, 903, 7020, 9999, 9998, 7001
SECRETS = ("Victorine", "Anatole", "car scolaire")


@dataclass(frozen=True)
class Attacker:
    role: str
    user_id: int
    private: bool = True

    @property
    def chat_id(self) -> int:
        return self.user_id if self.private else GROUP


ATTACKERS = (
    Attacker("parent of another family", OTHER_PARENT),
    Attacker("young person", YOUTH),
    Attacker("staff of another centre", OTHER_STAFF),
    Attacker("stranger", STRANGER),
    Attacker("group member who is not staff", GROUP_MEMBER, private=False),
)


@dataclass(frozen=True)
class Target:
    centre: int
    person: int
    family: int
    child: int
    case: int
    session: int
    booking: int


async def world(core, chat_for, clock) -> Target:
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre A", "Europe/Paris")
        await uow.centres.set_staff_chat(centre.id, GROUP)
        await uow.people.add_staff(STAFF_A, centre.id, "Inès", "psychologist")
        await uow.commit()
    victim = chat_for(VICTIM, "en")
    await onboard_parent(victim, children=(("Anatole", "12", "middle"),))
    await name(core, VICTIM, "Victorine")
    await ask_for_talk(victim)
    await victim.text("Anatole a peur du car scolaire")
    session = await add_session(core, centre)
    await onboard_parent(chat_for(OTHER_PARENT, "en"), children=(("Maël", "9", "primary"),))
    async with core.store.unit_of_work() as uow:
        code, _invite = await uow.invites.create(centre.id, parental_consent_by="staff")
        await uow.commit()
    youth = chat_for(YOUTH, "en")
    await youth.command("start", code)
    await youth.press(youth.labels()[0])  # OK, next
    await youth.press(youth.labels()[0])  # yes, let's go
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Centre B", "Europe/Paris")  # after onboarding: one centre, no question
        await uow.people.add_staff(OTHER_STAFF, other.id, "Zoé", "admin")
        person = await uow.people.by_telegram_id(VICTIM)
        case = await uow.cases.open_for(person.id)
        (child,) = await uow.families.children(person.family_id)
        booked = (await uow.bookings.book(session.id, person)).outcome
        await uow.commit()
    (line,) = [line for line in await roster(core, session.id) if line.person_id == person.id]
    assert booked == "booked" and case is not None, booked
    async with core.store.unit_of_work() as uow:
        assert (await uow.people.by_telegram_id(YOUTH)).role == "youth"
    return Target(centre.id, person.id, person.family_id, child.id, case.id, session.id, line.booking_id)


async def roster(core, session_id):
    async with core.store.unit_of_work() as uow:
        return await uow.bookings.roster(session_id)


async def snapshot(core, t: Target) -> dict:
    """Everything about the target an attacker could change, read, or have sent."""
    async with core.store.unit_of_work() as uow:
        state = {
            "person": await uow.people.get(t.person),
            "children": await uow.families.children(t.family),
            "case": await uow.cases.get(t.case),
            "open case": await uow.cases.open_for(t.person),
            "case log": await uow.cases.audit_trail(t.case),
            # The session as staff set it (others may book their own seats in it), and the target's seat.
            "session": replace(await uow.sessions.get(t.session), booked=0),
            "their seat": [line for line in await uow.bookings.roster(t.session) if line.person_id == t.person],
            "staff chat": (await uow.centres.get(t.centre)).staff_chat_id,
        }
    async with core.store.engine.connect() as conn:
        state["queued for them"] = (await conn.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.chat_id == VICTIM))).scalar_one()
    return state


def forged_actions(t: Target) -> list[str]:
    """Button actions as the flows shape them, naming the target's things instead of the attacker's."""
    return [
        "", "yes", str(t.case), str(t.child), str(t.person), str(t.session), str(t.booking), f"h{t.child}",
        f"a{t.booking}", f"p{t.booking}", f"s{t.session}", f"s:{t.session}", f"book:{t.session}", f"b:{t.booking}",
        f"cancel:{t.booking}", f"urgent:{t.person}", f"{t.case}:yes",
    ]


def case_buttons(t: Target) -> list[str]:
    c = t.case
    return [f"case|take|{c}", f"case|close|{c}", f"case|out|{c}|resolved", f"case|ref|{c}|cmp",
            f"case|ok|{c}|resolved", f"case|ok|{c}|referred.cmp", f"case|back|{c}", f"case|out|{c}|no_answer",
            f"link|yes|{t.centre}", f"link|no|{t.centre}"]


def commands(t: Target) -> list[tuple[str, str]]:
    return [("start", ""), ("start", "FORGEDCODE"), ("menu", ""), ("help", ""), ("language", ""),
            ("privacy", ""), ("stop", ""), ("cases", ""), ("case", str(t.case)), ("case", f"#{t.case}"),
            ("link", "")]


class Driver:
    def __init__(self, core, clock) -> None:
        self.core, self.clock = core, clock
        self.shown: list[str] = []
        self.crashed: list[str] = []

    async def send(self, who: Attacker, kind: Kind, **values) -> None:
        event = Event(user_id=who.user_id, chat_id=who.chat_id, kind=kind, at=self.clock.now(), language_code="en",
                      private=who.private, message_id=1, **values)
        try:
            response = await self.core.dialogs.handle(event)
        except Exception as error:  # the adapter would apologise, but a handler must not crash
            self.crashed.append(f"{who.role}: {kind.value} {values} -> {type(error).__name__}: {error}")
            return
        self.shown.extend(r.text for r in response.replies)
        self.shown.append(response.callback_text or "")

    async def role(self, who: Attacker) -> str | None:
        async with self.core.store.unit_of_work() as uow:
            person = await uow.people.by_telegram_id(who.user_id)
        return None if person is None else person.role

    async def version(self, who: Attacker) -> int:
        async with self.core.store.unit_of_work() as uow:
            return (await uow.conversations.load_with_person(who.user_id))[1].version

    async def place(self, who: Attacker, flow: str, step: str) -> int:
        """Put the attacker on a step, as if they had navigated there; the conversation's version."""
        async with self.core.store.unit_of_work() as uow:
            _person, conversation = await uow.conversations.load_with_person(who.user_id)
            conversation.flow, conversation.step = flow, step
            await uow.conversations.save(conversation)
            await uow.commit()
        return conversation.version


async def test_every_button_and_command_with_forged_ids_is_refused_or_harmless(core, chat_for, clock):
    t = await world(core, chat_for, clock)
    before = await snapshot(core, t)
    driver = Driver(core, clock)
    tried = 0
    # Joining last, so the stranger stays a stranger until then; leaving (/stop) after it, for everyone.
    flows = sorted(reversed(all_flows()), key=lambda flow: flow.name == "forget")
    for who in ATTACKERS:
        role = await driver.role(who)
        for flow in flows:
            for step in flow.steps.values():
                if step.on_button is None:
                    continue
                for action in forged_actions(t):
                    if flow.name in ("onb", "youth", "forget"):  # joining and leaving change who they are
                        role = await driver.role(who)
                    reachable = who.private and (step.roles is None or role in step.roles)
                    if role is not None and step.roles is None:
                        reachable = False  # joining steps: a registered person is never put back on them
                    if reachable:
                        version = await driver.place(who, flow.name, step.name)
                    elif action:
                        continue  # refused whatever the action: one press is enough
                    else:
                        version = await driver.version(who)
                    await driver.send(who, Kind.BUTTON, data=encode(version, flow.name, step.name, action))
                    tried += 1
            changed = {k: v for k, v in (await snapshot(core, t)).items() if v != before[k]}
            assert not changed, f"{who.role}, a button of flow {flow.name}, changed {sorted(changed)}"
        for data in case_buttons(t):
            await driver.send(who, Kind.BUTTON, data=data)
            tried += 1
        for command, argument in commands(t):
            await driver.send(who, Kind.COMMAND, command=command, text=argument)
            tried += 1
        changed = {k: v for k, v in (await snapshot(core, t)).items() if v != before[k]}
        assert not changed, f"{who.role}: a case button or a command changed {sorted(changed)}"
        leaked = [text for text in driver.shown if any(secret in text for secret in SECRETS)]
        assert leaked == [], f"{who.role} was shown the target's data"
        driver.shown.clear()
    assert driver.crashed == [], "\n".join(driver.crashed)
    assert tried > 1500, tried  # every step of every flow, for everyone


async def test_the_staff_of_the_centre_can_do_what_the_others_cannot(core, chat_for, clock):
    """The matrix is not vacuous: the same forged-looking presses by the centre's own staff do work."""
    t = await world(core, chat_for, clock)
    driver = Driver(core, clock)
    staff_a = Attacker("staff of the centre", STAFF_A)
    await driver.send(staff_a, Kind.COMMAND, command="case", text=str(t.case))
    assert any("Victorine" in text and "car scolaire" in text for text in driver.shown)
    await driver.send(Attacker("staff in the group", STAFF_A, private=False), Kind.BUTTON, data=f"case|take|{t.case}")
    after = await snapshot(core, t)
    assert after["case"].taken_by is not None
    assert [action for _at, _who, action, _d in after["case log"]][-2:] == ["read", "take"]
