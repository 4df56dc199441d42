"""The bot processes under test: start, wait until they poll, read CPU and memory, stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import psutil

from tests.fakebot import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def relier_executable() -> str:
    beside = Path(sys.executable).parent / "relier"
    if beside.exists():
        return str(beside)
    return str(ROOT / ".venv" / "bin" / "relier")


def clean_environment(**extra: str) -> dict[str, str]:
    """This machine's environment without RELIER_* settings, plus a data key: `relier run` refuses to
    start without one, and the bot is measured as installed, encrypting. The key is also set in this
    process, so that what the benchmark reads back in-process (bot.admin) opens with it."""
    from storage.crypto import new_key

    key = os.environ.setdefault("RELIER_DATA_KEY", new_key())
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RELIER_")}
    environment["RELIER_DATA_KEY"] = key
    environment.update(extra)
    return environment


class BotProcess:
    """One bot subprocess polling a FakeTelegram; output goes to a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.ps: psutil.Process | None = None
        self.ready_after: float | None = None
        self.peak_sampled = 0

    async def start(self, tg: FakeTelegram, timeout: float = 90.0, quiet: float = 0.3) -> None:
        """Start, and return once the bot is set up and polling the fake server."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        seen = len(tg.calls)
        with open(self.log_path, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, cwd=str(ROOT), stdout=log, stderr=log,
                stdin=asyncio.subprocess.DEVNULL,
            )
        self.ps = psutil.Process(self.process.pid)
        greeted = False
        while True:
            # A long poll is recorded only when it returns, so "polling" is seen as: the bot
            # asked getMe (aiogram does just before its first getUpdates), then went quiet.
            calls = tg.calls
            greeted = greeted or any(c.method == "getMe" for c in calls[seen:])
            seen = len(calls)
            if greeted and time.time() - calls[-1].at >= quiet:
                break
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if loop.time() - began > timeout:
                raise RuntimeError(f"{self.name} did not poll within {timeout:.0f} s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)
        self.ready_after = loop.time() - began

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss(self) -> int:
        assert self.ps is not None
        rss = self.ps.memory_info().rss
        self.peak_sampled = max(self.peak_sampled, rss)
        return rss

    def peak_rss(self) -> int:
        """The kernel's high-water mark of resident memory (VmHWM) since the process started."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return self.peak_sampled

    def cpu(self) -> float:
        """User + system CPU seconds of the process (all its threads)."""
        assert self.ps is not None
        times = self.ps.cpu_times()
        return times.user + times.system

    def main_thread_cpu(self) -> float:
        """CPU seconds of the main thread alone (the event loop, where the bot also runs its SQLite queries)."""
        assert self.ps is not None
        for thread in self.ps.threads():
            if thread.id == self.pid:
                return thread.user_time + thread.system_time
        return 0.0

    async def sample_memory(self, every: float = 0.25) -> None:
        """Run as a task during load: keeps peak_sampled up to date."""
        while True:
            try:
                self.rss()
            except psutil.Error:
                return
            await asyncio.sleep(every)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited within `timeout`."""
        process = self.process
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(process.wait(), timeout)
        except asyncio.TimeoutError:
            process.kill()
            return await process.wait()

    def kill_now(self) -> None:
        """Last resort when the benchmark itself is interrupted."""
        process = self.process
        if process is not None and process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass


class SelfCpu:
    """CPU seconds of the benchmark process (the fake server and the simulated users)."""

    def __init__(self) -> None:
        self.ps = psutil.Process()

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system
