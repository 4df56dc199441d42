"""The `relier` command."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import os
import signal
import sys

from pydantic import ValidationError

from bot import admin_sessions, cli_keys, cli_outbox
from bot import cli_privacy
from bot.admin import Admin, AdminError
from bot.logsetup import configure_logging, pseudonym_key
from bot.cli_keys import NO_KEY, check_keys
from bot.settings import Settings, unknown_settings
from storage.crypto import Keyring, KeyProblem, UnreadableValue
from storage.errors import StoreError
from dialogs.triage.second_stage import use_cache_dir

NO_TOKEN = (
    "No bot token: create a bot with @BotFather in Telegram (https://t.me/BotFather), then set "
    "RELIER_BOT_TOKEN to the token it gives you, or try the bot in this terminal with `relier demo`."
)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    return number


def chat_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a Telegram chat id (a number such as -1001234567890)") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="relier", description="Relier bot: the Telegram companion of a Centre Relier.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the Telegram bot (long polling, or --webhook URL)")
    run.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram should call instead of polling")

    demo = sub.add_parser("demo", help="try the bot in this terminal, no token needed")
    demo.add_argument("--lang", choices=["fr", "en"], default=None, help="language of the demo people (default: fr)")
    demo.add_argument("--keep", metavar="FILE", help="keep the demo database in FILE instead of a throw-away file")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply the migrations (run and demo do it at start)")

    centre = sub.add_parser("centre", help="centres")
    centre_sub = centre.add_subparsers(dest="centre_command", required=True, metavar="ACTION")
    add_centre = centre_sub.add_parser("add", help="create a centre")
    add_centre.add_argument("name")
    add_centre.add_argument("--timezone", default="Europe/Paris", help="IANA time zone (default Europe/Paris)")
    add_centre.add_argument("--staff-chat", type=chat_id, metavar="CHAT_ID", help="id of the staff group chat")
    add_centre.add_argument("--phone", help="the number families can call, shown in the bot")
    add_centre.add_argument("--quiet-hours", default="21:00-08:00", metavar="HH:MM-HH:MM",
                            help="local hours when messages that are not urgent wait for the morning "
                                 "(default 21:00-08:00; none to switch off)")
    add_centre.add_argument("--opening-days", default="1-5", metavar="DAYS",
                            help="days the team reads messages, 1 = Monday (default 1-5)")
    add_centre.add_argument("--opening-hours", default="09:00-18:00", metavar="HH:MM-HH:MM",
                            help="local opening hours, told to families outside them (default 09:00-18:00)")
    add_centre.add_argument("--case-alerts", default="", metavar="KEY=MIN,...",
                            help="minutes before an untaken case is alerted again, e.g. urgent=10,"
                                 "urgent_coordinators=30,high=240,watch=1440 (these are the defaults)")
    cli_privacy.retention_arguments(add_centre, positive_int)
    add_centre.add_argument("--json", action="store_true", help="print one JSON object")
    cli_privacy.add_arguments(centre_sub, positive_int, positive_int)
    list_centres = centre_sub.add_parser("list", help="list the centres")
    list_centres.add_argument("--json", action="store_true")

    staff = sub.add_parser("staff", help="staff members")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add_staff = staff_sub.add_parser("add", help="register a staff member by Telegram user id")
    add_staff.add_argument("telegram_user_id", type=positive_int, metavar="TELEGRAM_USER_ID")
    add_staff.add_argument("--name", required=True)
    add_staff.add_argument("--role", required=True, choices=["psychologist", "coordinator", "admin"])
    add_staff.add_argument("--centre", type=positive_int, metavar="ID")
    add_staff.add_argument("--json", action="store_true")

    sessions = sub.add_parser("sessions", help="group sessions")
    sessions_sub = sessions.add_subparsers(dest="sessions_command", required=True, metavar="ACTION")
    admin_sessions.add_arguments(sessions_sub, positive_int)

    cli_outbox.add_arguments(sub, positive_int)
    cli_keys.add_arguments(sub, positive_int)

    cases = sub.add_parser("cases", help="list the open escalations of a centre, most urgent first")
    cases.add_argument("--centre", type=positive_int, metavar="ID")
    cases.add_argument("--json", action="store_true")

    triage = sub.add_parser("triage", help="print the triage of a text as JSON (to test phrases)")
    triage.add_argument("--lang", choices=["fr", "en"], default="fr")
    triage.add_argument("text", nargs="+", help="the message to assess")

    invite = sub.add_parser("invite", help="invitations")
    invite_sub = invite.add_subparsers(dest="invite_command", required=True, metavar="WHO")
    youth = invite_sub.add_parser("youth", help="a one-time link (7 days) for a young person to join")
    youth.add_argument("--family", type=positive_int, metavar="ID", help="join this family")
    youth.add_argument("--child", type=positive_int, metavar="ID", help="the young person is this child of a family")
    youth.add_argument("--centre", type=positive_int, metavar="ID")
    youth.add_argument("--parental-consent", action="store_true",
                       help="a parent has agreed to the young person joining (required under 15, or if the age is "
                            "not known); recorded on the invite")
    youth.add_argument("--age", type=positive_int, metavar="YEARS",
                       help="the young person's age, when no --child says it (15 or older: no parental consent needed)")
    youth.add_argument("--json", action="store_true")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "triage":
        from dialogs.triage import cli_json

        print(json.dumps(cli_json(" ".join(args.text), args.lang), ensure_ascii=False))
        return 0
    if args.command == "keys" and args.keys_command == "new":
        return cli_keys.print_new(args)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"relier: bad setting: {error.errors()[0]['loc'][0]}: {error.errors()[0]['msg']}", file=sys.stderr)
        return 2
    try:
        configure_logging(settings.log_level)  # bot.logsetup: libraries that would print contents are kept above it
    except ValueError as error:
        print(f"relier: bad setting: log_level: {error}", file=sys.stderr)
        return 2
    for name in unknown_settings(os.environ):  # named, never its value: it may be a key or a token
        logging.getLogger("relier").warning("unknown setting %s is ignored: see the settings in the README", name)
    if settings.cache_dir is not None:  # also from .env: the triage second stage keeps its trained model there
        use_cache_dir(settings.cache_dir)
    try:
        keyring = settings.keyring()
    except KeyProblem as error:
        print(f"relier: {error}", file=sys.stderr)
        return 2
    try:
        if args.command == "run":
            return run(settings, args.webhook, keyring)
        if args.command == "demo":
            from bot.console import run_demo

            return asyncio.run(run_demo(lang=args.lang or settings.default_locale, keep=args.keep, keyring=keyring))
        if args.command == "keys":
            return asyncio.run(cli_keys.command(settings.database_url, keyring, args))
        if not keyring.encrypts and not settings.allow_plaintext:  # a staff name would be stored in plain text
            print(NO_KEY, file=sys.stderr)
            return 2
        return asyncio.run(admin(settings, args, keyring))
    except (AdminError, StoreError) as error:
        print(f"relier: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def admin(settings: Settings, args: argparse.Namespace, keyring: Keyring) -> int:
    async with Admin(settings.database_url, keyring=keyring) as tool:
        await check_keys(tool.engine, keyring)
        if args.command == "db":
            print("database is up to date")
            return 0
        if args.command == "cases":
            found = await tool.open_cases(args.centre)
            if args.json:
                print(json.dumps(found, ensure_ascii=False))
            for c in [] if args.json else found:
                print(f"case {c['id']}: {c['level']} ({c['reason']}, from {c['source']}) person {c['person_id']}, "
                      f"opened {c['opened_at']}")
            if not found and not args.json:
                print("no open case")
            return 0
        if args.command == "sessions":
            return await admin_sessions.command(tool, args)
        if args.command == "outbox":
            return await cli_outbox.command(tool, args)
        if args.command == "centre" and args.centre_command == "retention":
            return await cli_privacy.command(tool, args)
        if args.command == "centre" and args.centre_command == "list":
            centres = await tool.list_centres()
            if args.json:
                print(json.dumps(centres, ensure_ascii=False))
            for c in [] if args.json else centres:
                print(f"centre {c['id']}: {c['name']} ({c['timezone']}), staff chat {c['staff_chat_id'] or 'none'}")
            return 0
        if args.command == "centre":
            out = await tool.add_centre(args.name, args.timezone, args.staff_chat, args.phone, args.quiet_hours,
                                        args.opening_days, args.opening_hours, args.case_alerts,
                                        cli_privacy.given(args))
            line = f"created centre {out['id']}: {out['name']} ({out['timezone']})"
        elif args.command == "staff":
            out = await tool.add_staff(args.telegram_user_id, args.name, args.role, args.centre)
            line = f"added staff {out['id']}: {out['name']}, {out['role']} of centre {out['centre_id']}"
        else:
            out = await tool.invite_youth(args.centre, args.family, args.child, args.parental_consent, args.age)
            username = settings.bot_username or await bot_username(settings)
            out["link"] = f"https://t.me/{username}?start={out['code']}" if username else None
            line = (
                f"invite link (one use, until {out['expires_at']}): {out['link']}"
                if username
                else f"invite code (one use, until {out['expires_at']}): {out['code']}\n"
                "set RELIER_BOT_USERNAME to print the link, or have the young person send the bot: "
                f"/start {out['code']}"
            )
    print(json.dumps(out, ensure_ascii=False) if args.json else line)
    return 0


async def bot_username(settings: Settings) -> str | None:
    if settings.bot_token is None:
        return None
    from bot.bootstrap import make_client

    client = make_client(settings.framework, settings.bot_token.get_secret_value(), settings.telegram_api_url)
    try:
        return (await client.get_me()).username
    except Exception:  # noqa: BLE001 - the code is still printed
        return None
    finally:
        await client.close()


def run(settings: Settings, webhook: str | None, keyring: Keyring) -> int:
    if settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if settings.framework == "ptb" and importlib.util.find_spec("telegram") is None:
        print('RELIER_FRAMEWORK=ptb needs python-telegram-bot: pip install -e ".[ptb]" (or unset it for aiogram).',
              file=sys.stderr)
        return 2
    if not keyring.encrypts and not settings.allow_plaintext:
        print(NO_KEY, file=sys.stderr)
        return 2
    from bot.telegram.errors import Unauthorized

    try:
        asyncio.run(serve(settings, webhook, keyring))
    except Unauthorized:
        print("Telegram refused the token: check RELIER_BOT_TOKEN (from @BotFather, like 123456:ABC...).",
              file=sys.stderr)
        return 2
    return 0


async def serve(settings: Settings, webhook: str | None, keyring: Keyring) -> None:
    from bot.bootstrap import build_bot, build_core
    from bot.runtime import DeliveryOptions

    log = logging.getLogger("relier")
    core = await build_core(settings.database_url, default_locale=settings.default_locale,
                            log_key=pseudonym_key(settings), keyring=keyring)
    try:
        await check_keys(core.store.engine, keyring, log)
    except UnreadableValue:
        await core.close()
        raise
    async with core.store.unit_of_work() as uow:
        if not await uow.centres.all():
            log.warning("no centre yet: families will be told the bot is not ready (relier centre add NAME)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bot = await build_bot(core, token=settings.bot_token.get_secret_value(), api_url=settings.telegram_api_url,
                          framework=settings.framework, options=DeliveryOptions.from_settings(settings),
                          updates_at_once=settings.updates_at_once)
    log.info("Telegram through %s", settings.framework)
    try:
        if webhook:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await bot.runtime.run_webhook(stop, webhook, settings.webhook_listen, settings.webhook_port, secret)
        else:
            health = (settings.webhook_listen, settings.health_port) if settings.health_port else None
            await bot.runtime.run_polling(stop, health)
    finally:
        await bot.close()
        log.info("stopped")


if __name__ == "__main__":
    sys.exit(main())
