"""Tests of the check-in history chart and its caption."""
