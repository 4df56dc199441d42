"""Every flow of the bot, in the order the engine learns them."""

from __future__ import annotations

from dialogs.flow import Flow


def all_flows() -> list[Flow]:
    from dialogs.cases import relay
    from dialogs.flows import (
        cases, checkin, child, clarify, consent, forget, info, menu, onboarding, schedule, sessions, settings, staff_attendance,
        said, staff_session_edit, staff_session_new, staff_sessions, talk, youth, youth_checkin,
    )

    return [
        onboarding.FLOW, child.FLOW, youth.FLOW, menu.FLOW, settings.FLOW, info.FLOW, forget.FLOW, consent.FLOW,
        checkin.FLOW, youth_checkin.FLOW, schedule.FLOW, talk.FLOW, said.FLOW, clarify.FLOW, relay.FLOW, cases.FLOW,
        sessions.FLOW, staff_sessions.FLOW, staff_session_new.FLOW, staff_session_edit.FLOW, staff_attendance.FLOW,
    ]
