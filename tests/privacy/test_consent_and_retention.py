"""Consent is recorded with its time and the notice's version, asked again before the next check-in when the
notice changes; under-15s join only with a parent's consent; each centre's retention runs daily."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.admin import Admin, AdminError
from dialogs import texts
from dialogs.reminders.retention import apply_retention, months_before
from storage.models import Checkin, Escalation, Invite, OutboxMessage, Person
from tests.conftest import join_as_youth, onboard_parent
from tests.privacy.conftest import CHILD, PARENT, check_in_with_message, talk


async def column(core, query):
    async with core.store.engine.connect() as conn:
        return (await conn.execute(query)).all()


async def test_consent_is_recorded_with_its_time_and_the_notice_version(core, centre, chat_for, clock):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    youth = chat_for(PARENT + 1, "en")
    await join_as_youth(core, youth)
    rows = await column(core, select(Person.role, Person.consented_at, Person.consent_version).order_by(Person.id))
    assert rows == [("parent", clock.now(), texts.NOTICE_VERSION), ("youth", clock.now(), texts.NOTICE_VERSION)]


async def test_a_new_notice_is_shown_and_agreed_to_before_the_next_check_in(core, centre, chat_for, clock,
                                                                           monkeypatch):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    monkeypatch.setattr(texts, "NOTICE_VERSION", "99")
    clock.advance(days=3)
    await parent.command("menu")
    await parent.press("Check-in")
    await parent.press(f"Check-in for {CHILD}")
    assert "the privacy notice has changed" in parent.screen and "<b>How long</b>" in parent.screen
    await parent.press("Not now")
    assert "The check-in waits until you agree" in parent.screen
    assert await column(core, select(Checkin.id)) == []
    await parent.press("Check-in")
    await parent.press(f"Check-in for {CHILD}")
    await parent.press("I agree")
    assert (await column(core, select(Person.consented_at, Person.consent_version))) == [(clock.now(), "99")]
    await parent.press(f"Check-in for {CHILD}")
    assert f"How did {CHILD} seem this week?" in parent.screen  # agreed once: straight to the questions

    youth = chat_for(PARENT + 1, "en")
    await join_as_youth(core, youth)  # joins under version 99: nothing more to agree to
    monkeypatch.setattr(texts, "NOTICE_VERSION", "100")
    await youth.command("menu")
    await youth.press("Check-in")
    await youth.press("Let's go")
    assert "what the bot keeps about you has been explained again" in youth.screen and "Not your parents" in youth.screen
    await youth.press("Yes, let's go")
    await youth.press("Let's go")
    assert "How was your week?" in youth.screen


async def test_under_15s_join_only_with_a_parents_consent(core, centre, chat_for):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    child_id = (await column(core, select(Invite.id)))  # none yet
    assert child_id == []
    async with Admin(str(core.store.engine.url), clock=core.store.clock) as admin:
        with pytest.raises(AdminError, match="under 15.*--parental-consent"):
            await admin.invite_youth(None, None, 1)  # the child is 13
        with pytest.raises(AdminError, match="age is not known"):
            await admin.invite_youth(None, None, None)
        consented = await admin.invite_youth(None, None, 1, parental_consent=True)
        older = await admin.invite_youth(None, None, None, age=16)
    assert consented["parental_consent"] is True and older["age"] == 16
    invites = await column(core, select(Invite.parental_consent_by, Invite.parental_consent_at, Invite.youth_age))
    assert [(by, at is not None, age) for by, at, age in invites] == [("staff", True, 13), (None, False, 16)]

    await parent.command("menu")
    await parent.press("Settings")
    await parent.press("Invite my child")
    assert "you agree as their parent" in parent.screen
    await parent.press(CHILD)
    last = (await column(core, select(Invite.parental_consent_by).order_by(Invite.id.desc())))[0]
    assert last == ("parent",)

    async with core.store.unit_of_work() as uow:  # an invite nobody consented to, for someone of unknown age
        code, _ = await uow.invites.create(centre.id)
        await uow.commit()
    stranger = chat_for(PARENT + 5, "en")
    await stranger.command("start", code)
    await stranger.press("OK, next")
    await stranger.press("Yes, let's go")
    assert "under 15, a parent has to agree first" in stranger.screen
    assert len(await column(core, select(Person.id).where(Person.role == "youth"))) == 0


async def test_retention_blanks_old_free_text_then_deletes_old_check_ins_and_closed_cases(core, centre, chat_for,
                                                                                           clock):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    await check_in_with_message(parent, "Un mot libre du soir")
    await talk(parent, "Pouvez-vous me rappeler ?")
    async with core.store.unit_of_work() as uow:
        staff = await uow.people.add_staff(4242, centre.id, "Inès Martin", "psychologist")
        case = await uow.cases.open_for((await uow.people.by_telegram_id(PARENT)).id)
        await uow.cases.close(case.id, staff, "resolved")
        await uow.commit()
    for _month in range(7):  # the parent keeps writing: only the data ages
        clock.advance(days=31)
        await parent.command("menu")
    run = await apply_retention(core.store, "en")
    assert (run.centres, run.texts, run.checkins, run.cases) == (1, 1, 0, 0)
    assert await column(core, select(Checkin.message)) == [(None,)]
    assert (await apply_retention(core.store, "en")).centres == 0  # claimed: once a day
    for _month in range(18):
        clock.advance(days=31)
        await parent.command("menu")
    run = await apply_retention(core.store, "en")
    assert (run.checkins, run.cases, run.removed) == (1, 1, 0)
    assert await column(core, select(Checkin.id)) == [] and await column(core, select(Escalation.id)) == []


async def test_a_silent_family_is_told_a_month_before_and_then_removed(core, centre, chat_for, clock):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    other = chat_for(PARENT + 1, "en")
    await onboard_parent(other, children=(("Basile", "9", "primary"),))
    start = clock.now()
    clock.set(months_before(start, -24) - timedelta(days=29))  # 23 months of silence
    run = await apply_retention(core.store, "en")
    assert run.notices == 2 and run.removed == 0
    notices = await column(core, select(OutboxMessage.chat_id, OutboxMessage.payload))
    assert {chat for chat, _payload in notices} == {PARENT, PARENT + 1}
    assert all("will be deleted on" in json.loads(payload)["text"] for _chat, payload in notices)
    clock.advance(days=10)
    await other.command("menu")  # the other parent comes back: their data stays
    clock.advance(days=21)
    run = await apply_retention(core.store, "en")
    assert (run.notices, run.removed) == (0, 1)
    people = await column(core, select(Person.telegram_user_id))
    assert people == [(PARENT + 1,)]
