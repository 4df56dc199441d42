"""Sentences used by several flows. Functions, so they are translated when called."""

from __future__ import annotations

from dialogs.i18n import _, ngettext, pgettext
from storage.records import CentreRecord


def emergency_contacts(youth: bool) -> str:
    if youth:
        return pgettext(
            "youth",
            "<b>If you are in danger or thinking of hurting yourself, call now:</b>\n"
            "• <b>3114</b>: if you have dark thoughts, day and night\n"
            "• <b>119</b>: a child in danger, day and night\n"
            "• <b>3018</b>: bullying and cyberbullying, every day 9:00-23:00\n"
            "• <b>112</b>, <b>15</b> or <b>17</b>: emergency, right now\n"
            "• <b>114</b> by text message if you cannot speak\n"
            "• Fil Santé Jeunes, <b>0 800 235 236</b>: free and anonymous, ages 12-25"
        )
    return _(
        "<b>In an emergency, call now:</b>\n"
        "• <b>3114</b>: suicide prevention, day and night\n"
        "• <b>119</b>: a child in danger, day and night\n"
        "• <b>3018</b>: bullying and cyberbullying, every day 9:00-23:00\n"
        "• <b>112</b>, <b>15</b> (medical) or <b>17</b> (police): immediate danger\n"
        "• <b>114</b> by text message if you cannot speak"
    )


def edited_message() -> str:
    return _(
        "I only read new messages, not edits. If something changed, please send it again as a new message."
    )


def media_not_read() -> str:
    return _("I can only read text and buttons for now, so I could not open that.")


def use_buttons() -> str:
    return _("Please use the buttons below.")


def button_unknown() -> str:
    return _("This button no longer works. Here is where we are.")


def button_old() -> str:
    return _("This button is from an earlier message. Here is where we are.")


def button_not_for_you() -> str:
    return _("This button is not available to you.")


def unknown_command() -> str:
    return _("I don't know this command. Send /help to see what I can do.")


# The version of the privacy notice below. Change it whenever what the notice says changes: everyone is
# shown the new notice, and asked to agree again, before their next check-in (dialogs.flows.consent).
NOTICE_VERSION = "2"


def months(n: int) -> str:
    return ngettext("{n} month", "{n} months", n).format(n=n)


def privacy_notice(youth: bool = False, centre: CentreRecord | None = None) -> str:
    """What is kept, who reads it, for how long, and what the person can do: the notice they agree to."""
    keep = centre or CentreRecord(0, "", "Europe/Paris", None)  # the defaults, before a centre is known
    values = dict(text=months(keep.keep_text_months), checkins=months(keep.keep_checkins_months),
                  cases=months(keep.keep_cases_months), inactive=months(keep.keep_inactive_months))
    if youth:
        return pgettext(
            "youth",
            "<b>Privacy</b>\n"
            "• <b>What is kept</b>: your Telegram account number (not your phone number), the name Telegram shows, "
            "your language, your check-in answers, what you write to the bot and the workshops you book.\n"
            "• <b>Who reads it</b>: only the team of your Centre Relier (psychologists, social workers, "
            "coordinators). Not your parents. If you are in danger, the team will act to protect you.\n"
            "• <b>How long</b>: your messages {text}, your check-in answers {checkins}. If you don't write to the "
            "bot for {inactive}, everything is deleted (you are told a month before).\n"
            "• <b>Your choice</b>: with /privacy you can download your data or delete it, at any time (/stop "
            "deletes it too). "
            "If you have asked the team for help, the record of that request (what you wrote to the team and "
            "what they did) stays with the centre to protect you, without your name or your Telegram account, "
            "for {cases} after it is closed.",
        ).format(**values)
    return _(
        "<b>Privacy</b>\n"
        "• <b>What is kept</b>: your Telegram account number (not your phone number), the name Telegram shows, "
        "your language and settings, your children's first names, ages and school levels, your check-in answers, "
        "what you write to the bot, and your bookings.\n"
        "• <b>Who reads it</b>: only the team of your Centre Relier (psychologists, social workers, coordinators). "
        "Nothing is sold or shared for advertising. A young person's own answers go to the centre's team only: "
        "they are never shown to their parents.\n"
        "• <b>How long</b>: your messages {text}, check-in answers {checkins}. Without news from you for "
        "{inactive}, everything is deleted (you are told a month before).\n"
        "• <b>Your rights</b>: with /privacy you can download your data or delete it, at any time (/stop deletes "
        "it too). If you have "
        "asked the team for help, the record of that request (what you wrote to the team and what they did) stays "
        "with the centre for the child's protection, without your name or your Telegram account, for {cases} "
        "after it is closed."
    ).format(**values)


def not_ready() -> str:
    return _(
        "This bot is not ready yet: the centre has not finished setting it up. "
        "Please contact your Centre Relier directly."
    )
