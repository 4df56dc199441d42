"""Typed errors of the store, turned into kind words by the dialogs or the CLI."""


class StoreError(Exception):
    """Base of the errors a caller is expected to handle."""


class NotFound(StoreError):
    pass


class Duplicate(StoreError):
    pass


class ConversationChanged(StoreError):
    """Someone else moved this conversation on since it was read: read it again."""


class InviteUnusable(StoreError):
    """The invite is unknown, expired or already used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown", "expired" or "used"
