"""`relier centre add --keep-…`, `relier centre retention` and `relier invite youth --parental-consent`."""

from __future__ import annotations

import json

from tests.test_cli import database, relier  # noqa: F401  (the CLI tests' database fixture)


def test_a_centre_keeps_its_data_for_the_months_it_chose(capsys):
    code, out, _ = relier(capsys, "centre", "add", "Centre A", "--keep-free-text", "3", "--json")
    assert code == 0 and json.loads(out)["retention_months"] == {"free_text": 3, "checkins": 24,
                                                                 "closed_cases": 24, "inactive": 24}
    code, out, _ = relier(capsys, "centre", "retention", "--keep-inactive", "12", "--keep-closed-cases", "36")
    assert code == 0 and "free text 3 months" in out and "closed cases 36 months" in out and "after 12 months" in out
    code, out, _ = relier(capsys, "centre", "retention")
    assert code == 0 and "check-ins 24 months" in out
    code, _, err = relier(capsys, "centre", "retention", "--keep-checkins", "0")
    assert code == 2 and "in months, from 1 to 120" in err


def test_a_staff_invitation_for_an_under_15_needs_a_parents_consent(capsys):
    relier(capsys, "centre", "add", "Centre A")
    code, _, err = relier(capsys, "invite", "youth")
    assert code == 2 and "parent's consent" in err and "--parental-consent" in err
    code, _, err = relier(capsys, "invite", "youth", "--age", "13")
    assert code == 2 and "under 15" in err
    code, out, _ = relier(capsys, "invite", "youth", "--age", "13", "--parental-consent", "--json")
    assert code == 0 and json.loads(out)["parental_consent"] is True
