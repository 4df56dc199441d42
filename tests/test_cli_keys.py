"""`relier keys` and the data key at start: clear refusals, rotation with counts, unknown settings named."""

from __future__ import annotations

import json
import logging

import pytest

from bot.cli import main
from storage.crypto import parse_key
from tests.support.keys import OTHER_DATA_KEY, TEST_DATA_KEY


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env from elsewhere
    monkeypatch.setenv("RELIER_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}")
    monkeypatch.delenv("RELIER_BOT_TOKEN", raising=False)


def relier(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_keys_new_prints_a_fresh_usable_key_each_time(capsys, monkeypatch):
    monkeypatch.setenv("RELIER_DATA_KEY", "broken")  # making a key must work before one is set right
    code, first, _ = relier(capsys, "keys", "new")
    _, second, _ = relier(capsys, "keys", "new", "--json")
    assert code == 0 and len(parse_key(first.strip())) == 32
    assert parse_key(json.loads(second)["key"]) and json.loads(second)["key"] != first.strip()


def test_run_without_a_key_refuses_to_start_and_says_what_to_do(capsys, monkeypatch):
    monkeypatch.setenv("RELIER_BOT_TOKEN", "123456:ABC")
    monkeypatch.delenv("RELIER_DATA_KEY")
    code, _, err = relier(capsys, "run")
    assert code == 2
    assert "RELIER_DATA_KEY" in err and "relier keys new" in err and "RELIER_ALLOW_PLAINTEXT=1" in err
    assert err.strip().count("\n") == 0  # one line
    code, _, err = relier(capsys, "centre", "add", "Centre A")  # a staff name would be stored in clear too
    assert code == 2 and "RELIER_DATA_KEY" in err
    monkeypatch.setenv("RELIER_ALLOW_PLAINTEXT", "1")
    code, out, _ = relier(capsys, "centre", "add", "Centre A")
    assert code == 0 and "created centre 1" in out


def test_a_malformed_key_is_named_never_printed(capsys, monkeypatch):
    monkeypatch.setenv("RELIER_DATA_KEY", "my-secret-passphrase")
    code, _, err = relier(capsys, "centre", "add", "Centre A")
    assert code == 2 and "RELIER_DATA_KEY" in err and "relier keys new" in err
    assert "my-secret-passphrase" not in err


def test_rotation_re_encrypts_everything_and_the_old_key_is_then_not_needed(capsys, monkeypatch):
    relier(capsys, "centre", "add", "Centre A")
    relier(capsys, "staff", "add", "555", "--name", "Claire Dubreuil", "--role", "psychologist")
    relier(capsys, "staff", "add", "556", "--name", "Samir Haddad", "--role", "coordinator")
    code, out, _ = relier(capsys, "keys", "status", "--json")
    old_id = json.loads(out)["current_key"]
    assert code == 0 and json.loads(out)["columns"]["people.name"] == {old_id: 2}

    monkeypatch.setenv("RELIER_DATA_KEY", OTHER_DATA_KEY)
    code, _, err = relier(capsys, "cases")  # a command reading names: the old key is missing, and it is said
    assert code == 2 and old_id in err and "RELIER_DATA_KEYS_OLD" in err

    monkeypatch.setenv("RELIER_DATA_KEYS_OLD", TEST_DATA_KEY)
    code, out, _ = relier(capsys, "keys", "rotate", "--batch", "1", "--json")
    report = json.loads(out)
    assert code == 0 and report["columns"]["people.name"]["reencrypted"] == 2
    assert report["left"] == 0 and report["key"] != old_id
    code, out, _ = relier(capsys, "keys", "rotate")
    assert code == 0 and "people.name: 0 re-encrypted, 0 encrypted (were plain text), 2 already" in out
    assert "the old keys are no longer needed" in out

    monkeypatch.delenv("RELIER_DATA_KEYS_OLD")
    code, out, _ = relier(capsys, "keys", "status")
    assert code == 0 and f"people.name: 2 under key {report['key']}" in out
    code, out, _ = relier(capsys, "staff", "add", "557", "--name", "Lina", "--role", "admin", "--json")
    assert code == 0 and json.loads(out)["name"] == "Lina"


def test_rotate_needs_the_new_key(capsys, monkeypatch):
    monkeypatch.delenv("RELIER_DATA_KEY")
    monkeypatch.setenv("RELIER_ALLOW_PLAINTEXT", "1")
    code, _, err = relier(capsys, "keys", "rotate")
    assert code == 2 and "RELIER_DATA_KEY" in err and "RELIER_DATA_KEYS_OLD" in err


def test_run_refuses_a_database_written_with_a_key_it_was_not_given(capsys, monkeypatch):
    relier(capsys, "centre", "add", "Centre A")
    relier(capsys, "staff", "add", "555", "--name", "Claire", "--role", "psychologist")
    monkeypatch.setenv("RELIER_BOT_TOKEN", "123456:ABC")
    monkeypatch.setenv("RELIER_DATA_KEY", OTHER_DATA_KEY)
    code, _, err = relier(capsys, "run")  # stops before any call to Telegram
    assert code == 2 and "not given" in err and "relier keys status" in err


def test_unknown_settings_are_named_at_start_never_their_value(capsys, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("RELIER_DATA_KEYS", "value-that-must-not-show")  # a typo of RELIER_DATA_KEYS_OLD
    (tmp_path / ".env").write_text("RELIER_WEBHOOK_PORTT=8443\nRELIER_LOG_LEVEL=INFO\n")
    with caplog.at_level(logging.WARNING):
        code, _, err = relier(capsys, "db", "upgrade")
    assert code == 0
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("RELIER_DATA_KEYS " in m for m in warned) and any("RELIER_WEBHOOK_PORTT" in m for m in warned)
    assert not any("RELIER_LOG_LEVEL" in m or "RELIER_DATA_KEY " in m for m in warned)
    assert "value-that-must-not-show" not in err + "".join(warned)
