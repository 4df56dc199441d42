"""`relier sessions add|list|roster`: weekly series in local time, the list to come, the roster as a table or CSV.

The CLI reads the real clock, so the dates here are years ahead (Europe/Paris changes its
clocks on 28 October 2035 and 30 March 2036).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os

import pytest

from bot.cli import main
from storage.database import make_engine
from storage.clock import SystemClock
from storage.store import Store


from tests.test_cli import database, relier  # noqa: F401  (the same throw-away database, autouse)


def add(capsys, *extra: str, starts="2035-10-16 18:30", title="Groupe de parole") -> tuple[int, str, str]:
    return relier(capsys, "sessions", "add", "--title", title, "--starts", starts, "--minutes", "90",
                  "--capacity", "2", *extra)


def book(session_id: int, parents: list[tuple[str, tuple[str, ...]]]) -> None:
    """Parents (name, children's first names) book the session, in this order, through the store."""

    async def run():
        store = Store(make_engine(os.environ["RELIER_DATABASE_URL"]), SystemClock())
        try:
            async with store.unit_of_work() as uow:
                for n, (name, children) in enumerate(parents):
                    family = await uow.families.create(1)
                    for child in children:
                        await uow.families.add_child(family, child, 10, "primary")
                    person = await uow.people.add_parent(5000 + n, 1, family, "fr", uow.clock.now())
                    await uow.people.note_name(person.id, name)
                    person = await uow.people.get(person.id)
                    await uow.bookings.book(session_id, person)
                await uow.commit()
        finally:
            await store.close()

    asyncio.run(run())


def test_add_weekly_creates_a_series_at_the_same_local_time(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, _ = add(capsys, "--weekly", "3", "--kind", "workshop", "--description", "On parle du harcèlement",
                       "--audience", "youth")
    assert code == 0
    assert out.splitlines() == [
        "created session 1: Groupe de parole at 2035-10-16T18:30:00+02:00 (2 seats)",
        "created session 2: Groupe de parole at 2035-10-23T18:30:00+02:00 (2 seats)",
        "created session 3: Groupe de parole at 2035-10-30T18:30:00+01:00 (2 seats)",  # after the change
    ]
    code, out, _ = add(capsys, "--weekly", "2", "--json", starts="2035-11-06 18:30")
    created = json.loads(out)
    assert code == 0 and [s["id"] for s in created] == [4, 5]
    assert [s["starts_at"] for s in created] == ["2035-11-06T17:30:00+00:00", "2035-11-13T17:30:00+00:00"]
    assert created[0]["series"] and created[0]["series"] == created[1]["series"]
    assert created[0]["kind"] == "group" and created[0]["description"] is None
    code, out, _ = relier(capsys, "sessions", "list", "--json")
    first = json.loads(out)[0]
    assert (first["kind"], first["audience"], first["description"]) == ("workshop", "youth", "On parle du harcèlement")


def test_add_without_weekly_still_prints_one_object(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, _ = add(capsys, "--json", "--place", "Salle 2")
    session = json.loads(out)
    assert code == 0 and isinstance(session, dict)
    assert session["starts_at"] == "2035-10-16T16:30:00+00:00" and session["local_start"] == "2035-10-16T18:30:00+02:00"
    assert (session["kind"], session["series"], session["place"]) == ("group", None, "Salle 2")
    code, out, _ = add(capsys, starts="16/10/2035 18h30")  # as staff type it in the bot
    assert code == 0 and "at 2035-10-16T18:30:00+02:00" in out


def test_a_series_that_meets_a_skipped_hour_is_refused_whole(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, err = add(capsys, "--weekly", "4", starts="2036-03-16 02:30")
    assert code == 2 and out == ""
    assert "2036-03-30 02:30" in err and "week 3" in err and "does not exist" in err
    code, out, _ = relier(capsys, "sessions", "list", "--json")
    assert json.loads(out) == []  # nothing half-created
    for bad in (["--weekly", "0"], ["--weekly", "53"]):
        code, _, err = add(capsys, *bad)
        assert code == 2 and "--weekly" in err
    with pytest.raises(SystemExit) as refused:
        main(["sessions", "add", "--title", "x", "--starts", "2035-10-16 18:30", "--minutes", "60",
              "--capacity", "5", "--kind", "party"])
    assert refused.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_list_shows_the_sessions_to_come_with_seats_and_waiting(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, _ = relier(capsys, "sessions", "list")
    assert code == 0 and out.strip() == "no session to come"
    add(capsys, starts="2020-01-07 18:30", title="Passée")  # already over: not listed
    add(capsys, starts="2035-10-23 18:30", title="Deuxième")
    add(capsys, starts="2035-10-16 18:30", title="Première")
    book(3, [("Alice", ()), ("Bruno", ()), ("Chloé", ())])

    code, out, _ = relier(capsys, "sessions", "list")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == ["id", "starts", "(local)", "title", "kind", "audience", "booked", "waiting"]
    assert [line.split() for line in lines] == [
        ["3", "2035-10-16", "18:30", "Première", "group", "parents", "2/2", "1"],
        ["2", "2035-10-23", "18:30", "Deuxième", "group", "parents", "0/2", "0"],
    ]
    code, out, _ = relier(capsys, "sessions", "list", "--json")
    listed = json.loads(out)
    assert [(s["id"], s["booked"], s["capacity"], s["waiting"]) for s in listed] == [(3, 2, 2, 1), (2, 0, 2, 0)]
    relier(capsys, "centre", "add", "Centre B")
    code, _, err = relier(capsys, "sessions", "list")
    assert code == 2 and "--centre" in err
    code, out, _ = relier(capsys, "sessions", "list", "--centre", "2")
    assert code == 0 and out.strip() == "no session to come"


def test_roster_as_a_table_and_as_csv(capsys):
    relier(capsys, "centre", "add", "Centre A")
    add(capsys)
    book(1, [("=HYPERLINK(\"http://evil\")", ("Léo",)), ("Bruno\x1b[31m", ("Inès", "Sami")), ("Chloé", ())])

    code, out, _ = relier(capsys, "sessions", "roster", "1")
    assert code == 0
    title, header, *lines = out.splitlines()
    assert title == "session 1: Groupe de parole, 2035-10-16 18:30 (Europe/Paris), 2/2 booked, 1 waiting"
    assert header.split()[:3] == ["booking", "status", "name"]
    assert lines[0].split()[:3] == ["1", "booked", '=HYPERLINK("http://evil")']
    assert "\x1b" not in out and "Bruno?[31m" in lines[1] and "Inès, Sami" in lines[1]
    assert lines[2].split()[:4] == ["3", "waiting", "#1", "Chloé"]

    code, out, _ = relier(capsys, "sessions", "roster", "1", "--csv")
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["booking_id", "name", "role", "children", "status", "attendance", "booked_at"]
    assert [row[:5] for row in table[1:]] == [
        ["1", "'=HYPERLINK(\"http://evil\")", "parent", "Léo", "booked"],
        ["2", "Bruno\x1b[31m", "parent", "Inès; Sami", "booked"],
        ["3", "Chloé", "parent", "", "waiting"],
    ]


def test_roster_of_an_unknown_session_exits_2(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, err = relier(capsys, "sessions", "roster", "99", "--csv")
    assert code == 2 and out == ""
    assert err.strip() == "relier: no session with id 99: `relier sessions list` shows them"
    add(capsys)
    code, out, _ = relier(capsys, "sessions", "roster", "1")
    assert code == 0 and out.splitlines()[1] == "nobody has booked yet"


def test_the_new_commands_have_help():
    for args in (["sessions", "list", "--help"], ["sessions", "roster", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 0
