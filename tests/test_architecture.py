"""The shape of the code: dependencies point inward, flows are complete graphs."""

from __future__ import annotations

import ast
import pathlib

import pytest

from dialogs.flow import BACK_TO_CURRENT, CALLBACK_LIMIT, END, MENU, encode
from dialogs.flows import all_flows

ROOT = pathlib.Path(__file__).resolve().parent.parent
TELEGRAM = ("aiogram", "telegram", "aiohttp")


def imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found += [(str(path.relative_to(ROOT)), node.module)]
    return found


@pytest.mark.parametrize("package", ["dialogs", "storage"])
def test_the_core_imports_no_telegram_framework(package):
    offenders = [(f, m) for f, m in imports(package) if m.split(".")[0] in TELEGRAM]
    assert offenders == []


def test_each_framework_is_imported_by_its_adapter_only():
    """aiogram only under bot/aiogram/, python-telegram-bot only under bot/ptb/: the rest of the
    Telegram layer (replies, the outbox and case senders, polling) is written once for both."""
    where = {"aiogram": "bot/aiogram/", "telegram": "bot/ptb/"}
    offenders = [(f, m) for f, m in imports("bot") if m.split(".")[0] in where
                 and not f.startswith(where[m.split(".")[0]])]
    assert offenders == []
    assert {m.split(".")[0] for f, m in imports("bot") if f.startswith("bot/ptb/")} & {"telegram"}
    assert {m.split(".")[0] for f, m in imports("bot") if f.startswith("bot/aiogram/")} & {"aiogram"}


def test_dialogs_use_no_sql_directly_and_storage_knows_no_dialogs():
    assert [(f, m) for f, m in imports("dialogs") if m.split(".")[0] in ("sqlalchemy", "bot")] == []
    assert [(f, m) for f, m in imports("storage") if m.split(".")[0] in ("dialogs", "bot")] == []


def test_no_clock_is_read_directly_in_dialogs_or_storage():
    for package in ("dialogs", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for forbidden in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time("):
                if forbidden in text and not path.name == "clock.py":
                    pytest.fail(f"{path.relative_to(ROOT)} reads the clock with {forbidden}")


def places():
    flows = {f.name: f for f in all_flows()}
    return flows, {f"{f.name}.{s}" for f in flows.values() for s in f.steps}


def test_every_jump_target_exists():
    flows, known = places()
    for flow in flows.values():
        for step in flow.steps.values():
            for target in step.goes_to:
                assert target in known, f"{flow.name}.{step.name} -> {target} does not exist"


def test_every_step_is_reachable():
    flows, known = places()
    # Entry points: what commands and the engine open directly, and the buttons of messages sent from
    # the outbox (a case's follow-up question).
    reached = {"onb.welcome", "youth.welcome", "menu.main", "info.help", "info.privacy", "info.language",
               "forget.confirm", "relay.followup", "said.offer", "clarify.ask",  # the engine, on text
               "cases.write", "cases.reply"}  # a card's « ✍️ Write to the family »; a staff member's text
    frontier = list(reached)
    while frontier:
        flow_name, _, step_name = frontier.pop().partition(".")
        step = flows[flow_name].steps[step_name]
        for target in step.goes_to | {f"{flow_name}.{step_name}"}:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert known - reached == set()


def test_special_targets_are_not_step_names():
    _flows, known = places()
    assert not {MENU, END, BACK_TO_CURRENT} & known


def test_button_data_fits_telegram_limit_or_is_refused():
    assert len(encode(999_999_999, "settings", "children", "c123456789").encode()) <= CALLBACK_LIMIT
    with pytest.raises(ValueError):
        encode(1, "settings", "invite", "x" * 64)


def test_source_files_stay_small():
    for package in ("bot", "dialogs", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" in str(path):
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            assert lines < 320, f"{path.relative_to(ROOT)} has {lines} lines: split it"
