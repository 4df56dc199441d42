"""The `relier` command: admin setup without a bot, with clear errors on bad input."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from bot.cli import main

RELIER = str(pathlib.Path(sys.executable).parent / "relier")


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env from elsewhere
    monkeypatch.setenv("RELIER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}")
    monkeypatch.delenv("RELIER_BOT_TOKEN", raising=False)
    monkeypatch.delenv("RELIER_BOT_USERNAME", raising=False)


def relier(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_centre_add_prints_what_it_created(capsys):
    code, out, _ = relier(capsys, "centre", "add", "Centre Relier Lyon", "--staff-chat", "-1001234567890",
                          "--phone", "04 72 00 00 00", "--json")
    assert code == 0
    assert json.loads(out) == {"id": 1, "name": "Centre Relier Lyon", "timezone": "Europe/Paris",
                               "staff_chat_id": -1001234567890, "phone": "04 72 00 00 00",
                               "quiet_hours": "21:00-08:00",
                               "retention_months": {"free_text": 6, "checkins": 24, "closed_cases": 24, "inactive": 24}}
    code, _, err = relier(capsys, "centre", "add", "Centre Relier Vienne", "--phone", "call us")
    assert code == 2 and "phone number" in err
    code, out, _ = relier(capsys, "centre", "add", "Centre Relier Lille", "--quiet-hours", "22:30-07:00", "--json")
    assert code == 0 and json.loads(out)["quiet_hours"] == "22:30-07:00"
    code, _, err = relier(capsys, "centre", "add", "Centre Relier Metz", "--quiet-hours", "late")
    assert code == 2 and "21:00-08:00" in err
    code, out, _ = relier(capsys, "centre", "add", "Centre Relier Nantes", "--timezone", "America/Cayenne")
    assert code == 0 and "created centre 3: Centre Relier Nantes (America/Cayenne)" in out


def test_centre_add_refuses_bad_input(capsys):
    code, _, err = relier(capsys, "centre", "add", "Centre A", "--timezone", "Europe/Lyon")
    assert code == 2 and "unknown time zone" in err
    relier(capsys, "centre", "add", "Centre A")
    code, _, err = relier(capsys, "centre", "add", "centre a")
    assert code == 2 and "already exists" in err
    with pytest.raises(SystemExit) as exit_:
        main(["centre", "add", "Centre B", "--staff-chat", "group"])
    assert exit_.value.code == 2 and "not a Telegram chat id" in capsys.readouterr().err


def test_staff_add_and_its_errors(capsys):
    code, _, err = relier(capsys, "staff", "add", "555", "--name", "Claire", "--role", "psychologist")
    assert code == 2 and "no centre yet" in err
    relier(capsys, "centre", "add", "Centre A")
    code, out, _ = relier(capsys, "staff", "add", "555", "--name", "Claire", "--role", "psychologist", "--json")
    assert code == 0 and json.loads(out)["role"] == "psychologist"
    code, _, err = relier(capsys, "staff", "add", "555", "--name", "Claire", "--role", "admin")
    assert code == 2 and "already registered" in err
    with pytest.raises(SystemExit):
        main(["staff", "add", "claire", "--name", "Claire", "--role", "admin"])
    assert "is not a number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["staff", "add", "556", "--name", "Claire", "--role", "boss"])
    relier(capsys, "centre", "add", "Centre B")
    code, _, err = relier(capsys, "staff", "add", "557", "--name", "Sam", "--role", "admin")
    assert code == 2 and "--centre" in err
    code, out, _ = relier(capsys, "staff", "add", "557", "--name", "Sam", "--role", "admin", "--centre", "2")
    assert code == 0 and "centre 2" in out


def test_sessions_add_reads_local_time_of_the_centre(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, out, _ = relier(capsys, "sessions", "add", "--title", "Groupe de parole", "--starts", "2026-10-25 18:30",
                          "--minutes", "90", "--capacity", "12", "--json")
    assert code == 0
    session = json.loads(out)
    assert session["starts_at"].startswith("2026-10-25T17:30:00")  # UTC, after the October change
    code, _, err = relier(capsys, "sessions", "add", "--title", "x", "--starts", "2027-03-28 02:30",
                          "--minutes", "60", "--capacity", "5")
    assert code == 2 and "does not exist" in err
    code, _, err = relier(capsys, "sessions", "add", "--title", "x", "--starts", "demain",
                          "--minutes", "60", "--capacity", "5")
    assert code == 2 and "YYYY-MM-DD HH:MM" in err


def test_invite_youth_prints_a_deep_link_when_the_username_is_known(capsys, monkeypatch):
    relier(capsys, "centre", "add", "Centre A")
    monkeypatch.setenv("RELIER_BOT_USERNAME", "relier_lyon_bot")
    code, out, _ = relier(capsys, "invite", "youth", "--parental-consent", "--json")
    data = json.loads(out)
    assert code == 0 and data["link"] == f"https://t.me/relier_lyon_bot?start={data['code']}"
    monkeypatch.delenv("RELIER_BOT_USERNAME")
    code, out, _ = relier(capsys, "invite", "youth", "--age", "16")
    assert code == 0 and "/start " in out
    code, _, err = relier(capsys, "invite", "youth", "--child", "42")
    assert code == 2 and "no child with id 42" in err


def test_db_upgrade(capsys):
    code, out, _ = relier(capsys, "db", "upgrade")
    assert code == 0 and "up to date" in out


def test_the_installed_command_without_token_explains_and_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELIER_")}
    result = subprocess.run([RELIER, "run"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "BotFather" in result.stderr and "relier demo" in result.stderr
    assert result.stderr.strip().count("\n") == 0  # one sentence


def test_every_command_has_help():
    for args in (["--help"], ["run", "--help"], ["demo", "--help"], ["centre", "add", "--help"],
                 ["staff", "add", "--help"], ["sessions", "add", "--help"], ["db", "upgrade", "--help"],
                 ["invite", "youth", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 0


def test_centre_add_sets_opening_hours_and_case_alerts(capsys, tmp_path):
    import asyncio

    from bot.admin import Admin
    from storage.repos.cases import timers

    code, out, _ = relier(capsys, "centre", "add", "Centre Relier Brest", "--opening-days", "1-4,6",
                          "--opening-hours", "10:00-17:30", "--case-alerts", "urgent=5,high=120", "--json")
    assert code == 0

    async def stored():
        async with Admin(f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}") as admin:
            async with admin.store.unit_of_work() as uow:
                centre = (await uow.centres.all())[0]
                return centre, await uow.cases.centre_timers(centre.id)

    centre, alerts = asyncio.run(stored())
    assert (centre.open_days, centre.open_from, centre.open_until) == ("0,1,2,3,5", 600, 1050)
    assert alerts == timers('{"urgent": 5, "high": 120}') and alerts["urgent"] == 5 and alerts["watch"] == 1440
    code, _, err = relier(capsys, "centre", "add", "Centre Relier Quimper", "--case-alerts", "soon=3")
    assert code == 2 and "urgent=10" in err
    code, _, err = relier(capsys, "centre", "add", "Centre Relier Vannes", "--opening-days", "8")
    assert code == 2 and "1 (Monday)" in err


def test_the_triage_model_is_kept_where_the_env_file_says(tmp_path):
    """RELIER_CACHE_DIR in a .env file: `relier` reads the second stage's trained model there, not from $HOME."""
    from dialogs.triage import second_stage

    assert second_stage.model() is not None  # trained (or read) by this test process, in the tests' cache
    kept = tmp_path / "models"
    kept.mkdir()
    for path in second_stage.cache_dir().glob("triage-stage-*.json"):
        shutil.copy(path, kept / path.name)
    (tmp_path / ".env").write_text(f"RELIER_CACHE_DIR={kept}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELIER_")}
    env["HOME"] = str(tmp_path / "home")  # not the default ~/.cache/relier either
    result = subprocess.run([RELIER, "demo", "--lang", "en"], input="/quit\n", capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "unknown setting" not in result.stderr and "second stage off" not in result.stderr
    assert "trained in" not in result.stderr  # read from the folder the .env names
    assert not (tmp_path / "home").exists()
