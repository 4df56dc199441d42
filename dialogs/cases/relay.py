"""The family side of a conversation with a staff member: what they write goes to the case's topic.

A family is moved here when a staff member takes their case (dialogs.cases.family). Text goes to
the staff chat as a « relay_in » row, photos, voice notes and documents as « copy_in » rows: both
urgent, never held by the quiet hours. The safety screening of the engine still runs first, so an
alarming message gets the emergency numbers at once (and raises the case). /menu and /help still
work; the menu offers to come back here while the case is open and taken.
"""

from __future__ import annotations

import logging

from dialogs import texts
from dialogs.cases.announce import add_to_case
from dialogs.cases.followup import FOLLOWUP_ANSWERS, answer_followup, followup_question
from dialogs.cases.words import family_label, say, staff_name
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import BACK_TO_CURRENT, MENU, STAY, Choice, Flow, Next, Screen, Step
from dialogs.flows.checkin_rules import MESSAGE_MAX
from dialogs.i18n import _, pgettext, use_locale

log = logging.getLogger("relier.cases")

FAMILY = frozenset({"parent", "youth"})
RELAYED_MEDIA = ("photo", "voice", "video", "video_note", "audio", "document", "animation", "sticker")


async def conversation(ctx: Ctx):
    """The person's open case and who took it, or (None, None)."""
    case = await ctx.uow.cases.open_for(ctx.person.id)
    if case is None or case.taken_by is None:
        return case, None
    return case, await ctx.uow.people.get(case.taken_by)


def youth(ctx: Ctx) -> bool:
    return ctx.role == "youth"


async def render_open(ctx: Ctx) -> Screen:
    case, staff = await conversation(ctx)
    menu = (Choice(say(ctx.person, _("« Menu"), pgettext("youth", "« Menu")), "menu"),)
    if case is None:
        return Screen(say(ctx.person, _("This conversation is closed. To reach the team again, choose « Talk to "
                                        "someone » in the menu."),
                          pgettext("youth", "This conversation is closed. To reach the team again, choose « Talk "
                                            "to someone » in the menu.")), (menu,))
    if staff is None:
        return Screen(say(ctx.person, _("Your request is waiting for someone of the team."),
                          pgettext("youth", "Your request is waiting for someone of the team.")), (menu,))
    text = say(ctx.person,
               _("💬 <b>Your conversation with {who} is open.</b>\nEverything you write here goes to them."),
               pgettext("youth", "💬 <b>Your conversation with {who} is open.</b>\nEverything you write here goes "
                                 "to them.")).format(who=esc(staff_name(staff)))
    rows = ((Choice(say(ctx.person, _("🏁 End the conversation"), pgettext("youth", "🏁 End the conversation")),
                    "end"),), (Choice(_("☎️ Emergency numbers"), "sos"),), menu)
    return Screen(text, rows)


async def press_open(ctx: Ctx, action: str) -> Next:
    if action == "end":
        return Next("end")
    if action == "sos":
        return Next("open", notice=texts.emergency_contacts(youth(ctx)))
    if action == "menu":
        return Next(MENU)
    return Next("open")


def _target(case, staff) -> tuple[int, int | None]:
    """Where the family's messages go: the case's topic (or card's chat) in the staff chat, else the
    staff member's private chat. Without topics the sender posts them as replies to the card."""
    if case.card_chat_id is not None and case.card_chat_id < 0:
        return case.card_chat_id, case.topic_id
    return staff.telegram_user_id, None


async def _pass_on(ctx: Ctx, payload: dict, detail: str) -> Next:
    case, staff = await conversation(ctx)
    if case is None or staff is None:
        return Next("open")
    chat_id, thread_id = _target(case, staff)
    await ctx.uow.outbox.enqueue(chat_id, {**payload, "case": case.id}, ctx.now, kind="relay", urgent=True,
                                 thread_id=thread_id)
    await ctx.uow.cases.audit(case.id, ctx.person.id, "relay_in", detail)
    log.info("relay in case=%s person=%s", case.id, ctx.person.id)
    return Next(STAY)


def _who(ctx: Ctx) -> str:
    with use_locale(ctx.config.default_locale):  # the staff chat reads the centre's language
        return family_label(ctx.person)


async def type_open(ctx: Ctx, text: str) -> Next:
    message = text.strip()[:MESSAGE_MAX]
    if not message:
        return Next(STAY)
    if ctx.event.display_name:
        await ctx.uow.people.note_name(ctx.person.id, ctx.event.display_name)
    case, staff = await conversation(ctx)
    if case is not None and staff is None:  # reopened, nobody on it yet: the message joins the request
        await add_to_case(ctx.uow, case.id, "text", message)
        return Next("open", notice=_("✅ Added to your request."))
    return await _pass_on(ctx, {"type": "relay_in", "text": f"👤 {esc(_who(ctx))}: {esc(message)}"}, "text")


async def media_open(ctx: Ctx) -> Next:
    if ctx.event.media not in RELAYED_MEDIA or ctx.event.message_id is None:
        return Next("open", notice=say(
            ctx.person, _("I cannot pass this kind of message on. Write it, or send a photo, a voice note or a file."),
            pgettext("youth", "I can't pass this kind of message on. Write it, or send a photo, a voice note or a "
                              "file.")))
    caption = f"👤 {esc(_who(ctx))}" + (f": {esc(ctx.event.text.strip())}" if ctx.event.text.strip() else "")
    payload = {"type": "copy_in", "from_chat": ctx.event.chat_id, "message_id": ctx.event.message_id,
               "caption": caption, "media": ctx.event.media}
    return await _pass_on(ctx, payload, "media")


async def render_end(ctx: Ctx) -> Screen:
    text = say(ctx.person,
               _("End the conversation? You can still write to the team later with « Talk to someone » in the menu."),
               pgettext("youth", "End the conversation? You can still write to the team later with « Talk to "
                                 "someone » in the menu."))
    rows = ((Choice(say(ctx.person, _("Yes, end it"), pgettext("youth", "Yes, end it")), "yes"),),
            (Choice(say(ctx.person, _("No, go on"), pgettext("youth", "No, go on")), "no"),))
    return Screen(text, rows)


async def press_end(ctx: Ctx, action: str) -> Next:
    if action != "yes":
        return Next("open")
    case, staff = await conversation(ctx)
    if case is not None and staff is not None:
        with use_locale(ctx.config.default_locale):
            text = _("🏁 {who} ended the conversation on their side. Close the case when you are ready.").format(
                who=esc(family_label(ctx.person)))
        await _pass_on(ctx, {"type": "relay_in", "text": text}, "end")
    notice = say(ctx.person, _("The conversation is ended. The team is still there if you need it."),
                 pgettext("youth", "The conversation is ended. The team is still there if you need it."))
    return Next(MENU, notice=notice)


async def render_followup(ctx: Ctx) -> Screen:
    return Screen(followup_question(ctx.person), ((Choice(_("« Menu"), "menu"),),))


async def press_followup(ctx: Ctx, action: str) -> Next:
    case_id, _sep, answer = action.partition(":")
    if not case_id.isdigit() or answer not in FOLLOWUP_ANSWERS:
        return Next(MENU)
    notice = await answer_followup(ctx, int(case_id), answer)
    return Next(BACK_TO_CURRENT, notice=notice)  # an overlay: where the person was stays as it was


FLOW = Flow(
    "relay",
    [
        Step("open", render_open, press_open, type_open, on_media=media_open, anytime=True, free_text=True,
             roles=FAMILY, goes_to=frozenset({"relay.open", "relay.end"})),
        Step("end", render_end, press_end, roles=FAMILY, goes_to=frozenset({"relay.open"})),
        Step("followup", render_followup, press_followup, anytime=True, overlay=True, roles=FAMILY),
    ],
)
