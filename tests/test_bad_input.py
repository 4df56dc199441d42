"""Whatever arrives, the person gets a short kind answer or nothing, and nothing saved is lost."""

from __future__ import annotations

import pytest

from dialogs.events import Event, Kind
from tests.conftest import onboard_parent, reach_first_child


@pytest.fixture
async def parent(core, centre, chat_for):
    chat = chat_for(301, "en")
    await onboard_parent(chat)
    return chat


async def children_of(core, telegram_id):
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
        return await uow.families.children(person.family_id)


@pytest.mark.parametrize("media", ["sticker", "photo", "voice", "document"])
async def test_media_gets_a_kind_answer_and_the_current_screen(parent, media):
    await parent.media(media)
    assert "I can only read text and buttons" in parent.screen
    assert "Main menu" in parent.screen


async def test_media_mid_onboarding_keeps_the_question(core, centre, chat_for):
    chat = chat_for(302, "en")
    await reach_first_child(chat)
    await chat.text("Léa")
    await chat.media("sticker")
    assert "How old is Léa?" in chat.screen


async def test_an_edited_message_is_not_taken_as_new(parent, core):
    await parent.edited("something else")
    assert "not edits" in parent.screen
    assert len(await children_of(core, 301)) == 1


async def test_messages_in_groups_are_ignored(core, centre, chat_for, clock):
    event = Event(user_id=303, chat_id=-100123, kind=Kind.TEXT, at=clock.now(), text="hello", private=False)
    response = await core.dialogs.handle(event)
    assert response.replies == []


async def test_a_button_from_an_old_message_shows_where_we_are(core, centre, chat_for):
    chat = chat_for(304, "en")
    await chat.command("start")
    welcome = chat._latest_with_buttons()
    await chat.press("Continue")
    await chat.press("I agree")
    # The first message's button was replaced by an edit; press its original data again.
    old = "0|onb.welcome|next"
    await chat.press_data(old, message=welcome)
    assert chat.last.callback_text == "This button is from an earlier message. Here is where we are."
    assert "Are you the parent" in chat.screen


@pytest.mark.parametrize(
    "data",
    ["", "nonsense", "1|nowhere.step|x", "1|forget.confirm|yes", "x" * 200, "1|onb.role|parent", "-1|menu.main|x"],
)
async def test_forged_or_unknown_buttons_change_nothing(parent, core, data):
    await parent.press_data(data)
    assert parent.last.callback_text  # a short notice on the button, then where we are
    assert "Main menu" in parent.screen
    async with core.store.unit_of_work() as uow:
        assert await uow.people.by_telegram_id(301) is not None
    assert len(await children_of(core, 301)) == 1


async def test_an_action_a_parent_does_not_have_is_ignored(parent):
    version = parent.messages[-1].buttons[0][0].data.split("|")[0]
    await parent.press_data(f"{version}|menu.main|cases")
    assert "Main menu" in parent.screen and "Open cases" not in " ".join(parent.labels())


async def test_menu_buttons_of_an_old_message_still_work(parent):
    menu = parent._latest_with_buttons()
    await parent.press("Talk to someone")
    await parent.press("Menu")
    await parent.press("Settings", message=menu)
    assert "<b>Settings</b>" in parent.screen


async def test_staff_only_buttons_are_refused_to_parents(parent):
    version = parent.messages[-1].buttons[0][0].data.split("|")[0]
    await parent.press_data(f"{version}|cases.list|menu")
    assert parent.last.callback_text == "This button is not available to you."


async def test_very_long_text_at_the_menu_is_answered(parent):
    await parent.text("a" * 10_000)
    assert "I haven't passed on what you wrote yet" in parent.screen  # kept, and the person chooses
    assert len(parent.screen) < 1000 and "a" * 300 in parent.screen  # a short excerpt, not the whole text


async def test_unknown_commands_point_to_help(parent):
    await parent.command("foo")
    assert "/help" in parent.screen


async def test_stop_deletes_the_parent_and_their_children(parent, core):
    await parent.command("stop")
    assert "Delete your data?" in parent.screen
    await parent.press("No, keep going")
    assert "Main menu" in parent.screen
    await parent.command("stop")
    await parent.press("Yes, delete my data")
    assert "/start" in parent.screen
    async with core.store.unit_of_work() as uow:
        assert await uow.people.by_telegram_id(301) is None
    from sqlalchemy import func, select

    from storage.models import Child, Conversation, Family

    async with core.store.engine.connect() as conn:
        for model in (Child, Family, Conversation):
            assert (await conn.execute(select(func.count()).select_from(model))).scalar() == 0


async def test_help_and_privacy_show_on_top_without_losing_the_place(core, centre, chat_for):
    chat = chat_for(305, "en")
    await chat.command("start")
    await chat.press("Continue")
    await chat.command("help")
    assert "3114" in chat.screen and "/stop" in chat.screen
    await chat.command("privacy")
    assert "Who reads it" in chat.screen
    await chat.press("Continue")
    assert "Do you agree" in chat.screen


async def test_language_switch_is_remembered(parent, chat_for):
    await parent.command("language")
    await parent.press("Français")
    assert "français" in parent.screen
    again = chat_for(301, "en")  # Telegram still says English
    await again.command("menu")
    assert "Menu principal" in again.screen


async def test_language_switch_before_registering_is_kept_through_onboarding(core, centre, chat_for):
    chat = chat_for(306, "fr")
    await chat.command("language")
    await chat.press("English")
    assert "English" in chat.screen
    await chat.press("Continue")
    assert "Privacy" in chat.screen
    await chat.press("I agree")
    await chat.press("I am a parent")
    async with core.store.unit_of_work() as uow:
        assert (await uow.people.by_telegram_id(306)).locale == "en"


async def test_talk_to_someone_shows_the_emergency_numbers_and_the_centres_phone(core, chat_for):
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris", phone="04 72 00 00 00")
        await uow.commit()
    chat = chat_for(307, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.press("Talk to someone")
    await chat.press("Emergency numbers")
    for number in ("3114", "119", "3018", "112", "114"):
        assert f"<b>{number}</b>" in chat.screen
    assert "The centre's number: <b>04 72 00 00 00</b>" in chat.screen
