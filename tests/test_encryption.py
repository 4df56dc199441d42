"""Encryption at rest: what a family writes is never in the database files in clear, and keys rotate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.bootstrap import build_core
from storage.clock import FakeClock
from storage.crypto import KeyProblem, Keyring, UnreadableValue, key_id, parse_key
from storage.database import make_engine, upgrade
from storage.models import Child, Person
from storage.rekey import PLAIN, census, census_query, encrypted_columns, rotate
from storage.store import Store
from tests.conftest import onboard_parent
from tests.support.keys import OTHER_DATA_KEY, TEST_DATA_KEY

CHILD = "Zéphyrine"
MESSAGE = "elle a dit qu'elle voulait mourir depuis le vestiaire du gymnase Quetzalbrook"
LATER = "et elle a écrit une lettre à Mélusine Ravenscourt"
STAFF = "Ondine Vasquezova"
NOTE = "rappeler le collège Carcassonnette"
SECRETS = (CHILD, "Quetzalbrook", "Mélusine", "Ravenscourt", STAFF, "Carcassonnette")


def file_bytes(db_url: str) -> bytes:
    """The database file and its write-ahead log, as someone who copies them would read them."""
    path = Path(db_url.split("///", 1)[1])
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def in_clear(db_url: str) -> list[str]:
    data = file_bytes(db_url)
    return [secret for secret in SECRETS if secret.encode("utf-8") in data]


async def family_story(core, centre, chat_for) -> int:
    """A parent registers Zéphyrine, writes an alarming check-in message and a later one; the
    psychologist (a staff name) keeps a note on the case. Every kind of encrypted column is written."""
    async with core.store.unit_of_work() as uow:
        await uow.people.add_staff(7001, centre.id, STAFF, "psychologist")  # alerted: outbox rows to them
        await uow.commit()
    chat = chat_for(505, "fr")
    await onboard_parent(chat, children=((CHILD, "12", "middle"),))
    await chat.command("menu")
    await chat.press("Point de la semaine")
    await chat.press(f"Point pour {CHILD}")
    for label in ("😟", "Absent(e) certains jours", "Oui", "Mal", "😟"):
        await chat.press(label)
    await chat.text(MESSAGE)
    assert "<b>3114</b>" in chat.last.replies[0].text
    await chat.text(LATER)
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(505)
        case = await uow.cases.open_for(person.id)
        await uow.cases.add_note(case.id, NOTE)
        await uow.commit()
    return case.id


async def read_back(core, case_id: int) -> dict:
    async with core.store.unit_of_work() as uow:
        case = await uow.cases.get(case_id)
        staff = await uow.people.by_telegram_id(7001)
        parent = await uow.people.by_telegram_id(505)
        return {
            "children": [c.first_name for c in await uow.families.children(parent.family_id)],
            "message": case.snapshot.get("message"),
            "later": [m.text for m in await uow.cases.messages(case_id)],
            "staff": staff.name,
            "note": await uow.cases.note(case_id),
        }


WRITTEN = {"people.name", "children.first_name", "conversations.data", "checkins.answers", "checkins.message",
           "escalations.snapshot", "escalations.close_note", "case_messages.text", "outbox.payload"}
EXPECTED = {"children": [CHILD], "message": MESSAGE, "later": [LATER], "staff": STAFF}


async def test_what_a_family_writes_is_in_neither_the_database_nor_its_log_in_clear(core, centre, chat_for, db_url):
    case_id = await family_story(core, centre, chat_for)
    found = await read_back(core, case_id)
    assert {k: found[k] for k in EXPECTED} == EXPECTED and NOTE in found["note"]
    assert in_clear(db_url) == []
    assert f"enc1:{Keyring.from_text(TEST_DATA_KEY).current_id}:".encode() in file_bytes(db_url)  # it is there, sealed
    counts = await census(core.store.engine)
    assert all(PLAIN not in per_column for per_column in counts.values()), counts
    assert WRITTEN <= {name for name, per_column in counts.items() if per_column}


async def test_without_a_key_the_same_story_would_be_readable_in_the_file(db_url, clock, chat_for_plain):
    """The control for the test above: what the file holds when nothing is encrypted."""
    core, chat_for = chat_for_plain
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    await family_story(core, centre, chat_for)
    assert set(in_clear(db_url)) == set(SECRETS)


@pytest.fixture
async def chat_for_plain(db_url, clock):
    from tests.support.chat import Chat

    core = await build_core(db_url, bot_username="relier_test_bot", clock=clock, keyring=Keyring.plaintext())
    yield core, (lambda user_id, language="fr": Chat(core.dialogs, clock, user_id, language))
    await core.close()


async def test_a_database_written_before_encryption_is_read_then_encrypted_by_a_rotation(db_url, clock,
                                                                                           chat_for_plain):
    plain_core, chat_for = chat_for_plain
    async with plain_core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    case_id = await family_story(plain_core, centre, chat_for)
    await plain_core.close()

    core = await build_core(db_url, clock=clock)  # the test key: as after upgrading to this version
    try:
        found = await read_back(core, case_id)
        assert {k: found[k] for k in EXPECTED} == EXPECTED  # plain text is still read
        report = await rotate(core.store, Keyring.from_text(TEST_DATA_KEY), batch=3)  # several batches
        assert report.total("reencrypted") == 0 and report.left == 0
        assert all(report.columns[name].encrypted >= 1 for name in WRITTEN)
        assert {k: (await read_back(core, case_id))[k] for k in EXPECTED} == EXPECTED
    finally:
        await core.close()
    assert in_clear(db_url) == []  # overwritten, not left in free space nor in the log


async def test_after_a_rotation_only_the_new_key_is_needed(core, centre, chat_for, db_url, clock):
    case_id = await family_story(core, centre, chat_for)
    await core.close()
    both = Keyring.from_text(OTHER_DATA_KEY, TEST_DATA_KEY)
    store = Store(make_engine(db_url, keyring=both), clock)
    try:
        report = await rotate(store, both)
        again = await rotate(store, both)
    finally:
        await store.close()
    assert all(report.columns[name].reencrypted >= 1 for name in WRITTEN)
    assert report.total("encrypted") == 0 and report.left == 0
    assert again.total("reencrypted") == 0 and again.total("current") == report.total("reencrypted")

    new_only = await build_core(db_url, clock=clock, keyring=Keyring.from_text(OTHER_DATA_KEY))
    try:
        assert {k: (await read_back(new_only, case_id))[k] for k in EXPECTED} == EXPECTED
        counts = await census(new_only.store.engine)
        assert {kid for per_column in counts.values() for kid in per_column} == {key_id(parse_key(OTHER_DATA_KEY))}
    finally:
        await new_only.close()
    old_only = await build_core(db_url, clock=clock, keyring=Keyring.from_text(TEST_DATA_KEY))
    try:
        with pytest.raises(UnreadableValue) as refused:
            await read_back(old_only, case_id)
        assert key_id(parse_key(OTHER_DATA_KEY)) in str(refused.value)
    finally:
        await old_only.close()
    assert in_clear(db_url) == []


async def test_an_encrypted_column_cannot_be_searched(core, centre):
    async with core.store.unit_of_work() as uow:
        await uow.people.add_staff(7001, centre.id, STAFF, "psychologist")
        await uow.commit()
    with pytest.raises(TypeError, match="encrypted"):
        select(Person.id).where(Person.name == STAFF)
    with pytest.raises(TypeError, match="encrypted"):
        select(Child.id).where(Child.first_name.contains("Zé"))
    async with core.store.engine.connect() as conn:  # a NULL test is still fine
        assert await conn.scalar(select(Person.id).where(Person.name.is_not(None))) is not None


def test_a_value_changed_in_the_file_is_refused_not_misread():
    keyring = Keyring.from_text(TEST_DATA_KEY)
    stored = keyring.encrypt("Léo, 12 ans")
    assert stored != keyring.encrypt("Léo, 12 ans")  # a fresh nonce every time: equal texts look different
    assert keyring.decrypt(stored) == "Léo, 12 ans" and keyring.decrypt(keyring.encrypt("")) == ""
    body = stored[14:]
    altered = stored[:14] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(UnreadableValue, match="altered"):
        keyring.decrypt(altered)
    assert Keyring.plaintext().decrypt("written before encryption") == "written before encryption"


def test_a_malformed_key_is_refused_without_being_repeated():
    for bad in ("not-a-key", TEST_DATA_KEY[:-8], "c2hvcnQ="):
        with pytest.raises(KeyProblem) as refused:
            Keyring.from_text(bad)
        assert "RELIER_DATA_KEY" in str(refused.value) and bad not in str(refused.value)
    with pytest.raises(KeyProblem, match="RELIER_DATA_KEYS_OLD"):
        Keyring.from_text(TEST_DATA_KEY, f"{OTHER_DATA_KEY},oops")


async def test_migrating_an_older_database_keeps_every_booking_and_check_in(tmp_path):
    """0009 copies `people` on SQLite: with foreign keys on, dropping the old table would cascade."""
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine, "0008")
        with sqlite3.connect(path) as db:
            db.executescript("""
                INSERT INTO centres (id, name, timezone, created_at) VALUES (1, 'Centre', 'Europe/Paris', '2026-01-01');
                INSERT INTO people (id, telegram_user_id, centre_id, role, name, created_at)
                    VALUES (1, 42, 1, 'parent', 'Camille Plaintext', '2026-01-01');
                INSERT INTO group_sessions (id, centre_id, title, audience, starts_at, minutes, capacity, booked,
                    created_at) VALUES (1, 1, 'Groupe', 'parents', '2027-01-01', 60, 5, 1, '2026-01-01');
                INSERT INTO bookings (id, session_id, person_id, status, created_at, updated_at)
                    VALUES (1, 1, 1, 'booked', '2026-01-01', '2026-01-01');
                INSERT INTO checkins (id, person_id, subject, audience, week, answers, level, started_at)
                    VALUES (1, 1, 'self', 'parent', '2026-W01', '{"mood": 2}', 'none', '2026-01-01');
            """)
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM bookings")) == 1
            assert await conn.scalar(text("SELECT count(*) FROM checkins")) == 1
            assert await conn.scalar(text("PRAGMA foreign_keys")) == 1  # switched on again
    finally:
        await engine.dispose()
    store = Store(make_engine(f"sqlite+aiosqlite:///{path}", keyring=Keyring.from_text(TEST_DATA_KEY)), FakeClock())
    try:
        async with store.unit_of_work() as uow:
            assert (await uow.people.by_telegram_id(42)).name == "Camille Plaintext"  # plain text, read as it is
    finally:
        await store.close()


def test_the_key_census_runs_on_postgresql_too():
    """The same expression in SELECT and GROUP BY, without placeholders PostgreSQL would tell apart."""
    from sqlalchemy.dialects import postgresql

    for table_, column_ in encrypted_columns():
        compiled = census_query(table_, column_).compile(dialect=postgresql.dialect())
        assert compiled.params == {}
        select_part, group_part = str(compiled).split("GROUP BY")
        assert group_part.strip() in select_part
