"""/help for staff: how cases are handled, in the words of the buttons they press."""

from __future__ import annotations

from dialogs.cases.closing import NO_ANSWER_AFTER
from dialogs.i18n import _


def staff_help() -> str:
    """The staff's /help (HTML, current locale)."""
    hours = int(NO_ANSWER_AFTER.total_seconds() // 3600)
    return _(
        "<b>Relier bot, staff side</b>. I am an automatic assistant: families reach the team through me.\n\n"
        "<b>Cases</b>: an alarming message, a worrying check-in or a request opens a case. Its card goes to the "
        "staff group (a topic per case), or privately to the psychologists on duty. /cases lists the open cases, "
        "/case 12 shows one.\n"
        "✋ <b>Take</b> the case: the family is told who will write to them.\n"
        "💬 <b>Reply</b>: in the staff group, write in the case's topic (or in reply to its card). In a private "
        "chat, press « ✍️ Write to the family » on the card, or reply to the card or to the family's message. "
        "Only the person who took the case writes to the family; messages go out signed with your first name "
        "and role, and a long one is sent in parts.\n"
        "🔒 <b>Notes</b>: « note: … » (or « note : … ») keeps a private note on the case, never shown to the "
        "family; it stays after closing.\n"
        "// at the start of a message keeps it between the staff.\n"
        "🏁 <b>Close</b> with an outcome; an urgent or high case asks you to confirm, and warns if nobody wrote "
        "to the family. « No answer » is possible {hours} hours after your last message.\n"
        "If a family leaves the bot (/stop), the case's topic is told what was deleted and what was kept."
    ).format(hours=hours)
