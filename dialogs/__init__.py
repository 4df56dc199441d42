"""Conversation flows and their rules. No Telegram framework and no SQL session here."""
