"""A staff member writes to the family from a private chat, within Telegram's limits, and notes stay private."""

from __future__ import annotations

from dialogs.events import Kind
from tests.cases.conftest import (
    GROUP, INES, PARENT, PAUL, TOPIC, add_staff, ask_for_talk, case, datas, family_with_case, name, pending, trail,
)
from tests.conftest import onboard_parent
from tests.fakebot.telegram_html import parse_html


async def private_case(core, chat_for, user_id: int = PARENT, first_name: str = "Marie", urgent: bool = False):
    """A parent who asked to talk, in a centre without a staff chat: the card goes privately."""
    family = chat_for(user_id, "en")
    await onboard_parent(family)
    await name(core, user_id, first_name)
    await ask_for_talk(family, urgent)
    async with core.store.unit_of_work() as uow:
        found = await uow.cases.open_for((await uow.people.by_telegram_id(user_id)).id)
    await pending(core)
    return family, found.id


async def reply(chat, text: str, to: int = 1):
    """A reply, in the Telegram app, to one of the bot's messages."""
    return await chat._send(Kind.TEXT, text=text, reply_to=to)


def to_family(rows, chat_id: int = PARENT) -> list[str]:
    return [r.payload["text"] for r in rows if r.chat_id == chat_id and r.payload.get("type") == "reply"]


async def test_the_one_who_took_the_case_writes_to_the_family_from_the_private_card(core, centre, chat_for):
    family, case_id = await private_case(core, chat_for)
    await add_staff(core, centre.id, INES, "Inès Martin")
    staff = chat_for(INES, "en")
    await staff.command("case", str(case_id))
    assert "✍️ Write to the family" not in staff.labels()  # not taken yet
    await staff.press("Take this case")
    assert staff.labels()[0] == "✍️ Write to the family"  # the card, edited: taken, and how to write
    await pending(core)

    await staff.press("Write to the family")
    assert "Writing to Marie (parent)" in staff.screen and "« Inès, psychologist »" in staff.screen
    await staff.text("Hello Marie, I read your message. When can I call you?")
    assert "✅ Sent to Marie (parent)." in staff.screen
    (sent,) = to_family(await pending(core))
    assert sent == "Hello Marie, I read your message. When can I call you?\n\n— <i>Inès, psychologist</i>"
    assert (await case(core, case_id)).first_reply_at is not None
    assert ("relay_out", "text") in [(a, d) for _who, a, d in await trail(core, case_id)]

    await staff.text("note : called her, meeting on Monday")  # a note, with the French space: not sent
    assert "Private note kept on case" in staff.screen and to_family(await pending(core)) == []
    await staff.text("// remember the school's name")
    assert "nothing was sent" in staff.screen and await pending(core) == []
    await family.text("Thank you, tomorrow at 10")  # the family's answer comes back to Inès, privately
    (back,) = await pending(core)
    assert back.chat_id == INES and "Thank you, tomorrow at 10" in back.payload["text"]

    await staff.press("Done writing")
    assert "Open cases" in staff.screen


async def test_a_reply_in_the_private_chat_goes_to_the_family_after_one_tap(core, centre, chat_for):
    family, case_id = await private_case(core, chat_for)
    ines = await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await reply(staff, "Hello, I am here")  # no case of her own yet: nothing goes anywhere
    assert "Nothing was sent: to write to a family, take its case first" in staff.screen
    await staff.command("case", str(case_id))
    await staff.press("Take this case")
    await pending(core)

    await reply(staff, "Hello Marie, I am here.")
    assert f"Send this message to Marie (parent), case #{case_id}?" in staff.screen
    assert await pending(core) == []  # not before she says so
    await staff.press("Send")
    assert "✅ Sent to Marie (parent)." in staff.screen and "Writing to Marie (parent)" in staff.screen
    assert to_family(await pending(core)) == ["Hello Marie, I am here.\n\n— <i>Inès, psychologist</i>"]
    await staff.text("And a second message.")  # now writing to her: no more question
    assert to_family(await pending(core)) == ["And a second message.\n\n— <i>Inès, psychologist</i>"]

    # With two cases of her own, she says which; « Don't send » sends nothing.
    _other, second = await private_case(core, chat_for, 902, "Sophie")
    await staff.command("case", str(second))
    await staff.press("Take this case")
    await staff.command("menu")
    await pending(core)
    await reply(staff, "Are you free on Friday?")
    assert "To whom should this message go?" in staff.screen
    assert staff.labels() == [f"#{case_id} · Marie (parent)", f"#{second} · Sophie (parent)", "✖️ Don't send"]
    await staff.press("Don't send")
    assert "Not sent." in staff.screen and await pending(core) == []
    await reply(staff, "Are you free on Friday?")
    await staff.press("Sophie")
    assert to_family(await pending(core), 902) == ["Are you free on Friday?\n\n— <i>Inès, psychologist</i>"]
    assert ines.id == (await case(core, second)).taken_by


async def test_only_the_one_who_took_it_writes_and_never_to_a_closed_case(core, centre, chat_for):
    _family, case_id = await private_case(core, chat_for)
    await add_staff(core, centre.id, INES, "Inès")
    await add_staff(core, centre.id, PAUL, "Paul", "coordinator")
    ines, paul = chat_for(INES, "en"), chat_for(PAUL, "en")
    await ines.command("case", str(case_id))
    await ines.press("Take this case")
    await paul.command("case", str(case_id))
    await paul.press("Write to the family")  # the same card, another staff member: refused, in words
    assert f"Only Inès, psychologist, who took case #{case_id}, writes to the family" in paul.screen
    await ines.press("Write to the family")
    await pending(core)
    async with core.store.unit_of_work() as uow:
        await uow.cases.close(case_id, await uow.people.by_telegram_id(PAUL), "resolved")
        await uow.commit()
    await ines.text("one more thing")
    assert f"Case #{case_id} is closed: nothing was sent." in ines.screen and await pending(core) == []


async def test_a_long_message_is_sent_in_parts_never_cut_inside_an_entity(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)
    paragraph = "Tom & Léa <school> said: " + "word " * 150
    long = "\n\n".join([paragraph] * 9)  # about 7,000 characters, « & » and « < » everywhere
    await group.say(INES, long)
    parts = to_family(await pending(core))
    assert len(parts) == 2
    for part in parts:
        shown = parse_html(part).text  # what Telegram reads: well-formed, and within the limit
        assert len(shown.encode("utf-16-le")) // 2 <= 4096
    assert parts[0].endswith("<i>(1/2)</i>") and parts[1].endswith("<i>(2/2)</i> — <i>Inès, psychologist</i>")
    assert "&amp;" in parts[0] and "&lt;school&gt;" in parts[1]
    rebuilt = " ".join(parse_html(p).text.rsplit("\n\n", 1)[0] for p in parts)
    assert rebuilt.split() == long.split()  # nothing lost, nothing doubled
    assert "in 2 messages" in group.last.replies[0].text  # the topic is told


async def test_a_caption_too_long_once_signed_is_refused_in_the_topic(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)
    await group.media(INES, "photo", text="x" * 1010)
    (refusal,) = group.last.replies
    assert refusal.chat_id == GROUP and refusal.thread_id == TOPIC
    assert "Not sent: this caption is too long once signed (1010 characters" in refusal.text
    assert await pending(core) == []
    await group.media(INES, "photo", text="the letter from school")
    (copied,) = await pending(core)
    assert copied.chat_id == PARENT and copied.payload["caption"].endswith("— <i>Inès, psychologist</i>")


async def test_notes_with_a_french_space_and_capital_stay_after_closing(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await group.say(INES, "Note : appel jeudi, la mère est soulagée")  # « Note », a space before the colon
    await group.say(INES, "note\u00a0: école prévenue")  # the non-breaking space French keyboards put there
    assert "Private note kept" in group.last.replies[0].text
    await pending(core)
    await group.say(INES, "Hello")
    await group.press(INES, f"case|out|{case_id}|resolved")
    await group.press(INES, f"case|ok|{case_id}|resolved")
    async with core.store.unit_of_work() as uow:
        assert await uow.cases.note(case_id) == "appel jeudi, la mère est soulagée\nécole prévenue"
    assert "Private note: appel jeudi" in group.last.replies[0].text
    assert all("appel jeudi" not in str(r.payload) for r in await pending(core))  # never to the family


async def test_staff_help_explains_taking_replying_notes_and_closing(core, centre, chat_for):
    await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await staff.command("help")
    for words in ("Take", "Write to the family", "reply to the card", "note: …", "//", "Close", "48 hours",
                  "/cases"):
        assert words in staff.screen
    french = chat_for(PAUL, "fr")
    await add_staff(core, centre.id, PAUL, "Paul")
    await french.command("help")
    assert "Écrire à la famille" in french.screen and "note : …" in french.screen
    assert datas(staff.last.replies[-1])  # a way back
