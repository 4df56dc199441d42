"""`relier centre add --keep-…` and `relier centre retention`: how long a centre keeps what families write."""

from __future__ import annotations

import argparse
import json

from bot.admin import RETENTION, Admin

HELP = {
    "free_text": "months the free text of check-ins is kept (default 6)",
    "checkins": "months check-in answers are kept (default 24)",
    "closed_cases": "months a closed case (the safety record) is kept after closing (default 24)",
    "inactive": "months without a message after which a family member's data is removed, told 30 days "
                "before (default 24)",
}


def retention_arguments(parser: argparse.ArgumentParser, months) -> None:
    for key in RETENTION:
        parser.add_argument(f"--keep-{key.replace('_', '-')}", dest=f"keep_{key}", type=months, metavar="MONTHS",
                            help=HELP[key])


def add_arguments(centre_sub, months, positive_int) -> None:
    retention = centre_sub.add_parser("retention", help="show or change how long a centre keeps its data")
    retention.add_argument("--centre", type=positive_int, metavar="ID")
    retention_arguments(retention, months)
    retention.add_argument("--json", action="store_true", help="print one JSON object")


def given(args: argparse.Namespace) -> dict[str, int | None]:
    return {key: getattr(args, f"keep_{key}", None) for key in RETENTION}


def describe(centre: dict) -> str:
    keep = centre["retention_months"]
    return (f"centre {centre['id']} ({centre['name']}) keeps: free text {keep['free_text']} months, check-ins "
            f"{keep['checkins']} months, closed cases {keep['closed_cases']} months; silent families removed after "
            f"{keep['inactive']} months (told 30 days before)")


async def command(tool: Admin, args: argparse.Namespace) -> int:
    centre = await tool.set_retention(args.centre, given(args))
    print(json.dumps(centre, ensure_ascii=False) if args.json else describe(centre))
    return 0
