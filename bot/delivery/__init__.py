"""Durable delivery of the messages that are not immediate replies: the outbox's dispatcher."""

from bot.delivery.dispatcher import Dispatcher, OnUnreachable, Preparer, Sender
from bot.delivery.limits import Limits, Pacer
from bot.delivery.result import SendResult
from storage.repos.outbox import OutboxRow, OutboxStatus

__all__ = ["Dispatcher", "Limits", "OnUnreachable", "OutboxRow", "OutboxStatus", "Pacer", "Preparer", "SendResult",
           "Sender"]
