"""Cases: what staff and families do with an escalation once it is open.

- card: the case card the staff read (in the staff chat, or privately), and a topic's name.
- staff_chat: events from group chats (and case buttons anywhere): take, close, relay, notes, /link.
- relay: the family side of an open conversation with a staff member.
- followup: the follow-up a week after a case is closed, and the centre's opening hours.
- announce: the staff told when a case opens or its level rises (the card, the first alert's time).
- timers: the alerts of the cases nobody took (10 and 30 minutes, 4 hours, 24 hours).
- render: case rows of the outbox written at send time (cards, alerts, relays, copies).
"""
