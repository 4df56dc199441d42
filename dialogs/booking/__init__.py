"""What the parents' and the staff's session screens share: how a session reads, who to tell."""
