"""Every flow of the bot, in the order the engine learns them."""

from __future__ import annotations

from dialogs.flow import Flow


def all_flows() -> list[Flow]:
    from dialogs.flows import checkin, child, forget, info, menu, onboarding, schedule, settings, youth, youth_checkin

    return [
        onboarding.FLOW, child.FLOW, youth.FLOW, menu.FLOW, settings.FLOW, info.FLOW, forget.FLOW,
        checkin.FLOW, youth_checkin.FLOW, schedule.FLOW,
    ]
