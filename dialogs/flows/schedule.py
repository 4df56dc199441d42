"""When a family wants to be asked for the weekly check-in, or a pause."""

from __future__ import annotations

from babel.dates import get_day_names

from dialogs.context import Ctx
from dialogs.flow import Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, current_locale, pgettext

FAMILY = frozenset({"parent", "youth"})
HOURS = tuple(range(8, 21))  # 8:00 to 20:00: never inside the default quiet hours (21:00-08:00)


def day_name(weekday: int) -> str:
    return get_day_names("wide", locale=current_locale())[weekday]


def describe(ctx: Ctx) -> str:
    """"Sunday at 18:00", or that check-ins are paused, in the reader's words."""
    if ctx.person.checkins_paused:
        return _("paused")
    return _("{day} at {hour}:00").format(day=day_name(ctx.person.checkin_weekday), hour=ctx.person.checkin_hour)


async def render_day(ctx: Ctx) -> Screen:
    youth = ctx.role == "youth"
    question = (pgettext("youth", "When do you want me to ask you? Now: {when}.") if youth
                else _("When would you like to be asked for the check-in? Now: {when}.")).format(when=describe(ctx))
    days = [Choice(day_name(d), f"d{d}") for d in range(7)]
    rows = [tuple(days[0:4]), tuple(days[4:7])]
    if ctx.person.checkins_paused:
        rows.append((Choice(_("▶️ Resume the check-ins"), "resume"),))
    else:
        rows.append((Choice(_("⏸ Pause the check-ins"), "pause"),))
    rows.append((Choice(_("« Settings"), "back"),))
    return Screen(question, tuple(rows))


async def press_day(ctx: Ctx, action: str) -> Next:
    if action in ("pause", "resume"):
        await ctx.uow.people.pause_checkins(ctx.person.id, action == "pause")
        ctx.person = await ctx.uow.people.get(ctx.person.id)
        notice = _("The check-ins are paused. You can resume them here at any time.") if action == "pause" \
            else _("The check-ins are back on.")
        return Next("day", notice=notice)
    if action.startswith("d") and action[1:].isdigit() and 0 <= int(action[1:]) <= 6:
        ctx.data["when_day"] = int(action[1:])
        return Next("hour")
    return Next("settings.main")


async def render_hour(ctx: Ctx) -> Screen:
    day = ctx.data.get("when_day", ctx.person.checkin_weekday)
    hours = [Choice(f"{h}:00", f"h{h}") for h in HOURS]
    rows = tuple(tuple(hours[i : i + 4]) for i in range(0, len(hours), 4))
    return Screen(_("At what time on {day}?").format(day=day_name(int(day))), rows + ((Choice(_("« Back"), "back"),),))


async def press_hour(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("day")
    day = ctx.data.get("when_day")
    if not (action.startswith("h") and action[1:].isdigit() and int(action[1:]) in HOURS and isinstance(day, int)):
        return Next("hour")
    await ctx.uow.people.set_checkin_time(ctx.person.id, day, int(action[1:]))
    await ctx.uow.people.pause_checkins(ctx.person.id, False)
    ctx.data.pop("when_day", None)
    ctx.person = await ctx.uow.people.get(ctx.person.id)
    return Next("settings.main", notice=_("Saved: {when}.").format(when=describe(ctx)))


FLOW = Flow(
    "when",
    [
        Step("day", render_day, press_day, anytime=True, roles=FAMILY,
             goes_to=frozenset({"when.day", "when.hour", "settings.main"})),
        Step("hour", render_hour, press_hour, roles=FAMILY, goes_to=frozenset({"when.day", "when.hour", "settings.main"})),
    ],
)
