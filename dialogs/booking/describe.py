"""How a group session reads on a phone, in the reader's language and the centre's time zone."""

from __future__ import annotations

from datetime import datetime

from dialogs.events import esc
from dialogs.i18n import N_, _, format_when, ngettext
from storage.records import SessionRecord

KINDS = {
    "group": N_("Parents' group"),
    "talk": N_("Participative talk"),
    "mediation": N_("Parent and child mediation"),
    "workshop": N_("Holiday workshop"),
}


YOUTH_GROUP = N_("Young people's group")


def kind_label(kind: str, audience: str = "parents") -> str:
    if kind == "group" and audience == "youth":
        return _(YOUTH_GROUP)
    return _(KINDS.get(kind, KINDS["group"]))


def when(session: SessionRecord, timezone: str) -> str:
    """"Thursday 3 December, 18:30 (1 h 30)", local time of the centre."""
    hours, minutes = divmod(session.minutes, 60)
    if hours and minutes:
        length = _("{hours} h {minutes:02d}").format(hours=hours, minutes=minutes)
    elif hours:
        length = _("{hours} h").format(hours=hours)
    else:
        length = _("{minutes} min").format(minutes=minutes)
    return f"{format_when(session.starts_at, timezone)} ({length})"


def seats(session: SessionRecord) -> str:
    """"3 places left", or "full, waiting list open" (neutral words, for parents and young people)."""
    if session.cancelled_at is not None:
        return _("cancelled")
    if session.seats_left > 0:
        return ngettext("{n} place left", "{n} places left", session.seats_left).format(n=session.seats_left)
    return _("full, waiting list open")


def line(session: SessionRecord, timezone: str) -> str:
    """One session in a list: title, then when, place and seats."""
    place = f" · {esc(session.place)}" if session.place else ""
    return f"<b>{esc(session.title)}</b>\n{esc(when(session, timezone))}{place}\n{esc(seats(session))}"


def card(session: SessionRecord, timezone: str) -> str:
    """The full description of one session."""
    lines = [f"<b>{esc(session.title)}</b>", esc(kind_label(session.kind, session.audience)), "", "🗓 " + esc(when(session, timezone))]
    if session.place:
        lines.append("📍 " + esc(session.place))
    lines.append("🪑 " + esc(seats(session)))
    if session.description:
        lines += ["", esc(session.description)]
    return "\n".join(lines)


def has_started(session: SessionRecord, now: datetime) -> bool:
    return session.started(now)
