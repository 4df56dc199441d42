"""Messages to other people than the one who pressed: each in the recipient's own language.

Today they leave with the update's replies; the durable outbox (reminders issue) will carry
them instead, through this one function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dialogs.events import Reply
from dialogs.i18n import use_locale
from storage.records import Recipient


def tell(recipients: Iterable[Recipient], write: Callable[[Recipient], Reply | list[Reply]],
         default_locale: str = "fr") -> list[Reply]:
    """Build each recipient's message with `write`, under their language."""
    replies: list[Reply] = []
    for recipient in recipients:
        with use_locale(recipient.locale or default_locale):
            made = write(recipient)
        replies.extend(made if isinstance(made, list) else [made])
    return replies
