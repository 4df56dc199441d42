"""What `relier keys status|rotate` do: count the values under each key, re-encrypt them all.

Every column typed EncryptedText is found from the models, so a column added later is covered
without a change here. The values are read and written raw (plain SQL text types), in batches of
one transaction each; a value is replaced only if it is still what was read (compare and set), so
the bot may keep running: a row it changed meanwhile is left to it, and counted. Key ids and
counts only: nothing here logs or prints a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Column, Table, Text, case, column, func, literal_column, select, table, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.crypto import PREFIX, EncryptedText, Keyring, stored_key_id
from storage.models import Base
from storage.store import Store

PLAIN = "plain"


def encrypted_columns() -> list[tuple[Table, Column]]:
    found = []
    for table_ in Base.metadata.sorted_tables:
        for column_ in table_.columns:
            if isinstance(column_.type, EncryptedText):
                if len(table_.primary_key.columns) != 1:
                    raise RuntimeError(f"{table_.name}: re-encryption needs a single-column primary key")
                found.append((table_, column_))
    return found


def _raw(table_: Table, column_: Column):
    """The table as plain SQL sees it: the values exactly as stored, never decrypted."""
    key = next(iter(table_.primary_key.columns)).name
    raw = table(table_.name, column(key), column(column_.name, Text))
    return raw, raw.c[key], raw.c[column_.name]


async def census(engine: AsyncEngine) -> dict[str, dict[str, int]]:
    """{"people.name": {"plain": 2, "<key id>": 40}} for every encrypted column (NULLs not counted).

    Done in SQL, so it is cheap enough for `relier run` to check its keys at start."""
    found: dict[str, dict[str, int]] = {}
    async with engine.connect() as conn:
        for table_, column_ in encrypted_columns():
            rows = await conn.execute(census_query(table_, column_))
            found[f"{table_.name}.{column_.name}"] = {str(k): int(n) for k, n in rows.all()}
    return found


def census_query(table_: Table, column_: Column):
    """Values counted by key id. No bound parameter: PostgreSQL must see the same expression in
    the SELECT and the GROUP BY, which two sets of placeholders would not be."""
    _raw_table, _key, value = _raw(table_, column_)
    kind = case(
        (value.like(literal_column(f"'{PREFIX}%'")),
         func.substr(value, literal_column(str(len(PREFIX) + 1)), literal_column("8"))),
        else_=literal_column(f"'{PLAIN}'"),
    )
    return select(kind, func.count()).where(value.is_not(None)).group_by(kind)


def unknown_keys(counts: dict[str, dict[str, int]], keyring: Keyring) -> set[str]:
    """Key ids found in the database that the keyring cannot open."""
    return {kid for per_column in counts.values() for kid in per_column if kid != PLAIN} - keyring.ids


@dataclass
class ColumnRotation:
    encrypted: int = 0  # were plain text
    reencrypted: int = 0  # were under an older key
    current: int = 0  # already under the current key
    changed_meanwhile: int = 0  # rewritten by the bot between our read and our write


@dataclass
class Rotation:
    key: str
    columns: dict[str, ColumnRotation] = field(default_factory=dict)
    left: int = 0  # values not under the current key after the pass (should be 0)
    checkpointed: bool = True  # SQLite: the write-ahead log was emptied (a reader may keep it from finishing)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.columns.values())

    def as_json(self) -> dict:
        names = ("encrypted", "reencrypted", "current", "changed_meanwhile")
        return {"key": self.key, "columns": {k: vars(v) for k, v in self.columns.items()},
                **{name: self.total(name) for name in names}, "left": self.left,
                "checkpointed": self.checkpointed}


async def rotate(store: Store, keyring: Keyring, batch: int = 500) -> Rotation:
    """Rewrite every value not under the current key (plain text or an older key) with it.

    On SQLite the old values are overwritten (`secure_delete`, storage.database) and the write-ahead
    log is emptied at the end, so plain text left by an older version is in neither file afterwards."""
    engine = store.engine
    if not keyring.encrypts:
        raise ValueError("rotation needs a current key")
    report = Rotation(keyring.current_id or "")
    for table_, column_ in encrypted_columns():
        counts = report.columns.setdefault(f"{table_.name}.{column_.name}", ColumnRotation())
        raw, key, value = _raw(table_, column_)
        last = None
        while True:
            query = select(key, value).where(value.is_not(None)).order_by(key).limit(batch)
            if last is not None:
                query = query.where(key > last)
            async with engine.begin() as conn:
                rows = (await conn.execute(query)).all()
                for row_key, stored in rows:
                    if keyring.is_current(stored):
                        counts.current += 1
                        continue
                    fresh = keyring.encrypt(keyring.decrypt(stored))
                    done = await conn.execute(
                        update(raw).where(key == row_key, value == stored).values({value.name: fresh})
                    )
                    if done.rowcount != 1:
                        counts.changed_meanwhile += 1
                    elif stored_key_id(stored) is None:
                        counts.encrypted += 1
                    else:
                        counts.reencrypted += 1
            if len(rows) < batch:
                break
            last = rows[-1][0]
    report.checkpointed = store.checkpoint()
    after = await census(engine)
    report.left = sum(n for per_column in after.values() for kid, n in per_column.items() if kid != keyring.current_id)
    return report
