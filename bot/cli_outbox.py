"""`relier outbox status|retry`: what waits to be sent, and failed messages sent again.

Only ids, chat ids, kinds, counts and error codes are printed, never a message's text.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

from sqlalchemy import func, select

from bot.admin import Admin, AdminError
from storage.models import OutboxMessage

FAILED_SHOWN = 20


def add_arguments(sub: Any, number: Callable[[str], int]) -> None:
    outbox = sub.add_parser("outbox", help="messages waiting to be sent (reminders, notices, alerts)")
    actions = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="counts by state, how late the oldest due message is, duplicates")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    retry = actions.add_parser("retry", help="send failed messages again: --all, or the ids given")
    retry.add_argument("ids", nargs="*", type=number, metavar="ID")
    retry.add_argument("--all", action="store_true", help="every failed message")
    retry.add_argument("--json", action="store_true")


async def status(tool: Admin) -> dict[str, Any]:
    store = tool.store
    now = store.clock.now()
    async with store.unit_of_work() as uow:
        found = await uow.outbox.status()
        failed = await uow.outbox.failed(limit=FAILED_SHOWN)
    async with store.engine.connect() as conn:
        due = await conn.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.state == "pending", OutboxMessage.due_at <= now)
        )
    counts = found.counts
    return {
        "pending": counts["pending"], "due_now": int(due or 0), "sending": counts["sending"],
        "failed": counts["failed"], "sent": counts["sent"], "dropped": counts["dropped"],
        "oldest_due_seconds": None if found.oldest_due_seconds is None else round(found.oldest_due_seconds, 1),
        "duplicates": found.duplicates,
        "failed_rows": [{"id": r.id, "chat_id": r.chat_id, "kind": r.kind, "attempts": r.attempts,
                         "error": r.last_error, "due_at": r.due_at.isoformat()} for r in failed],
    }


def age(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def status_text(out: dict[str, Any]) -> str:
    lines = [
        f"pending {out['pending']} (due now {out['due_now']}), sending {out['sending']}, failed {out['failed']}, "
        f"sent {out['sent']}, dropped {out['dropped']}",
        f"oldest due message waiting for: {age(out['oldest_due_seconds'])}",
        f"duplicates (sent again after a worker stopped mid-send): {out['duplicates']}",
    ]
    for row in out["failed_rows"]:
        lines.append(f"failed {row['id']}: {row['kind']} to chat {row['chat_id']}, {row['attempts']} attempt(s), "
                     f"error {row['error'] or '-'}")
    if out["failed"] > len(out["failed_rows"]):
        lines.append(f"... and {out['failed'] - len(out['failed_rows'])} more failed")
    if out["failed"]:
        lines.append("send them again with: relier outbox retry --all (or the ids)")
    return "\n".join(lines)


async def command(tool: Admin, args: argparse.Namespace) -> int:
    if args.outbox_command == "status":
        out = await status(tool)
        print(json.dumps(out, ensure_ascii=False) if args.json else status_text(out))
        return 0
    if args.all == bool(args.ids):
        raise AdminError("say which failed messages to send again: --all, or their ids (relier outbox status)")
    async with tool.store.unit_of_work() as uow:
        retried = await uow.outbox.retry_failed(None if args.all else args.ids)
        await uow.commit()
    result: dict[str, Any] = {"retried": retried}
    line = f"{retried} failed message(s) due again now: the running bot sends them within seconds"
    if args.ids and retried < len(set(args.ids)):
        result["not_failed"] = len(set(args.ids)) - retried
        line += f"\n{result['not_failed']} of the ids given were not failed messages (unknown, or sent already)"
    print(json.dumps(result) if args.json else line)
    return 0
