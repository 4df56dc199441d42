"""`relier demo` shows at once what the bot left in the outbox for somebody else."""

from __future__ import annotations

import io
from datetime import timedelta

from bot import demo_data
from bot.console import Demo
from dialogs.events import Attachment, Reply
from dialogs.reminders.payload import reply_payload


async def test_the_demo_prints_the_due_outbox_messages_and_marks_them_sent(core, clock, tmp_path):
    other = demo_data.OTHER_PARENTS[0]
    async with core.store.unit_of_work() as uow:
        promoted = Reply(other, "Bonne nouvelle : une place s'est libérée.",
                         attachment=Attachment("session.ics", content=b"BEGIN:VCALENDAR\r\n"))
        due = await uow.outbox.enqueue(other, reply_payload(promoted), clock.now())
        later = await uow.outbox.enqueue(other, reply_payload(Reply(other, "Plus tard")),
                                         clock.now() + timedelta(hours=9))
        stale = await uow.outbox.enqueue(other, {"type": "reminder", "booking": 999, "before": 7200,
                                                 "starts": clock.now().isoformat()}, clock.now(), kind="reminder")
        await uow.commit()
    out = io.StringIO()
    demo = Demo(core, "fr", out, clock, files=str(tmp_path))
    await demo.deliver_outbox()
    screen = out.getvalue()
    assert "--- Le bot écrit à une autre famille de la démo : ---" in screen or "another family" in screen
    assert "Bonne nouvelle" in screen and "session.ics" in screen
    assert "Plus tard" not in screen  # not due yet: held, as the real bot would
    async with core.store.unit_of_work() as uow:
        states = [(await uow.outbox.get(id)).state for id in (due, later, stale)]
    assert states == ["sent", "pending", "dropped"]
    assert (tmp_path / "1-session.ics").read_bytes() == b"BEGIN:VCALENDAR\r\n"
