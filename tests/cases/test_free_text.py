"""Nothing a family types is thrown away: kept on the case, passed on, or offered in one tap."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Escalation, Person
from tests.cases.conftest import INES, PARENT, add_staff, family_with_case, pending
from tests.conftest import join_as_youth, onboard_parent


async def open_case(core, telegram_id: int):
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
        return await uow.cases.open_for(person.id)


async def later_messages(core, case_id: int) -> list[tuple[str, str]]:
    async with core.store.unit_of_work() as uow:
        return [(m.kind, m.text) for m in await uow.cases.messages(case_id)]


async def test_two_alarming_messages_in_a_row_are_both_on_the_case(core, centre, chat_for):
    chat = chat_for(PARENT, "fr")
    await onboard_parent(chat)
    await chat.text("mon fils a envie de mourir")
    case = await open_case(core, PARENT)
    assert case.level == "urgent" and case.snapshot["message"] == "mon fils a envie de mourir"
    await chat.text("il a pris toutes les boîtes de médicaments, il veut se tuer ce soir")
    assert "3114" in chat.last.replies[0].text
    assert "transmis votre message" in chat.last.replies[0].text
    again = await open_case(core, PARENT)
    assert again.id == case.id and again.snapshot["message"] == "mon fils a envie de mourir"  # not replaced
    assert await later_messages(core, case.id) == [
        ("text", "il a pris toutes les boîtes de médicaments, il veut se tuer ce soir")]


async def test_before_joining_an_alarming_message_is_answered_honestly_and_nothing_is_kept(core, centre, chat_for):
    chat = chat_for(PARENT, "fr")
    await chat.command("start")
    await chat.text("mon fils a envie de mourir, aidez moi")
    first = chat.last.replies[0].text
    for number in ("3114", "119", "112"):
        assert f"<b>{number}</b>" in first
    assert "n'a <b>pas</b> été transmis" in first and "transmis votre message" not in first
    assert "bienvenue sur <b>Relier</b>" in chat.screen  # the welcome is shown again below
    async with core.store.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(Escalation)) == 0
        assert await conn.scalar(select(func.count()).select_from(Person)) == 0


async def test_before_joining_ordinary_text_is_not_dropped_silently(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await chat.command("start")
    await chat.text("hello, is anyone there?")
    assert "nothing was sent" in chat.screen and "Relier" in chat.screen


async def test_text_during_a_check_in_can_be_added_to_it(core, centre, chat_for):
    chat = chat_for(PARENT, "fr")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.press("Point de la semaine")
    await chat.press("Point pour Léo")
    await chat.press("😟")
    await chat.text("il va très mal, il ne mange plus")
    assert "« il va très mal, il ne mange plus »" in chat.screen
    assert chat.labels() == ["📨 L'envoyer à l'équipe du centre", "📝 L'ajouter au check-in", "✖️ Ne pas l'envoyer"]
    await chat.press("L'ajouter au check-in")
    assert "Ajouté" in chat.screen and "école" in chat.screen  # back on the question it was on
    for label in ("Tous les jours", "Non", "Bien", "🙂", "Passer"):
        await chat.press(label)
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(PARENT)
        (record,) = await uow.checkins.history(person.id, person.child_id or
                                               (await uow.families.children(person.family_id))[0].id)
    assert record.message == "il va très mal, il ne mange plus"


async def test_text_at_the_menu_can_be_sent_to_the_team_in_one_tap(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text("I would like to talk to someone about Leo, he refuses to go to school")
    assert "I haven't passed on what you wrote yet" in chat.screen
    assert chat.labels() == ["📨 Send it to the centre's team", "✖️ Don't send it"]
    await chat.press("Send it to the centre's team")
    assert "Your request is recorded" in chat.screen
    case = await open_case(core, PARENT)
    assert case.snapshot["message"] == "I would like to talk to someone about Leo, he refuses to go to school"


async def test_text_not_sent_is_not_kept(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text("never mind")
    await chat.press("Don't send it")
    assert "not sent, and not kept" in chat.screen and "Main menu" in chat.screen
    assert await open_case(core, PARENT) is None
    async with core.store.unit_of_work() as uow:
        _person, conversation = await uow.conversations.load_with_person(PARENT)
    assert "said" not in conversation.data


async def test_text_at_the_menu_joins_a_request_that_waits(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    case_id = await family_with_case(core, chat)
    await add_staff(core, centre.id, INES, "Inès Martin")  # no staff chat: the psychologist on duty is told
    await chat.command("menu")
    await chat.text("He cried all evening")
    assert "Added to your request" in chat.screen and "Main menu" in chat.screen
    assert await later_messages(core, case_id) == [("text", "He cried all evening")]
    posted = [row for row in await pending(core) if row.payload.get("type") == "case_message"]
    assert len(posted) == 1 and posted[0].urgent


async def test_a_young_person_with_a_taken_case_reaches_the_psychologist_from_the_menu(core, centre, chat_for, group):
    youth = chat_for(PARENT, "fr")
    await join_as_youth(core, youth)
    await youth.press("Parler à quelqu'un")
    await youth.press("Parler à un psychologue")
    await youth.press("Non, ça peut attendre")
    await youth.press("Passer")
    await youth.press("Envoyer ma demande")
    case = await open_case(core, PARENT)
    await add_staff(core, centre.id, INES, "Inès Martin")
    async with core.store.unit_of_work() as uow:
        await uow.cases.set_card(case.id, -100123, 500, 77)
        await uow.commit()
    await group.press(INES, f"case|take|{case.id}")
    await pending(core)
    await youth.command("menu")
    await youth.text("j'ai peur")
    assert "Envoyé à <b>Inès" in youth.screen or "Envoyé à Inès" in youth.screen
    (relayed,) = [row for row in await pending(core) if row.payload.get("type") == "relay_in"]
    assert relayed.chat_id == -100123 and relayed.thread_id == 77 and "j'ai peur" in relayed.payload["text"]


async def test_an_alarming_edit_is_answered_and_reaches_the_team(core, centre, chat_for):
    chat = chat_for(PARENT, "fr")
    await onboard_parent(chat)
    await chat.edited("mon fils a envie de mourir")
    first, *rest = chat.last.replies
    assert "<b>3114</b>" in first.text and "transmis votre message" in first.text
    assert rest and "nouveau message" in rest[-1].text  # and how edits are read
    case = await open_case(core, PARENT)
    assert (case.level, case.snapshot["message"]) == ("urgent", "mon fils a envie de mourir")


async def test_an_alarming_caption_is_answered_and_reaches_the_team(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.media("photo", caption="he wrote this, he says he wants to die")
    assert "<b>3114</b>" in chat.last.replies[0].text
    case = await open_case(core, PARENT)
    assert case.level == "urgent" and case.snapshot["message"] == "he wrote this, he says he wants to die"


async def test_an_ordinary_edit_only_says_how_edits_are_read(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.edited("see you on Tuesday")
    (reply,) = chat.last.replies
    assert "new message" in reply.text and await open_case(core, PARENT) is None
