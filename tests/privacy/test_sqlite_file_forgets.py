"""SQLite keeps deleted text in free pages and in its write-ahead log unless told otherwise: after an
erasure, the erased words are in neither the database file nor the -wal file (read as bytes). Run without
encryption, so that the words would be there in clear if anything kept them."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import build_core
from storage.crypto import Keyring
from tests.conftest import onboard_parent
from tests.privacy.conftest import CHILD, PARENT, check_in_with_message, erase
from tests.support.chat import Chat

WORDS = "Le bus du matin est devenu un cauchemar pour lui, Ornella-Quintessence"


def on_disk(db: Path) -> bytes:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_erased_words_are_in_neither_the_database_nor_its_log(tmp_path, clock):
    db = tmp_path / "plain.db"
    core = await build_core(f"sqlite+aiosqlite:///{db}", bot_username="relier_test_bot", clock=clock,
                            keyring=Keyring.plaintext())
    try:
        async with core.store.unit_of_work() as uow:
            await uow.centres.add("Centre Relier Test", "Europe/Paris")
            await uow.commit()
        parent = Chat(core.dialogs, clock, PARENT, "en")
        await onboard_parent(parent, children=((CHILD, "13", "middle"),))
        for _week in range(3):  # enough writes for the words to be in several pages and log frames
            await check_in_with_message(parent, WORDS)
            clock.advance(days=7)
        async with core.store.engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            secure = (await conn.exec_driver_sql("PRAGMA secure_delete")).scalar()
        assert (journal, secure) == ("wal", 1)
        assert WORDS.encode() in on_disk(db) and CHILD.encode() in on_disk(db)
        await erase(parent)
        assert WORDS.encode() not in on_disk(db)
        assert CHILD.encode() not in on_disk(db)
        assert db.with_name(db.name + "-wal").stat().st_size == 0  # checkpointed and truncated
    finally:
        await core.close()
