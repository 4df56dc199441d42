"""A parent's first conversation: greeting, privacy, children, menu."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import build_core
from storage.models import Child, Conversation, Person
from tests.conftest import onboard_parent, reach_first_child
from tests.support.chat import Chat


async def count(core, model) -> int:
    async with core.store.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(model))).scalar_one()


async def test_english_parent_meets_the_bot_and_lands_on_the_menu(core, centre, chat_for):
    chat = chat_for(101, "en")
    await chat.command("start")
    assert "welcome to <b>Relier</b>" in chat.screen
    assert "not a person" in chat.screen
    await chat.press("Continue")
    assert "Privacy" in chat.screen and "/stop" in chat.screen
    await chat.press("I agree")
    await chat.press("I am a parent")
    assert "first name" in chat.screen
    await chat.text("Léo")
    assert "How old is Léo?" in chat.screen
    await chat.press("12")
    await chat.press("Middle school")
    assert "Saved: Léo, 12 years old, Middle school (collège)." in chat.screen
    await chat.press("Add another child")
    await chat.text("Emma")
    await chat.text("8")
    await chat.press("Primary school")
    await chat.press("No, that's all")
    assert chat.labels() == ["📝 Check-in", "📅 Group sessions", "💬 Talk to someone", "⚙️ Settings"]
    assert await count(core, Child) == 2


async def test_french_parent_is_greeted_in_french_with_vous(core, centre, chat_for):
    chat = chat_for(102, "fr-FR")
    await chat.command("start")
    assert "Bonjour" in chat.screen
    await onboard_parent(chat_for(102, "fr"))
    await chat.command("menu")
    assert chat.labels() == ["📝 Point de la semaine", "📅 Groupes et ateliers", "💬 Parler à quelqu'un", "⚙️ Réglages"]


async def test_unsupported_language_falls_back_to_french(core, centre, chat_for):
    chat = chat_for(103, "de")
    await chat.command("start")
    assert "Bonjour" in chat.screen


async def test_default_locale_setting_is_used_for_unsupported_languages(db_url, clock, centre, core):
    english = await build_core(db_url, default_locale="en", clock=clock)
    try:
        chat = Chat(english.dialogs, clock, 104, "de")
        await chat.command("start")
        assert "Hello" in chat.screen
    finally:
        await english.close()


async def test_nothing_but_the_telegram_id_is_stored_before_consent(core, centre, chat_for):
    chat = chat_for(105, "en")
    await chat.command("start")
    await chat.press("Continue")
    assert await count(core, Person) == 0
    async with core.store.engine.connect() as conn:
        row = (await conn.execute(select(Conversation))).one()
    assert row.telegram_user_id == 105
    assert row.data == "{}"  # no name, no language, no answer


async def test_declining_leaves_nothing_and_says_how_to_come_back(core, centre, chat_for):
    chat = chat_for(106, "en")
    await chat.command("start")
    await chat.press("Continue")
    await chat.press("No, thank you")
    assert "Nothing has been kept" in chat.screen and "/start" in chat.screen
    assert await count(core, Person) == 0
    assert await count(core, Conversation) == 0
    await chat.command("start")
    assert "welcome to <b>Relier</b>" in chat.screen


async def test_a_restart_mid_onboarding_continues_where_the_parent_stopped(db_url, clock, centre, core):
    chat = Chat(core.dialogs, clock, 107, "en")
    await reach_first_child(chat)
    await chat.text("Noé")
    await core.close()  # the process stops here

    restarted = await build_core(db_url, clock=clock)
    try:
        again = Chat(restarted.dialogs, clock, 107, "en")
        await again.text("11")  # the age, typed into the new process
        assert "Where does Noé go to school?" in again.screen
        await again.press("High school")
        assert "Saved: Noé, 11 years old" in again.screen
    finally:
        await restarted.close()


async def test_back_goes_to_the_previous_question(core, centre, chat_for):
    chat = chat_for(108, "en")
    await reach_first_child(chat)
    await chat.text("Lina")
    await chat.press("Back")
    assert "first name" in chat.screen
    await chat.text("Lina")
    await chat.press("9")
    await chat.press("Back")
    assert "How old is Lina?" in chat.screen


async def test_typed_age_and_bad_names_get_kind_answers(core, centre, chat_for):
    chat = chat_for(109, "en")
    await reach_first_child(chat)
    await chat.text("x" * 10_000)
    assert "a bit long" in chat.screen
    await chat.text("https://example.org")
    assert "just a first name" in chat.screen
    await chat.text("Maé")
    await chat.text("twelve")
    assert "as a number" in chat.screen
    await chat.text("99")
    assert "as a number" in chat.screen
    await chat.text("14")
    assert "Where does Maé go to school?" in chat.screen


async def test_a_young_person_without_invite_is_told_how_to_join(core, centre, chat_for):
    chat = chat_for(110, "en")
    await chat.command("start")
    await chat.press("Continue")
    await chat.press("I agree")
    await chat.press("I am a young person")
    assert "personal link" in chat.screen and "3114" in chat.screen
    assert await count(core, Person) == 0


async def test_with_several_centres_the_parent_chooses_theirs(core, centre, chat_for):
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Nord", "Europe/Paris")
        await uow.commit()
    chat = chat_for(111, "en")
    await reach_first_child(chat)
    assert chat.labels() == ["Centre Relier Test", "Centre Relier Nord"]
    await chat.press("Centre Relier Nord")
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(111)
    assert person.centre_id != centre.id


async def test_without_any_centre_the_bot_says_it_is_not_ready(core, chat_for):
    chat = chat_for(112, "en")
    await chat.command("start")
    assert "not ready yet" in chat.screen


async def test_staff_see_the_staff_menu(core, centre, chat_for):
    async with core.store.unit_of_work() as uow:
        await uow.people.add_staff(900, centre.id, "Claire", "psychologist")
        await uow.commit()
    chat = chat_for(900, "en")
    await chat.command("start")
    assert "Staff menu" in chat.screen
    assert chat.labels() == ["📂 Open cases", "📅 Group sessions", "⚙️ Settings"]


async def test_two_instances_on_one_database_share_the_conversation(db_url, clock, centre, core):
    other = await build_core(db_url, clock=clock)
    try:
        first = Chat(core.dialogs, clock, 113, "en")
        second = Chat(other.dialogs, clock, 113, "en")
        await first.command("start")
        second.messages = first.messages
        await second.press("Continue")
        first.messages = second.messages
        await first.press("I agree")
        second.messages = first.messages
        await second.press("I am a parent")
        assert "first name" in second.screen
        await first.text("Inès")
        assert "How old is Inès?" in first.screen
    finally:
        await other.close()
