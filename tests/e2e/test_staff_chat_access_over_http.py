"""Who reads the cards, over real HTTP: an administrator links the staff chat after a confirmation, and
the centre is told (in the group and privately to its administrators) about members who are not staff:
on linking, and when someone joins later."""

from __future__ import annotations

import pytest

from bot.delivery import Limits
from bot.runtime import DeliveryOptions
from tests.support.cases import current, until

ADMIN, PSY, MAX, LOU, NEW_PSY = 7301, 7302, 7303, 7304, 7305


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    return DeliveryOptions(limits=fast, scheduler=False)


async def team_group(running_bot, telegram):
    """A group with the centre's administrator (a Telegram admin), a psychologist, Max (a member who is
    not staff) and another bot as administrator; not linked yet."""
    group = telegram.group(title="Équipe", forum=True)
    people = {}
    for user_id, name, status in ((ADMIN, "Paul", "creator"), (PSY, "Inès", "member"), (MAX, "Max", "member")):
        people[name] = telegram.user(user_id, first_name=name, language_code="en")
        telegram.add_member(group, people[name], status)
    people["Nina"] = telegram.user(NEW_PSY, first_name="Nina", language_code="en")  # not in the group yet
    helper = telegram.world.add_user(None, first_name="HelperBot", is_bot=True)
    telegram.add_member(group, helper, "administrator")
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        for user_id, name, role in ((ADMIN, "Paul Durand", "admin"), (PSY, "Inès Martin", "psychologist"),
                                    (NEW_PSY, "Nina Roux", "psychologist")):
            staff = await uow.people.add_staff(user_id, centre.id, name, role)
            await uow.people.set_locale(staff.id, "en")
        await uow.commit()
    return group, people


def notices(telegram, chat) -> list:
    return [m for m in telegram.chat_messages(chat) if "⚠️" in m.text]


async def test_linking_asks_first_then_names_who_is_not_staff_and_a_newcomer_is_told_once(running_bot, telegram):
    group, people = await team_group(running_bot, telegram)
    await telegram.send_text(people["Max"], "/link", chat=group)
    refused = await telegram.wait_for_message(group)
    assert "Seul un administrateur du centre" in refused.text and not refused.buttons

    await telegram.send_text(people["Paul"], "/link", chat=group)
    ask = await telegram.wait_for_message(group, predicate=lambda m: "Faire de ce groupe" in m.text)
    assert "lira chaque fiche de situation" in ask.text  # the group reads the centre's language
    await telegram.press(people["Max"], ask, text="✅ Oui, relier ce groupe")  # not theirs to press
    await telegram.settle()
    async with running_bot.core.store.unit_of_work() as uow:
        assert (await uow.centres.all())[0].staff_chat_id is None

    await telegram.press(people["Paul"], ask, text="✅ Oui, relier ce groupe")
    (warning,) = await until(lambda: notices(telegram, group), what="the notice in the group")
    assert "HelperBot (un bot)" in warning.text
    assert "1 membre que le bot ne peut pas nommer" in warning.text  # Max: Telegram only lists administrators
    assert "Inès" not in warning.text and "Paul" not in warning.text  # staff are staff
    (private,) = await until(lambda: notices(telegram, people["Paul"]), what="the administrator told")
    assert "The staff chat of <b>Centre Relier Test</b>" in private.html
    assert notices(telegram, people["Inès"]) == []  # only the administrators are told privately
    assert "est désormais le groupe de l'équipe" in current(telegram, ask).text  # the question, answered in place
    calls = {c.method for c in telegram.calls}
    assert {"getChatAdministrators", "getChatMemberCount", "getChatMember"} <= calls

    lou = telegram.user(LOU, first_name="Lou", language_code="fr")
    telegram.join(group, lou, added_by=people["Max"])
    await until(lambda: len(notices(telegram, group)) == 2, what="the newcomer told")
    await telegram.settle()
    newest = notices(telegram, group)[-1]
    assert "Lou (pas inscrit·e dans l'équipe)" in newest.text and "HelperBot" not in newest.text
    assert len(notices(telegram, group)) == 2  # the update and the « joined » message: told once
    assert len(notices(telegram, people["Paul"])) == 2

    telegram.join(group, people["Nina"])  # registered staff: nothing to say
    await telegram.settle()
    assert len(notices(telegram, group)) == 2
