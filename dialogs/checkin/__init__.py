"""A child's check-in history turned into a picture and a few words, so parents see the weeks at a glance."""
