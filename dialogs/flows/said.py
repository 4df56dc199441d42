"""Text typed where the bot asked for a tap: a person who writes is talking to the centre.

Nothing they write is thrown away without them knowing:
- with a case taken by a staff member, the text goes to that person, wherever the family is in the menus;
- with a case waiting for someone, it is added to it (the staff see it on the case);
- otherwise it is kept in the conversation and the person chooses, in one tap, to send it to the team,
  to add it to the check-in they are doing, or not to send it (then it is not kept).
Before joining (or for staff) nothing can be passed on, and the notice says so.
"""

from __future__ import annotations

from dialogs import texts
from dialogs.cases import relay, writing
from dialogs.cases.announce import add_to_case
from dialogs.cases.words import staff_name
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import BACK_TO_CURRENT, Choice, Flow, Next, Screen, Step
from dialogs.flows import talk
from dialogs.flows.checkin_rules import MESSAGE_MAX
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})
OFFER = "said.offer"
SHOWN = 300  # characters of the message repeated on the offer


def said(ctx: Ctx) -> str:
    value = ctx.data.get("said")
    return value.get("text", "") if isinstance(value, dict) else ""


def check_in_draft(ctx: Ctx) -> dict | None:
    """The check-in the person is in the middle of (a parent's or a young person's), if any."""
    for slot in ("chk", "ychk"):
        value = ctx.data.get(slot)
        if isinstance(value, dict) and value.get("id") and ctx.conversation.flow == slot:
            return value
    return None


async def unheard(ctx: Ctx, text: str) -> tuple[str | None, str]:
    """Route text the current step does not take: (a place to show on top, or None; a notice)."""
    message = text.strip()[:MESSAGE_MAX]
    if ctx.person is None:
        return None, _("I can't pass messages on before you have joined: nothing was sent. "
                       "Please use the buttons below.")
    if ctx.person.role == "staff":  # a reply to a card, in private: to the family of one of their cases
        return await writing.unheard(ctx, text)
    if ctx.person.role not in FAMILY or not message:
        return None, texts.use_buttons()
    case, staff = await relay.conversation(ctx)
    if case is not None and staff is not None:  # someone holds the case: it goes to them
        await relay.type_open(ctx, message)
        return None, talk.say(ctx, _("✅ Sent to {who}.").format(who=esc(staff_name(staff))),
                              pgettext("youth", "✅ Sent to {who}.").format(who=esc(staff_name(staff))))
    if case is not None:  # waiting for someone: the message joins the request
        await add_to_case(ctx.uow, case.id, "text", message)
        return None, talk.say(ctx, _("✅ Added to your request: the team will read it with it."),
                              pgettext("youth", "✅ Added to your request: the team will read it with it."))
    ctx.data["said"] = {"text": message, "at": ctx.now.isoformat()}
    return OFFER, ""


async def render_offer(ctx: Ctx) -> Screen:
    message = said(ctx)
    if not message:
        return Screen(texts.use_buttons(), ((Choice(_("OK"), "drop"),),))
    shown = message if len(message) <= SHOWN else message[:SHOWN].rstrip() + "…"
    text = talk.say(
        ctx,
        _("I haven't passed on what you wrote yet:\n<i>« {message} »</i>\n\nWhat should I do with it?"),
        pgettext("youth", "I haven't passed on what you wrote yet:\n<i>« {message} »</i>\n\nWhat should I do "
                          "with it?"),
    ).format(message=esc(shown))
    rows = [(Choice(talk.say(ctx, _("📨 Send it to the centre's team"), pgettext("youth", "📨 Send it to the "
                                                                                          "centre's team")), "team"),)]
    if check_in_draft(ctx) is not None:
        rows.append((Choice(talk.say(ctx, _("📝 Add it to the check-in"), pgettext("youth", "📝 Add it to my "
                                                                                            "check-in")), "chk"),))
    rows.append((Choice(talk.say(ctx, _("✖️ Don't send it"), pgettext("youth", "✖️ Don't send it")), "drop"),))
    return Screen(text + talk.not_told(ctx), tuple(rows))


async def press_offer(ctx: Ctx, action: str) -> Next:
    message = said(ctx)
    ctx.data.pop("said", None)
    if not message:
        return Next(BACK_TO_CURRENT)
    if action == "team":
        ctx.data["talk"] = {"urgent": False, "message": message}
        await talk.send(ctx)  # a request to the team, with the message
        return Next("talk.done")
    draft = check_in_draft(ctx)
    if action == "chk" and draft is not None:
        draft["notes"] = [*(draft.get("notes") or []), message][-10:]
        return Next(BACK_TO_CURRENT, notice=talk.say(
            ctx, _("📝 Added: it will go with your check-in's answers."),
            pgettext("youth", "📝 Added: it will go with your check-in's answers.")))
    return Next(BACK_TO_CURRENT, notice=talk.say(ctx, _("All right: not sent, and not kept."),
                                                 pgettext("youth", "All right: not sent, and not kept.")))


def with_notes(draft: dict, message: str | None) -> str | None:
    """A check-in's message: what was added along the way, then what was typed at the end."""
    parts = [n for n in draft.get("notes") or [] if isinstance(n, str) and n] + ([message] if message else [])
    return "\n".join(parts)[:MESSAGE_MAX] or None


FLOW = Flow(
    "said",
    [
        # On top of where the person is: after a choice they are back on the same question.
        Step("offer", render_offer, press_offer, anytime=True, overlay=True, roles=FAMILY,
             goes_to=frozenset({"talk.done"})),
    ],
)
