"""« Talk to someone »: ask for a psychologist of the centre, or find who to call now.

One question at a time, with buttons. A request is an escalation (`open_or_raise`, source "request"):
one open per person, so asking again, or adding a message, joins the open one. A young person's
request is theirs alone: their parents are never told. Nothing here promises a quick answer; outside
the centre's opening hours the person is told when the team will read it (dialogs.cases.followup).
"""

from __future__ import annotations

from dialogs import texts
from dialogs.cases.announce import add_to_case, open_or_raise
from dialogs.cases.followup import outside_opening_hours
from dialogs.cases.words import staff_name
from dialogs.cases.status import last_closed
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows.checkin_rules import MESSAGE_MAX
from dialogs.i18n import _, format_when, pgettext
from dialogs.triage import assess_text

FAMILY = frozenset({"parent", "youth"})
HARASSMENT_SITE = "https://www.education.gouv.fr/non-au-harcelement"


def youth(ctx: Ctx) -> bool:
    return ctx.role == "youth"


def say(ctx: Ctx, parent: str, young: str) -> str:
    """The parent's sentence (« vous ») or the young person's (« tu »), both already translated."""
    return young if youth(ctx) else parent


def draft(ctx: Ctx) -> dict:
    value = ctx.data.get("talk")
    return value if isinstance(value, dict) else {}


def back(ctx: Ctx) -> tuple[Choice, ...]:
    return (Choice(say(ctx, _("« Back"), pgettext("youth", "« Back")), "back"),)


def to_menu(ctx: Ctx) -> tuple[Choice, ...]:
    return (Choice(say(ctx, _("« Menu"), pgettext("youth", "« Menu")), "menu"),)


def sos() -> tuple[Choice, ...]:
    return (Choice(_("☎️ Emergency numbers"), "sos"),)


def not_told(ctx: Ctx) -> str:
    if not youth(ctx):
        return ""
    return "\n" + pgettext("youth", "🔒 It stays between you and the centre's team: your parents won't be told, "
                                "unless you are in danger and the team has to act to protect you.")


async def centre_phone(ctx: Ctx) -> str:
    centre = await ctx.centre()
    if centre is None or not centre.phone:
        return ""
    number = say(ctx, _("The centre's number: {phone}"), pgettext("youth", "The centre's number: {phone}"))
    return "\n" + number.format(phone=f"<b>{esc(centre.phone)}</b>")


# -- where a request stands ----------------------------------------------------------------


async def request_status(ctx: Ctx) -> str | None:
    """Where the person's open request stands, or None when nothing is open.

    Waiting for someone of the team, or taken by a staff member (their first name and role).
    """
    case = await ctx.uow.cases.open_for(ctx.person.id)
    if case is None:
        return None
    centre = await ctx.centre()
    when = esc(format_when(case.opened_at, centre.timezone)) if centre is not None else ""
    title = say(ctx, _("<b>Your request is with the centre's team</b> (since {when})."),
                pgettext("youth", "<b>Your request is with the centre's team</b> (since {when}).")).format(when=when)
    state = _("Where it stands: waiting for someone of the team to take it.")
    staff = await ctx.uow.people.get(case.taken_by) if case.taken_by is not None else None
    if staff is not None:
        state = say(ctx, _("Where it stands: {who} has taken it and writes to you here."),
                    pgettext("youth", "Where it stands: {who} has taken it and writes to you here.")
                    ).format(who=f"<b>{esc(staff_name(staff))}</b>")
    return f"{title}\n{state}"


async def render_start(ctx: Ctx) -> Screen:
    status = await request_status(ctx)
    if status is not None:
        text = status + not_told(ctx) + "\n\n" + say(
            ctx,
            _("If it becomes urgent, don't wait: call the emergency numbers. You can also add a message: the team "
              "will see it along with your request."),
            pgettext("youth", "If it becomes urgent, don't wait: call the emergency numbers. You can also add a "
                              "message: the team will see it along with your request."),
        )
        rows = ((Choice(_("✏️ Add a message"), "add"),), sos(), (Choice(_("📚 Useful resources"), "res"),),
                to_menu(ctx))
        if (await ctx.uow.cases.open_for(ctx.person.id)).taken_by is not None:
            rows = ((Choice(_("💬 Back to the conversation"), "relay"),), *rows[1:])
        return Screen(text, rows)
    text = "<b>" + _("💬 Talk to someone") + "</b>\n" + say(
        ctx,
        _("You can ask to talk to a psychologist of the centre, see who to call in an emergency, or find help "
          "outside the centre."),
        pgettext("youth", "You can ask to talk to a psychologist of the centre, see who to call if it's urgent, "
                          "or find other help."),
    ) + not_told(ctx) + await last_closed(ctx)
    rows = ((Choice(_("🧑‍⚕️ Talk to a psychologist of the centre"), "psy"),), sos(),
            (Choice(_("📚 Useful resources"), "res"),), to_menu(ctx))
    return Screen(text, rows)


async def press_start(ctx: Ctx, action: str) -> Next:
    if action == "psy":
        ctx.data["talk"] = {}
        return Next("urgent")
    if action == "add":
        return Next("add")
    if action == "relay":
        return Next("relay.open")
    return {"sos": Next("sos"), "res": Next("res")}.get(action, Next(MENU))


# -- asking for a psychologist ---------------------------------------------------------------


async def render_urgent(ctx: Ctx) -> Screen:
    hint = say(ctx, _("If someone is in danger right now, don't wait for the team: call 112 or the emergency "
                      "numbers."),
               pgettext("youth", "If you or someone else is in danger right now, don't wait for the team: call 112 "
                                 "or the emergency numbers."))
    rows = ((Choice(_("Yes, it's urgent"), "yes"),), (Choice(_("No, it can wait a few days"), "no"),), sos(),
            back(ctx))
    return Screen("<b>" + _("Is it urgent?") + "</b>\n" + hint, rows)


async def press_urgent(ctx: Ctx, action: str) -> Next:
    if action in ("yes", "no"):
        ctx.data["talk"] = {"urgent": action == "yes"}
        return Next("message")
    return Next("sos") if action == "sos" else Next("start")


async def render_message(ctx: Ctx) -> Screen:
    text = say(ctx, _("Write a few words if you want, or skip. Only the centre's team will read them."),
               pgettext("youth", "Write a few words if you want, or skip. Only the centre's team will read them, "
                                 "not your parents."))
    return Screen(text, ((Choice(say(ctx, _("Skip"), pgettext("youth", "Skip")), "skip"),), back(ctx)))


async def press_message(ctx: Ctx, action: str) -> Next:
    if "urgent" not in draft(ctx):
        return Next("start")
    if action == "skip":
        ctx.data["talk"] = {"urgent": draft(ctx)["urgent"]}
        return Next("confirm")
    return Next("urgent")


async def type_message(ctx: Ctx, text: str) -> Next:
    """The text was screened by the engine first; alarming words are kept and the request sent at once."""
    if "urgent" not in draft(ctx):
        return Next("start")
    message = text.strip()[:MESSAGE_MAX] or None
    alarming = message is not None and assess_text(message, ctx.locale).level == "urgent"
    ctx.data["talk"] = {"urgent": draft(ctx)["urgent"] or alarming, "message": message}
    if alarming:
        return await send(ctx)
    return Next("confirm")


async def render_confirm(ctx: Ctx) -> Screen:
    request = draft(ctx)
    urgent = _("Urgent: yes") if request.get("urgent") else _("Urgent: no, it can wait a few days")
    message = request.get("message")
    said = _("Your message: « {message} »").format(message=esc(message)) if message else _("No message")
    text = (say(ctx, _("<b>Your request</b>, to a psychologist of the centre:"),
                pgettext("youth", "<b>Your request</b>, to a psychologist of the centre:"))
            + f"\n• {urgent}\n• {said}" + not_told(ctx))
    rows = ((Choice(_("✅ Send my request"), "send"),), back(ctx))
    return Screen(text, rows)


async def press_confirm(ctx: Ctx, action: str) -> Next:
    if "urgent" not in draft(ctx):
        return Next("start")
    return await send(ctx) if action == "send" else Next("message")


async def send(ctx: Ctx) -> Next:
    """Record the request: a new escalation, or joined to the open one (never lowering its level)."""
    request = draft(ctx)
    urgent = bool(request.get("urgent"))
    snapshot = {"message": request.get("message") or None, "urgent": urgent, "role": ctx.role}
    person = ctx.person
    child_id = person.child_id if youth(ctx) else None
    await ctx.uow.people.note_name(person.id, ctx.event.display_name)  # the staff's card names them
    before = await ctx.uow.escalations.open_for(person.id)
    case = await open_or_raise(  # the staff are told if it opened or its level rose
        ctx.uow, person.centre_id, person.id, child_id, "urgent" if urgent else "high", "request", "request", snapshot
    )
    if before is not None:  # joined: the request goes on the case, and to the staff, even at the same level
        await add_to_case(ctx.uow, case.id, "request", request.get("message") or "", case.level, "request")
    ctx.data.pop("talk", None)
    ctx.data["talk_done"] = {"urgent": urgent}
    return Next("done")


async def render_done(ctx: Ctx) -> Screen:
    done = ctx.data.get("talk_done") if isinstance(ctx.data.get("talk_done"), dict) else {}
    text = say(
        ctx,
        _("✅ <b>Your request is recorded.</b> The centre's team will see it, and someone will get back to you.\n"
          "The team reads requests during the centre's opening hours, so it can take some time."),
        pgettext("youth", "✅ <b>Your request is recorded.</b> A psychologist of the centre will see it and get "
                          "back to you.\nThe team reads requests during the centre's opening hours, so it can take "
                          "some time."),
    ) + not_told(ctx)
    centre = await ctx.centre()
    closed = outside_opening_hours(centre, ctx.now, youth(ctx)) if centre is not None else None
    if closed:  # honest: when the team will read it, and who to call meanwhile
        text += "\n\n" + closed
    elif done.get("urgent"):
        text += "\n\n" + say(
            ctx,
            _("If it cannot wait, or if someone is in danger, call the emergency numbers now."),
            pgettext("youth", "If it can't wait, or if you are in danger, call the emergency numbers now."),
        ) + await centre_phone(ctx)
    return Screen(text, (sos(), to_menu(ctx)))


async def press_done(ctx: Ctx, action: str) -> Next:
    return Next("sos") if action == "sos" else Next(MENU)


# -- adding to an open request ---------------------------------------------------------------


async def render_add(ctx: Ctx) -> Screen:
    text = say(ctx, _("Write your message below: it will be added to your request."),
               pgettext("youth", "Write your message below: it will be added to your request. "
                                 "Your parents won't see it."))
    return Screen(text, (back(ctx),))


async def press_add(ctx: Ctx, action: str) -> Next:
    return Next("start")


async def type_add(ctx: Ctx, text: str) -> Next:
    message = text.strip()[:MESSAGE_MAX]
    if not message:
        return Next("add")
    case = await ctx.uow.escalations.open_for(ctx.person.id)
    if case is None:  # closed in the meantime: the message becomes a new request
        ctx.data["talk"] = {"urgent": assess_text(message, ctx.locale).level == "urgent", "message": message}
        return await send(ctx)
    await add_to_case(ctx.uow, case.id, "text", message)
    return Next("start", notice=_("✅ Added to your request."))


# -- who to call, where to read --------------------------------------------------------------


async def render_sos(ctx: Ctx) -> Screen:
    phone = await centre_phone(ctx)
    return Screen(texts.emergency_contacts(youth(ctx)) + ("\n" + phone if phone else ""), (back(ctx),))


async def render_resources(ctx: Ctx) -> Screen:
    text = say(
        ctx,
        _("<b>Useful resources</b>\n"
          "• <b>3018</b>: the national number against bullying and cyberbullying. Free, every day from 9:00 to "
          "23:00, also by chat in the 3018 app.\n"
          "• <b>Non au harcèlement</b>: the Education ministry's site about bullying at school, with advice for "
          "parents.\n"
          "• <b>Fil Santé Jeunes</b>, 0 800 235 236: free and anonymous, for young people aged 12 to 25."),
        pgettext("youth", "<b>Useful resources</b>\n"
                          "• <b>3018</b>: the national number against bullying and cyberbullying. Free, every day "
                          "from 9:00 to 23:00. You can also chat with them in the 3018 app.\n"
                          "• <b>Non au harcèlement</b>: the Education ministry's site about bullying at school.\n"
                          "• <b>Fil Santé Jeunes</b>, 0 800 235 236: free and anonymous, if you are 12 to 25."),
    )
    rows = ((Choice(_("🌐 Non au harcèlement"), url=HARASSMENT_SITE),), back(ctx))
    return Screen(text, rows)


async def press_back(ctx: Ctx, action: str) -> Next:
    return Next("start")


STEPS = frozenset({"talk.start", "talk.urgent", "talk.message", "talk.confirm", "talk.done", "talk.add", "talk.sos",
                   "talk.res", "relay.open"})

FLOW = Flow(
    "talk",
    [
        Step("start", render_start, press_start, anytime=True, roles=FAMILY, goes_to=STEPS),
        Step("urgent", render_urgent, press_urgent, roles=FAMILY, goes_to=STEPS),
        Step("message", render_message, press_message, type_message, roles=FAMILY, goes_to=STEPS, free_text=True),
        Step("confirm", render_confirm, press_confirm, roles=FAMILY, goes_to=STEPS),
        Step("done", render_done, press_done, anytime=True, roles=FAMILY, goes_to=STEPS),
        Step("add", render_add, press_add, type_add, roles=FAMILY, goes_to=STEPS, free_text=True),
        Step("sos", render_sos, press_back, anytime=True, roles=FAMILY, goes_to=STEPS),
        Step("res", render_resources, press_back, anytime=True, roles=FAMILY, goes_to=STEPS),
    ],
)
