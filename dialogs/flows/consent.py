"""A new version of the privacy notice is agreed to before the next check-in (texts.NOTICE_VERSION).

The check-in steps send the person here when the version they agreed to is older; agreeing records the
time and version and goes on to the check-in, « Not now » leaves the check-in for later.
"""

from __future__ import annotations

from dialogs import texts
from dialogs.context import Ctx
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})
AFTER = {"parent": "chk.hub", "youth": "ychk.start"}  # where agreeing leads


def outdated(ctx: Ctx) -> bool:
    """Whether this person must see the notice again before a check-in."""
    return ctx.person is not None and ctx.role in FAMILY and ctx.person.consent_version != texts.NOTICE_VERSION


async def render_renew(ctx: Ctx) -> Screen:
    youth = ctx.role == "youth"
    head = pgettext("youth", "Before your check-in: what the bot keeps about you has been explained again. "
                             "Please read it:") if youth else \
        _("Before your check-in: the privacy notice has changed. Please read it:")
    question = pgettext("youth", "Is that OK for you?") if youth else _("Do you agree to this?")
    body = f"{head}\n\n{texts.privacy_notice(youth=youth, centre=await ctx.centre())}\n\n{question}"
    agree = pgettext("youth", "Yes, let's go") if youth else _("I agree")
    return Screen(body, ((Choice(agree, "yes"),), (Choice(_("Not now"), "no"),)))


async def press_renew(ctx: Ctx, action: str) -> Next:
    if action == "yes":
        await ctx.uow.people.record_consent(ctx.person.id, texts.NOTICE_VERSION)
        return Next(AFTER.get(ctx.role or "", MENU))
    if action == "no":
        notice = pgettext("youth", "OK. The check-in waits until you agree. With /privacy you can also download or "
                                   "delete your data.") if ctx.role == "youth" else \
            _("All right. The check-in waits until you agree. With /privacy you can also download or delete your "
              "data.")
        return Next(MENU, notice=notice)
    return Next("renew")


FLOW = Flow("consent", [
    Step("renew", render_renew, press_renew, roles=FAMILY,
         goes_to=frozenset({"consent.renew", "chk.hub", "ychk.start"})),
])
