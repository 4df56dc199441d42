"""Why a case opened or rose, in the words a psychologist reads: never a rule's id."""

from __future__ import annotations

from dialogs.i18n import _, current_locale
from dialogs.triage import language_of
from dialogs.triage.rules import rules_for


def rule_words(reason: str | None, source: str | None = None) -> str:
    """Why a case opened (or rose), as a psychologist reads it: never a rule's id (plain text).

    Text triage rules are named by their family (the group of dialogs/triage/rules_*.toml, « suicide »
    in « suicide.3 »); the answer rules by their id in thresholds.toml; anything else by its source.
    """
    family = (reason or "").split(".")[0].split(":")[0].strip().lower()
    words = {
        # free text (dialogs/triage/rules_*.toml)
        "suicide": _("thoughts of suicide or of dying"),
        "no_will_to_live": _("no longer wanting to live"),
        "disappear": _("wanting to disappear"),
        "self_harm": _("self-harm"),
        "sexual_violence": _("sexual violence"),
        "physical_violence": _("physical violence or threats"),
        "hopeless": _("strong distress, without hope"),
        "incitement": _("someone pushing the child to suicide"),
        "bullying_severe": _("severe bullying (threats, extortion, pictures going around)"),
        "bullying": _("bullying"),
        "distress": _("sadness, fear or refusing school"),
        "mention": _("suicide or self-harm mentioned"),
        # check-in answers over the weeks (dialogs/triage/thresholds.toml)
        "absent_running": _("not at school at all, two weeks running"),
        "child_mood_low_running": _("the child at their lowest (1/5), two weeks running"),
        "youth_mood_low_running": _("at their lowest (1/5), two weeks running"),
        "unsafe_wants_talk": _("does not feel safe, and wants to talk"),
        "incident_low_mood": _("an incident this week, and the child's mood at 1 or 2 out of 5"),
        "child_mood_falling": _("the child's mood falling week after week"),
        "youth_mood_falling": _("their mood falling week after week"),
        "youth_not_safe": _("does not always feel safe"),
        "parent_mood_low": _("the parent at their lowest (1/5)"),
        # the learned second stage (dialogs/triage/second_stage.py) set the level, not a rule
        "second_stage": _("its level was set by the learned model, not by a rule; please read it"),
        # other reasons
        "wants_to_talk": _("wants to talk to someone"),
        "request": _("asked to talk to someone"),
        "staff": _("opened by the team"),
    }
    if family in words:
        return words[family]
    named = rules_for(language_of(current_locale())).names.get(family)
    if named and family != "unsure":  # a family of the triage rules: the words its rules file gives it
        return named
    if source == "checkin":
        return _("worrying check-in answers")
    if source == "text":
        return _("a worrying message")
    return _("a worrying sign")
