"""What the bot sends on its own, later: check-in prompts, nudges, session reminders, notices."""
