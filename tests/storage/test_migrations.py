"""The migrations, on SQLite and PostgreSQL: an empty database upgrades to exactly the tables the models
describe, and a database of the previous release, with families in it, upgrades through `relier db
upgrade` with nothing lost; `relier keys rotate` then encrypts what families wrote before."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, func, inspect, insert, select, text
from sqlalchemy.exc import IntegrityError

from bot.cli import main
from storage.clock import FakeClock
from storage.crypto import Keyring
from storage.database import alembic_config, current_revision, make_engine, upgrade
from storage.models import Base
from storage.rekey import census
from storage.store import Store
from tests.support.keys import TEST_DATA_KEY

PREVIOUS_RELEASE = "0007"  # case messages: the schema before consent, retention and encryption at rest
T0 = datetime(2026, 11, 2, 9, 30)  # naive UTC, as the previous release stored times


async def test_an_empty_database_upgrades_to_the_models(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) is not None
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert diff == []
        assert {"centres", "people", "children", "families", "invites", "conversations", "outbox"} <= tables
    finally:
        await engine.dispose()


async def test_upgrading_twice_changes_nothing(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        await upgrade(engine)
        first = await current_revision(engine)
        await upgrade(engine)
        assert await current_revision(engine) == first
    finally:
        await engine.dispose()


async def test_sql_errors_never_carry_the_values_into_logs(core, centre):
    async with core.store.unit_of_work() as uow:
        family = await uow.families.create(centre.id)
        try:
            await uow.families.add_child(family, "Prénom-Secret", 99, "middle")  # age out of range
        except IntegrityError as error:
            assert "Prénom-Secret" not in str(error)
        else:
            raise AssertionError("the database accepted an age of 99")


# -- a database of the previous release, with families in it ----------------------------------

WRITTEN = {  # what families and staff wrote, in plain text before encryption at rest
    "child": "Zéphyrine", "parent": "Anne Dupont-Quetzal", "youth": "Zéphyrine D.", "staff": "Inès Martin",
    "draft": "il a peur d'y retourner", "answers": {"mood": 2, "sleep": "mal"},
    "checkin": "il pleure le soir avant l'école", "snapshot": {"message": "elle ne mange plus"},
    "note": "rappeler le collège Carcassonnette", "case_message": "il ne veut plus y aller",
    "payload": {"text": "Rappel : groupe de parole jeudi 18 h 30"},
}


def fill_previous_release(sync_conn) -> dict[str, int]:
    """Rows as the previous release wrote them (its tables, read from the database itself); their ids."""
    meta = MetaData()
    meta.reflect(sync_conn)
    t = meta.tables

    def add(table: str, **values) -> int:
        return sync_conn.execute(insert(t[table]).values(**values).returning(t[table].c.id)).scalar_one()

    w = WRITTEN
    ids = {"centre": add("centres", name="Centre Relier Brest", timezone="Europe/Paris", staff_chat_id=-1001234,
                         created_at=T0)}
    ids["family"] = add("families", centre_id=ids["centre"], created_at=T0)
    ids["child"] = add("children", family_id=ids["family"], first_name=w["child"], age=12, school_level="middle",
                       created_at=T0)
    ids["parent"] = add("people", telegram_user_id=5_000_000_001, centre_id=ids["centre"], role="parent",
                        name=w["parent"], locale="fr", family_id=ids["family"], consented_at=T0, created_at=T0,
                        checkin_weekday=2, checkin_hour=19, explicit_notifications=True)
    ids["youth"] = add("people", telegram_user_id=5_000_000_002, centre_id=ids["centre"], role="youth",
                       name=w["youth"], locale="fr", family_id=ids["family"], child_id=ids["child"],
                       consented_at=T0 + timedelta(days=1), created_at=T0 + timedelta(days=1))
    ids["staff"] = add("people", telegram_user_id=6001, centre_id=ids["centre"], role="staff",
                       staff_role="psychologist", name=w["staff"], locale="fr", created_at=T0)
    ids["invite"] = add("invites", code_hash="a" * 64, centre_id=ids["centre"], family_id=ids["family"],
                        child_id=ids["child"], created_by=ids["parent"], created_at=T0,
                        expires_at=T0 + timedelta(days=7), used_at=T0 + timedelta(days=1), used_by=ids["youth"])
    sync_conn.execute(insert(t["conversations"]).values(
        telegram_user_id=5_000_000_001, flow="checkin", step="message", data=json.dumps({"draft": w["draft"]}),
        version=7, updated_at=T0 + timedelta(days=3)))
    ids["session"] = add("group_sessions", centre_id=ids["centre"], title="Groupe de parole", audience="parents",
                         starts_at=T0 + timedelta(days=10), minutes=90, capacity=12, booked=1, place="Salle 2",
                         created_at=T0)
    ids["booking"] = add("bookings", session_id=ids["session"], person_id=ids["parent"], status="booked",
                         created_at=T0, updated_at=T0)
    ids["checkin"] = add("checkins", person_id=ids["parent"], child_id=ids["child"], subject=f"child:{ids['child']}",
                         audience="parent", week="2026-W45", answers=json.dumps(w["answers"]), message=w["checkin"],
                         level="high", rule="crying", started_at=T0, completed_at=T0 + timedelta(minutes=3))
    ids["case"] = add("escalations", centre_id=ids["centre"], person_id=ids["parent"], child_id=ids["child"],
                      level="high", reason="crying", source="checkin", snapshot=json.dumps(w["snapshot"]),
                      checkin_id=ids["checkin"], status="open", opened_at=T0, updated_at=T0,
                      taken_by=ids["staff"], taken_at=T0 + timedelta(hours=1), close_note=w["note"])
    ids["case_message"] = add("case_messages", escalation_id=ids["case"], at=T0 + timedelta(hours=2), kind="text",
                              text=w["case_message"], level="watch")
    ids["audit"] = add("audit_log", at=T0, escalation_id=ids["case"], actor_id=ids["staff"], action="take")
    ids["outbox"] = add("outbox", key="reminder:booking:1:24h", chat_id=5_000_000_001, person_id=ids["parent"],
                        kind="reminder", payload=json.dumps(w["payload"], ensure_ascii=False),
                        due_at=T0 + timedelta(days=9), created_at=T0)
    return ids


def row_counts(sync_conn) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(sync_conn)
    return {name: sync_conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in meta.tables.items() if name != "alembic_version"}


async def relier(*args: str) -> int:
    return await asyncio.to_thread(main, list(args))  # the CLI runs its own event loop


async def test_a_database_of_the_previous_release_upgrades_with_nothing_lost(empty_db_url, monkeypatch, capsys):
    engine = make_engine(empty_db_url)  # no key: the tables exactly as the previous release left them
    try:
        await upgrade(engine, PREVIOUS_RELEASE)
        async with engine.begin() as conn:
            ids = await conn.run_sync(fill_previous_release)
            before = await conn.run_sync(row_counts)
    finally:
        await engine.dispose()

    monkeypatch.setenv("RELIER_DATABASE_URL", empty_db_url)
    assert await relier("db", "upgrade") == 0
    assert "up to date" in capsys.readouterr().out

    keyring = Keyring.from_text(TEST_DATA_KEY)
    store = Store(make_engine(empty_db_url, keyring=keyring), FakeClock())
    try:
        assert await current_revision(store.engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
        async with store.engine.connect() as conn:
            after = await conn.run_sync(row_counts)
        assert {name: after[name] for name in before} == before  # every row is still there
        assert after["installation_secrets"] == 0
        await check_everything_reads_back(store, ids)

        # What the new release added, filled in for those already there.
        async with store.unit_of_work() as uow:
            parent, youth = await uow.people.get(ids["parent"]), await uow.people.get(ids["youth"])
        assert (parent.consent_version, youth.consent_version) == ("1", "1")
        assert parent.last_seen_at == (T0 + timedelta(days=3)).replace(tzinfo=timezone.utc)  # the last update
        assert youth.last_seen_at == (T0 + timedelta(days=1)).replace(tzinfo=timezone.utc)  # registration
        async with store.engine.connect() as conn:
            consent = (await conn.execute(text(
                "SELECT parental_consent_at, parental_consent_by FROM invites"))).one()
        assert consent[1] == "parent" and consent[0] is not None

        # Encryption at rest: the upgrade has no key; `relier keys rotate` encrypts what was written before.
        written = {column: per_column for column, per_column in (await census(store.engine)).items() if per_column}
        assert len(written) == 9 and all(set(per_column) == {"plain"} for per_column in written.values())
        assert await relier("keys", "rotate") == 0
        assert "encrypted" in capsys.readouterr().out
        counts = await census(store.engine)
        assert all(set(per_column) <= {keyring.current_id} for per_column in counts.values()), counts
        raw = await raw_text(store.engine)
        assert not [value for value in raw_secrets() if value in raw]  # nothing in clear in the tables
        await check_everything_reads_back(store, ids)
    finally:
        await store.close()


async def check_everything_reads_back(store: Store, ids: dict[str, int]) -> None:
    w = WRITTEN
    async with store.unit_of_work() as uow:
        people = {key: await uow.people.get(ids[key]) for key in ("parent", "youth", "staff")}
        assert {key: p.name for key, p in people.items()} == {key: w[key] for key in people}
        (child,) = await uow.families.children(ids["family"])
        assert (child.first_name, child.age) == (w["child"], 12)
        conversation = (await uow.conversations.load_with_person(5_000_000_001))[1]
        assert (conversation.flow, conversation.step, conversation.version) == ("checkin", "message", 7)
        assert conversation.data == {"draft": w["draft"]}
        case = await uow.cases.get(ids["case"])
        assert case.snapshot == w["snapshot"] and case.taken_by == ids["staff"] and case.checkin_id == ids["checkin"]
        assert await uow.cases.note(ids["case"]) == w["note"]
        assert [m.text for m in await uow.cases.messages(ids["case"])] == [w["case_message"]]
        checkin = await uow.checkins.get(ids["checkin"])
        assert (checkin.message, checkin.answers, checkin.level) == (w["checkin"], w["answers"], "high")
        outbox = await uow.outbox.get(ids["outbox"])
        assert outbox.payload == w["payload"] and outbox.due_at == (T0 + timedelta(days=9)).replace(tzinfo=timezone.utc)
        booking = await uow.bookings.get(ids["booking"])
        assert booking.status == "booked" and booking.person_id == ids["parent"]


def raw_secrets() -> list[str]:
    return [WRITTEN[k] for k in ("child", "parent", "staff", "draft", "checkin", "note", "case_message")] + [
        "elle ne mange plus", "groupe de parole jeudi"]


async def raw_text(engine) -> str:
    """Every text value of every table, as stored (no key), joined."""
    async with engine.connect() as conn:
        def dump(sync_conn) -> str:
            meta = MetaData()
            meta.reflect(sync_conn)
            return "\n".join(str(value) for table in meta.tables.values()
                             for row in sync_conn.execute(select(table)).all() for value in row)
        return await conn.run_sync(dump)
