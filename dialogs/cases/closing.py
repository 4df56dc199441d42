"""The rules of closing a case safely.

- An urgent or high case is closed only after a confirmation, which warns when no staff message was
  ever sent to the family through the bot (the « relay_out » entries of the case's audit log).
- « No answer from the family » is refused until NO_ANSWER_AFTER has passed since the last staff
  message: the family must have had a message, and time to answer it. With no message at all it is
  refused too, with a kind explanation.
Texts are in the current locale (the caller chooses it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.cases.words import about, outcome_label, priority
from dialogs.events import esc
from dialogs.i18n import _, format_when

NO_ANSWER_AFTER = timedelta(hours=48)  # README, « Staff »: how long a family has to answer before « no answer »
CONFIRMED = ("urgent", "high")  # the levels whose closing asks « are you sure? »


async def last_staff_message(uow, case_id: int) -> datetime | None:
    """When a staff member last wrote to the family through the bot (None: never)."""
    times = [at for at, _actor, action, _detail in await uow.cases.audit_trail(case_id) if action == "relay_out"]
    return max(times) if times else None


async def no_answer_refusal(uow, case, person, timezone: str) -> str | None:
    """Why « no answer » cannot be chosen yet, in words; None when it can."""
    whom = about(person)
    last = await last_staff_message(uow, case.id)
    hours = int(NO_ANSWER_AFTER.total_seconds() // 3600)
    if last is None:
        return _("« No answer » is for someone who did not answer your messages, and nobody has written to {whom} "
                 "through the bot yet. Write to them first: if they still have not answered {hours} hours after "
                 "your last message, you can close the case this way.").format(whom=whom, hours=hours)
    if uow.clock.now() - last < NO_ANSWER_AFTER:
        return _("It is too soon for « no answer »: the last message to {whom} went out {when}. They have {hours} "
                 "hours to answer: from {then}, you can close the case this way. Until then it stays open, or "
                 "close it as resolved or referred.").format(
            whom=whom, when=esc(format_when(last, timezone)), hours=hours,
            then=esc(format_when(last + NO_ANSWER_AFTER, timezone)))
    return None


async def confirmation(uow, case, person, outcome: str, partner: str | None) -> str:
    """« Close case #12 (🔴 Urgent) as « resolved »? », with a warning when nobody ever wrote to the family."""
    label = outcome_label(outcome, partner, youth=person is not None and person.role == "youth")
    text = "<b>" + _("Close case #{id} ({priority}) as « {outcome} »?").format(
        id=case.id, priority=priority(case.level), outcome=esc(label)) + "</b>"
    if await last_staff_message(uow, case.id) is None:
        text += "\n\n" + _("⚠️ No message was ever sent to {whom} through the bot. If you reached them another "
                           "way (by phone, in person), say so in a « note: … » before closing.").format(
            whom=about(person))
    return text
