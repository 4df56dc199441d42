"""A real PostgreSQL server for the tests: started with initdb and pg_ctl in a temporary directory,
stopped and removed at the end of the run. Each test gets a database of its own, copied from a
template (an empty one, or one already migrated to head), which takes a few tens of milliseconds.

Where the binaries are: RELIER_TEST_PG_BIN (a directory holding initdb and pg_ctl; when set, the
only place looked at), else the directory of `initdb` on the PATH, else the usual places of
Debian, Red Hat and Homebrew. Without
them the PostgreSQL tests are skipped with the reason; with CI=true that is a failure instead
(`require_or_skip`), so a CI machine without PostgreSQL cannot pass by testing SQLite alone.

initdb refuses to run as root: as root, the server runs as the `postgres` user (runuser), in a
directory handed over to it.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar
from pathlib import Path

import pytest

SUPERUSER = "postgres"
EMPTY = "relier_empty"  # no tables: for the migration tests
MIGRATED = "relier_head"  # migrated to head: what every other test starts from
# A throw-away server: durability is not what is tested here, speed is.
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300",
        "shared_buffers=32MB", "listen_addresses=127.0.0.1", "log_min_messages=warning")


class Unavailable(Exception):
    """Why there is no PostgreSQL server for this run (said as the skip's reason)."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_or_skip(reason: str) -> None:
    """No server: skipped locally, a failure in CI."""
    if in_ci():
        pytest.fail(f"CI=true and no PostgreSQL server for the tests: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests not run: {reason}")


def find_binaries() -> Path:
    named = os.environ.get("RELIER_TEST_PG_BIN")  # when set, the only place looked at
    candidates = [Path(named)] if named else []
    found = shutil.which("initdb")
    if found and not named:
        candidates.append(Path(found).resolve().parent)
    for pattern in () if named else ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin",
                                     "/opt/homebrew/opt/postgresql@*/bin", "/usr/local/opt/postgresql@*/bin"):
        candidates += sorted((Path(p) for p in glob.glob(pattern)), reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    where = f"RELIER_TEST_PG_BIN={named}" if named else "the PATH (initdb) and the usual directories"
    raise Unavailable(f"no initdb and pg_ctl found in {where}; install PostgreSQL (e.g. apt install postgresql)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _in_own_thread(work) -> None:
    """Run a coroutine function to its end on a loop of its own: the fixture may be set up from inside a
    test's running loop (an async fixture asking for it), where asyncio.run is refused."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work()).result()


@dataclass
class PostgresServer:
    bin: Path
    root: Path
    port: int = 0
    _as: tuple[str, ...] = ()
    _numbers: ClassVar = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, timeout: float = 60) -> None:
        done = subprocess.run([*self._as, *command], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise Unavailable(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[-600:]}")

    @classmethod
    def start(cls) -> "PostgresServer":
        binaries = find_binaries()
        root = Path(tempfile.mkdtemp(prefix="relier-pg-"))
        server = cls(binaries, root)
        try:
            if os.geteuid() == 0:
                try:
                    owner = pwd.getpwnam(SUPERUSER)
                except KeyError:
                    raise Unavailable("running as root and there is no 'postgres' user to run the server as") from None
                runuser = shutil.which("runuser")
                if runuser is None:
                    raise Unavailable("running as root and runuser is missing to run the server as 'postgres'")
                os.chown(root, owner.pw_uid, owner.pw_gid)
                server._as = (runuser, "-u", SUPERUSER, "--")
            server._run(str(binaries / "initdb"), "-D", str(server.data), "-U", SUPERUSER, "--auth=trust",
                        "--encoding=UTF8", "--no-locale", "--no-sync")
            for attempt in range(3):  # the port is free when chosen; another program may take it first
                server.port = free_port()
                options = " ".join([f"-p {server.port}", f"-k {root}", *(f"-c {o}" for o in FAST)])
                try:
                    server._run(str(binaries / "pg_ctl"), "-D", str(server.data), "-l", str(root / "server.log"),
                                "-o", options, "-w", "-t", "60", "start", timeout=90)
                    break
                except Unavailable:
                    if attempt == 2:
                        log = (root / "server.log").read_text(errors="replace")[-600:]
                        raise Unavailable(f"the server did not start: {log}") from None
            _in_own_thread(server._prepare_templates)
        except BaseException:
            server.stop()
            raise
        return server

    async def _prepare_templates(self) -> None:
        from storage.database import make_engine, upgrade

        await self._admin(f"CREATE DATABASE {EMPTY} TEMPLATE template0", f"CREATE DATABASE {MIGRATED} TEMPLATE template0")
        engine = make_engine(self.url(MIGRATED))
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    async def _admin(self, *statements: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, database="postgres")
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    async def create_database(self, migrated: bool = True) -> str:
        """A new database of its own (migrated to head, or empty); its name."""
        name = f"relier_test_{os.getpid()}_{next(self._numbers)}"
        await self._admin(f"CREATE DATABASE {name} TEMPLATE {MIGRATED if migrated else EMPTY}")
        return name

    async def drop_database(self, name: str) -> None:
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.port and (self.data / "postmaster.pid").exists():
            subprocess.run([*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """The run's PostgreSQL server, or the reason there is none (the tests that need it skip or fail)."""
    try:
        server = PostgresServer.start()
    except Unavailable as reason:
        yield reason
        return
    try:
        yield server
    finally:
        server.stop()


def server_or_skip(found) -> PostgresServer:
    if isinstance(found, Unavailable):
        require_or_skip(str(found))
    return found


@pytest.fixture
async def postgres_url(postgres_server):
    """The URL of a fresh database migrated to head, dropped after the test."""
    server = server_or_skip(postgres_server)
    name = await server.create_database()
    yield server.url(name)
    await server.drop_database(name)
