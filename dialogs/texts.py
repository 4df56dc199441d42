"""Sentences used by several flows. Functions, so they are translated when called."""

from __future__ import annotations

from dialogs.i18n import _, pgettext


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


def privacy_notice(youth: bool = False) -> str:
    if youth:
        return pgettext(
            "youth",
            "<b>Privacy</b>\n"
            "• What is kept: your Telegram account ID (not your phone number), your language and your answers.\n"
            "• Who reads it: only the team of your Centre Relier (psychologists, social workers, coordinators). "
            "Not your parents.\n"
            "• If you are in danger, the team will act to protect you.\n"
            "• You can delete everything at any time with /stop.",
        )
    return _(
        "<b>Privacy</b>\n"
        "• What is kept: your Telegram account ID (not your phone number), your language, and what you tell "
        "the bot (your children's first names, ages and school levels, later your answers).\n"
        "• Who reads it: only the team of your Centre Relier (psychologists, social workers, coordinators). "
        "Nothing is sold or shared for advertising.\n"
        "• A young person's own answers go to the centre's team only: they are never shown to their parents.\n"
        "• You can delete everything at any time with /stop."
    )


def not_ready() -> str:
    return _(
        "This bot is not ready yet: the centre has not finished setting it up. "
        "Please contact your Centre Relier directly."
    )
