"""Nothing a family or the staff typed, no name, no Telegram id and not the bot's token reaches a log,
even at DEBUG, on either framework (python-telegram-bot logs every call's parameters at DEBUG and
httpx every URL, token included, at INFO: bot.logsetup keeps them above that).

The real bot over HTTP, its logging set up as `relier run` does with RELIER_LOG_LEVEL=DEBUG (the
root logger at DEBUG, aiogram's and aiohttp's loggers included), runs the scenarios of the other
end-to-end tests: a parent onboards with a child's name, checks in with a message, writes an urgent
message; a psychologist takes the case and they write to each other; a young person joins and asks
for help; the parent books a seat. Every log record (its message and its arguments) is then searched
for every name, username, text, answer and raw Telegram id of the scenario.
"""

from __future__ import annotations

import logging
import re

import pytest

from bot.delivery import Limits
from bot.logsetup import configure_loggers
from bot.runtime import DeliveryOptions
from tests.e2e.test_booking_over_http import publish_two_seat_session
from tests.e2e.test_onboarding_over_http import onboard, tap
from tests.support.cases import case_topic, current, staff_chat, topic_messages, until, young_person

FR = ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"]
PARENT, PARENT_LAST, PARENT_USERNAME = "Zéphyrine", "Quimperlé", "zephy_q"
CHILD = "Anatole"
YOUTH, YOUTH_USERNAME = "Oriane", "oriane_x"
CHECKIN_TEXT = "Anatole ne dort plus depuis la rentrée, il a mal au ventre"
URGENT = "Anatole a dit ce soir qu'il voulait mourir"
FAMILY_SAYS = "Merci beaucoup, il est dans sa chambre"
STAFF_SAYS = "Bonjour Madame, je vous appelle demain matin"
YOUTH_SAYS = "I want to disappear forever, nobody would miss me"
SECRETS = [PARENT, PARENT_LAST, PARENT_USERNAME, CHILD, YOUTH, YOUTH_USERNAME, CHECKIN_TEXT, URGENT,
           FAMILY_SAYS, STAFF_SAYS, YOUTH_SAYS, "Inès", "Martin", "Durand"]


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    return DeliveryOptions(limits=fast, scheduler=False)


@pytest.fixture
def debug_logs(caplog):
    """Logging as `relier run` sets it at DEBUG; the loggers' levels are put back after the test."""
    touched = {name: logging.getLogger(name).level for name in configure_loggers(logging.DEBUG)}
    caplog.set_level(logging.DEBUG)
    yield caplog
    for name, level in touched.items():
        logging.getLogger(name).setLevel(level)


def leaks(records, secrets: list[str], ids: list[int]) -> list[str]:
    """Each log record that carries one of the secrets or ids, with what it carries."""
    # An id standing alone, not inside a word: the log pseudonyms are hex ("u364f7203e5"), and a short staff id of the
    # tests (7203) once appeared inside one by chance, a false leak.
    numbers = re.compile(r"(?<![0-9A-Za-z])(" + "|".join(str(i) for i in ids) + r")(?![0-9A-Za-z])")
    found = []
    for record in records:
        parts = [str(record.msg), repr(record.args)]
        try:
            parts.append(record.getMessage())
        except Exception:  # a broken format string is a bug too, but not this test's
            pass
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(str(record.exc_info[1]))
        blob = "\n".join(parts)
        hits = [s for s in secrets if s.lower() in blob.lower()] + numbers.findall(blob)
        if hits:
            found.append(f"{record.name} {record.levelname}: {hits} in {record.getMessage()[:160]!r}")
    return found


async def test_a_day_of_the_bot_at_debug_logs_no_name_text_or_telegram_id(running_bot, telegram, debug_logs):
    team = await staff_chat(running_bot, telegram)
    parent = telegram.user(first_name=PARENT, last_name=PARENT_LAST, username=PARENT_USERNAME, language_code="fr")

    # Onboarding with a child's name, then a check-in that ends with a message.
    menu = await onboard(telegram, parent, FR, child=(CHILD, "12"))
    hub = await tap(telegram, parent, menu, "📝 Point de la semaine")
    msg = await tap(telegram, parent, hub, f"▶️ Point pour {CHILD}")
    for label in ("😟", "Tous les jours", "Non", "Bien", "🙂"):
        msg = await tap(telegram, parent, msg, label)
    await telegram.send_text(parent, CHECKIN_TEXT)
    await telegram.next_reply(parent)
    await telegram.settle()

    # An urgent message: the numbers at once, a case in the staff chat, taken, messages both ways.
    await telegram.send_text(parent, "/menu")
    await telegram.next_reply(parent)
    await telegram.send_text(parent, URGENT)
    answer = await telegram.next_reply(parent)
    assert "3114" in answer.text
    thread, card = await case_topic(telegram, team.group)
    await telegram.press(team.ines, card, data=f"case|take|{1}")
    await telegram.next_reply(parent, predicate=lambda m: "vous écrira" in m.text or "écrire" in m.text)
    await telegram.send_text(parent, FAMILY_SAYS)
    await until(lambda: [m for m in topic_messages(telegram, team.group, thread) if FAMILY_SAYS in m.text],
                what="the family's message in the topic")
    await telegram.send_text(team.ines, STAFF_SAYS, chat=team.group, message_thread_id=thread)
    await telegram.next_reply(parent, predicate=lambda m: STAFF_SAYS in m.text)
    await telegram.press(team.intruder, current(telegram, card), data="case|close|1")  # refused: not staff

    # A young person joins and asks for help.
    youth = await young_person(running_bot, telegram, name=YOUTH)
    youth.username = YOUTH_USERNAME
    await telegram.send_text(youth, YOUTH_SAYS)
    assert "3114" in (await telegram.next_reply(youth)).text

    # A session published by the psychologist, and the parent books a seat.
    await publish_two_seat_session(telegram, team.ines)
    await telegram.send_text(parent, "/menu")
    menu = await telegram.next_reply(parent)
    listing = await tap(telegram, parent, menu, "📅 Groupes et ateliers")
    button = next(text for row in listing.buttons for text, _data in row if "Evening for parents" in text)
    detail = await tap(telegram, parent, listing, button)
    await telegram.press(parent, detail, text="✅ Réserver une place")
    await telegram.wait_for_message(parent, predicate=lambda m: m.kind == "document", timeout=10)
    await telegram.settle()

    records = debug_logs.get_records("call")
    assert any(r.levelno == logging.DEBUG for r in records)  # DEBUG was really on
    ids = [parent.id, youth.id, team.ines.id, team.paul.id, team.intruder.id]
    found = leaks(records, SECRETS + [telegram.token.split(":")[1]], ids)  # the token's secret part too
    assert found == [], "\n".join(found)
