"""Messages a person's action causes for other people go to the outbox, never straight out."""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.context import Ctx
from dialogs.events import Reply
from dialogs.reminders.payload import reply_payload
from dialogs.reminders.quiet import after_quiet_hours


async def queue_for_others(ctx: Ctx, replies: Iterable[Reply]) -> int:
    """Leave each reply in the outbox, due now, or at the end of the centre's quiet hours."""
    centre = await ctx.centre()
    due = ctx.now
    if centre is not None:
        due = after_quiet_hours(ctx.now, centre.timezone, centre.quiet_from, centre.quiet_until)
    count = 0
    for reply in replies:
        await ctx.uow.outbox.enqueue(reply.chat_id, reply_payload(reply), due, kind="notice",
                                     thread_id=reply.thread_id)
        count += 1
    return count
