"""Retention, applied once a day per centre (bot.runtime), with the centre's own periods in months
(`relier centre retention`; defaults in storage.models.Centre and the README):

- the free text of check-ins older than `keep_text_months` is blanked (6);
- check-ins older than `keep_checkins_months` are deleted (24); a case keeps what it copied of one;
- cases closed more than `keep_cases_months` ago are deleted with their messages (24): the safety record
  ends there; the audit log keeps who did what and when, never any content;
- a parent or young person silent for `keep_inactive_months` (24) is told, NOTICE_BEFORE ahead, that their
  data will be removed on a date; writing anything to the bot before then keeps it (PersonRepository.seen).
  At the date, if they still said nothing and were told at least NOTICE_BEFORE ago, they are erased as by
  /stop (dialogs.flows.privacy_data.erase_person). Someone with an open case is left for the team to close it.

Each centre's run is claimed with a conditional update (CentreRepository.claim_retention), so of several
processes, or after a restart, one runs it per day. Time is the store's clock.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.events import Reply, esc
from dialogs.i18n import _, format_when, pgettext, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload
from dialogs.reminders.quiet import after_quiet_hours
from storage.records import CentreRecord, PersonRecord

log = logging.getLogger("relier.retention")

EVERY = timedelta(hours=20)  # a centre's run is claimed again after this: daily, whatever the start time
NOTICE_BEFORE = timedelta(days=30)
SLACK = timedelta(days=1)  # a notice sent a day's run late still counts as a month's notice


@dataclass
class RetentionRun:
    centres: int = 0
    texts: int = 0
    checkins: int = 0
    cases: int = 0
    notices: int = 0
    removed: int = 0


def months_before(instant: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = instant.year * 12 + instant.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(instant.day, calendar.monthrange(year, month + 1)[1])
    return instant.replace(year=year, month=month + 1, day=day)


async def apply_retention(store, default_locale: str = "fr") -> RetentionRun:
    """Run every centre's retention that is due; what was done, in counts."""
    run = RetentionRun()
    async with store.unit_of_work() as uow:
        centres = await uow.centres.all()
    for centre in centres:
        async with store.unit_of_work() as uow:
            if not await uow.centres.claim_retention(centre.id, EVERY):
                continue
            now = uow.clock.now()
            run.centres += 1
            run.texts += await uow.retention.forget_free_text(centre.id, months_before(now, centre.keep_text_months))
            run.checkins += await uow.retention.forget_checkins(centre.id,
                                                               months_before(now, centre.keep_checkins_months))
            run.cases += await uow.retention.forget_closed_cases(centre.id,
                                                                 months_before(now, centre.keep_cases_months))
            await uow.commit()
        await _silent_people(store, centre, run, default_locale)
    if run.centres:
        log.info("retention centres=%d texts=%d checkins=%d cases=%d notices=%d removed=%d", run.centres,
                 run.texts, run.checkins, run.cases, run.notices, run.removed)
    return run


async def _silent_people(store, centre: CentreRecord, run: RetentionRun, default_locale: str) -> None:
    from dialogs.flows.privacy_data import erase_person  # the flows import the reminders, not the other way

    now = store.clock.now()
    remove_before = months_before(now, centre.keep_inactive_months)
    async with store.unit_of_work() as uow:
        silent = await uow.retention.silent_since(centre.id, remove_before + NOTICE_BEFORE, limit=1000)
    for person in silent:
        async with store.unit_of_work() as uow:
            told_at = await uow.retention.notice_sent_at(person.id)
            last = person.last_seen_at
            if told_at is None:
                await _tell(uow, centre, person, now + NOTICE_BEFORE, default_locale)
                run.notices += 1
            elif (last is None or last < remove_before) and now - told_at >= NOTICE_BEFORE - SLACK:
                if await uow.cases.open_for(person.id) is not None:
                    log.info("retention skipped person=%s: a case is open", person.id)
                    continue
                await erase_person(uow, person, default_locale)
                run.removed += 1
            else:
                continue
            await uow.commit()


async def _tell(uow, centre: CentreRecord, person: PersonRecord, on: datetime, default_locale: str) -> None:
    with use_locale(resolve_locale(person.locale, None, default_locale)):
        date = esc(format_when(on, centre.timezone, "d MMMM y"))
        if person.role == "youth":
            text = pgettext("youth", "Hi! You haven't used Relier for a long time. To protect your privacy, what the "
                                     "bot keeps about you will be deleted on {date}. To keep it, just send me a "
                                     "message before then (or /menu).").format(date=date)
        else:
            text = _("Hello. You have not used Relier for a long time. To protect your privacy, what the bot keeps "
                     "about you and your children will be deleted on {date}. To keep it, just send a message before "
                     "then (or /menu). To leave now, use /privacy.").format(date=date)
    now = uow.clock.now()
    due = after_quiet_hours(now, centre.timezone, centre.quiet_from, centre.quiet_until)
    await uow.outbox.enqueue(person.telegram_user_id, reply_payload(Reply(person.telegram_user_id, text)), due,
                             key=f"retention:{person.id}:{now.date().isoformat()}", kind="notice",
                             person_id=person.id)
    await uow.retention.note_notice(person.id)
    log.info("retention notice person=%s", person.id)
