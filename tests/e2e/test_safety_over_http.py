"""An alarming message over real HTTP: the emergency numbers come back first, in one message."""

from __future__ import annotations


async def test_an_invited_young_person_in_danger_gets_the_numbers_at_once(running_bot, telegram):
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        code, _ = await uow.invites.create(centre.id, parental_consent_by="staff")
        await uow.commit()
    youth = telegram.user(first_name="Jo", language_code="en")
    await telegram.open_deep_link(youth, f"https://t.me/relier_test_bot?start={code}")
    hello = await telegram.next_reply(youth)
    await telegram.press(youth, hello, text="OK, next")
    secret = await telegram.next_reply(youth)
    await telegram.press(youth, secret, text="Yes, let's go")
    await telegram.next_reply(youth)
    await telegram.send_text(youth, "I want to disappear forever, nobody would miss me")
    answer = await telegram.next_reply(youth)
    for number in ("3114", "119", "3018", "112", "114", "0 800 235 236"):
        assert number in answer.text
    assert "you matter" in answer.text
