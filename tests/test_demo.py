"""`relier demo`: a parent, a young person and staff, in the terminal, with no dead end."""

from __future__ import annotations

import io
import pathlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from babel.messages.pofile import read_po

from bot import demo_data
from bot.bootstrap import build_core
from bot.console import run_demo
from storage.clock import FakeClock

LOCALES = pathlib.Path(__file__).resolve().parent.parent / "locales"
TAG = re.compile(r"<[^>]+>")

WALK = [
    "1", "1", "1",  # continue, agree, parent
    "Léo", "12", "2", "1",  # child: name, age (typed: the label wins over the number), middle school, another
    "Emma", "8", "1", "2",  # second child, primary, that's all
    "2", "2", "1", "3",  # group sessions, the mediation slot (full), join its waiting list, menu
    "3", "2", "1", "4",  # talk to someone, emergency numbers, back, menu
    "4", "2",  # settings, my children
    "2", "3", "1",  # back to settings, invite my child, Léo
    "/as youth", "1", "1", "3", "1",  # the young person joins and opens « talk to someone »: a psychologist,
    "2", "1", "1", "1",  # it can wait, no message, send, then the emergency numbers
    "/as staff", "1", "3",  # open cases (the young person's request is listed, then « open a case »), back
    "2", "3", "1",  # group sessions, the mediation slot, its roster
    "/as parent", "/help", "/language", "2", "/quit",
]


def lines_of(text: str) -> set[str]:
    return {TAG.sub("", line).strip() for line in text.split("\n") if len(TAG.sub("", line).strip()) >= 14}


def foreign_lines(reader_locale: str) -> set[str]:
    """Lines that exist only in the other language's version of a message."""
    with open(LOCALES / "fr" / "LC_MESSAGES" / "relier.po", "rb") as handle:
        catalog = read_po(handle, locale="fr")
    foreign = set()
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        french = message.string if isinstance(message.string, str) else message.string[0]
        mine, theirs = (french, english) if reader_locale == "fr" else (english, french)
        foreign |= {line for line in lines_of(theirs) if "{" not in line} - lines_of(mine)
    return foreign


# A Thursday evening: the walk presses sessions by position, and must not depend on the day it runs.
THURSDAY = datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)


async def play(lang: str, script: list[str], at: datetime = THURSDAY) -> str:
    out = io.StringIO()
    code = await run_demo(lang=lang, stdin=io.StringIO("\n".join(script) + "\n"), stdout=out, clock=FakeClock(at))
    assert code == 0
    return out.getvalue()


async def test_french_demo_as_parent_youth_and_staff():
    screen = await play("fr", WALK)
    assert "/as youth" in screen  # the first screen says how to switch
    assert "C'est noté : Léo, 12 ans, Collège." in screen
    assert "Groupe de parole des parents" in screen
    assert "Vous êtes numéro 1 sur la liste d'attente" in screen
    assert "Camille" in screen and "Karim" in screen  # the staff's roster of the full session
    assert "roster-" in screen  # and its CSV file
    assert "https://t.me/relier_demo_bot?start=" in screen
    assert "Pas tes parents." in screen  # the young person is told who reads
    assert "Fil Santé Jeunes" in screen
    assert "Menu de l'équipe" in screen
    assert "3114" in screen
    assert "Done: I will write to you in English from now on." in screen  # the last step switched
    before_switch = screen.split("Done: I will write")[0]
    leaks = [line for line in foreign_lines("fr") if line in before_switch]
    assert leaks == []
    assert "Traceback" not in screen and "went wrong" not in screen


async def test_english_demo_has_no_french():
    screen = await play("en", WALK[:-3] + ["/quit"])
    assert "Saved: Léo, 12 years old, Middle school (collège)." in screen
    assert "Parents' support group" in screen
    assert "You are number 1 on the waiting list" in screen
    assert "Camille" in screen and "Karim" in screen
    assert "Staff menu" in screen
    leaks = [line for line in foreign_lines("en") if line in screen]
    assert leaks == []


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_demo_survives_nonsense(lang):
    screen = await play(lang, ["", "99", "/as nobody", "/unknown", "1", "1", "/stop", "1", "/start", "/quit"])
    assert "Traceback" not in screen
    assert screen.count("Relier") > 3


@pytest.mark.parametrize("days", range(7))
async def test_the_demo_sessions_come_in_the_same_order_every_day_of_the_week(tmp_path, days):
    """The walk above presses « the mediation slot » as the second session: true whatever the day."""
    clock = FakeClock(THURSDAY + timedelta(days=days, hours=3, minutes=59))  # up to 23:59 local
    core = await build_core(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}", clock=clock)
    try:
        await demo_data.seed(core.store, "en")
        async with core.store.unit_of_work() as uow:
            centre = (await uow.centres.all())[0]
            titles = [s.title for s in await uow.sessions.upcoming(centre.id, "parents", limit=3)]
    finally:
        await core.close()
    assert titles == ["Parents' support group", "Parent and child mediation", "Participative talk: cyberbullying"]


async def test_the_french_walk_holds_on_a_sunday_night_too():
    screen = await play("fr", WALK, at=datetime(2026, 12, 6, 22, 45, tzinfo=timezone.utc))
    assert "Vous êtes numéro 1 sur la liste d'attente" in screen
    assert "Traceback" not in screen


async def test_the_demo_psychologist_sees_a_later_alarming_message_posted(caplog):
    """A request, then an alarming message: the card, then the message posted on its own, as in a topic."""
    screen = await play("fr", ["1", "1", "1", "Léo", "12", "2", "2", "il va très mal, il ne mange plus", "1",
                               "je veux mourir", "/quit"])
    assert screen.count("💬 « je veux mourir »") == 2  # on the card's timeline, and posted on its own after it
    assert not [r for r in caplog.records if "unknown payload type" in r.getMessage()]
