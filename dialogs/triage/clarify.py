"""The one direct, non-leading question the bot asks when a message carries risk words but no rule is sure.

Asking directly about suicidal thoughts does not put the idea in anyone's head; a vague question
gets a vague answer. The safety flow asks it with the emergency numbers one tap away, and the
message goes to the centre's queue as a `watch` case whatever the answer: a "no" closes nothing.
"""

from __future__ import annotations

from dialogs.i18n import _, pgettext


def clarifying_question(role: str, about_child: bool = True) -> str:
    """The question in the person's language: "tu" for a young person, "vous" for a parent (about their child)."""
    if role == "youth":
        return pgettext("youth", "Are you having thoughts of hurting yourself or of not being alive any more?")
    if about_child:
        return _("Is your child having thoughts of hurting themselves or of not being alive any more?")
    return _("Are you having thoughts of hurting yourself or of not being alive any more?")
