"""`relier demo`: the same dialogs in a terminal. Buttons become numbered choices."""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from typing import TextIO

from bot import demo_data
from bot.bootstrap import Core, build_core
from dialogs.events import Button, Event, Kind, Reply
from dialogs.i18n import _, use_locale
from dialogs.reminders.payload import reply_from_payload
from dialogs.cases.render import CASE_TYPES, render_case_row
from dialogs.reminders.render import render
from storage.clock import Clock, SystemClock
from storage.crypto import Keyring

BOT_USERNAME = "relier_demo_bot"
PERSONAS = {"parent": demo_data.PARENT_ID, "youth": demo_data.YOUTH_ID, "staff": demo_data.STAFF_ID}
DISPLAY_NAMES = {"parent": "Nadia", "youth": "Sam", "staff": "Claire"}  # first names Telegram would give
TAG = re.compile(r"<(/?)(b|strong|i|em|u|s|code|pre|a)(?: [^>]*)?>")


@dataclass
class Terminal:
    out: TextIO
    color: bool
    buttons: dict[int, list[Button]] = field(default_factory=dict)  # per person: last buttons shown
    message_ids: dict[int, int] = field(default_factory=dict)

    def show(self, who: int, reply: Reply) -> None:
        self.message_ids[who] = self.message_ids.get(who, 0) + 1
        text = TAG.sub(self._style, reply.text)
        self.out.write("\n" + html.unescape(text) + "\n")
        flat = [b for row in reply.buttons for b in row]
        if flat:
            number = 1
            for row in reply.buttons:
                cells = []
                for b in row:
                    cells.append(f"[{number}] {b.text}" + (f" ({b.url})" if b.url else ""))
                    number += 1
                self.out.write("   " + "   ".join(cells) + "\n")
            self.buttons[who] = flat
        self.out.flush()

    def _style(self, match: re.Match[str]) -> str:
        if not self.color:
            return ""
        closing, tag = match.group(1), match.group(2)
        if tag in ("b", "strong"):
            return "\033[22m" if closing else "\033[1m"
        if tag in ("i", "em"):
            return "\033[23m" if closing else "\033[3m"
        return ""


def pick(choices: list[Button], typed: str) -> Button | None:
    """The button a typed line means: its exact label (an age, say), else its number."""
    for button in choices:
        if button.text == typed:
            return button
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    return None


class Demo:
    def __init__(self, core: Core, lang: str, out: TextIO, clock: Clock, files: str = ".") -> None:
        self.core = core
        self.files = files
        self.saved = 0
        self.lang = lang
        self.clock = clock
        self.term = Terminal(out, color=out.isatty())
        self.persona = "parent"

    @property
    def user(self) -> int:
        return PERSONAS[self.persona]

    def say(self, text: str) -> None:
        self.term.out.write(text + "\n")
        self.term.out.flush()

    def banner(self) -> None:
        with use_locale(self.lang):
            self.say(_("=== Relier bot: demo in the terminal ==="))
            self.say(_("Nothing leaves this computer; the demo data is in a throw-away file."))
            self.say(_("You are acting as: {who}.").format(who=self.persona_name()))
            self.say(
                _("Type a message or a /command, or the number of a button. Switch with /as parent, /as youth "
                  "or /as staff. /quit to leave.")
            )

    def someone(self, chat_id: int) -> str:
        for persona, user in PERSONAS.items():
            if user == chat_id:
                return self.persona_name(persona)
        return _("another family of the demo")

    def persona_name(self, persona: str | None = None) -> str:
        names = {"parent": _("a parent"), "youth": _("a young person"), "staff": _("a psychologist of the centre")}
        return names[persona or self.persona]

    async def send(self, kind: Kind, **values) -> None:
        event = Event(user_id=self.user, chat_id=self.user, kind=kind, at=self.clock.now(),
                      language_code=self.lang, display_name=DISPLAY_NAMES[self.persona], **values)
        response = await self.core.dialogs.handle(event)
        if response.callback_text:
            self.say(f"  ({response.callback_text})")
        for reply in response.replies:
            await self.show(reply)
        await self.deliver_outbox()

    async def show(self, reply: Reply) -> None:
        if reply.chat_id != self.user:
            # A message the bot sends to somebody else (a family promoted from a waiting list...).
            with use_locale(self.lang):
                self.say("\n" + _("--- The bot writes to {who}: ---").format(who=self.someone(reply.chat_id)))
        self.term.show(reply.chat_id, reply)
        if reply.attachment is not None:
            await self.save(reply.attachment)

    async def deliver_outbox(self) -> None:
        """What the bot left in the outbox and is due now is "sent" at once: shown here.
        (Messages held by the centre's quiet hours wait, as they would with the real bot.)"""
        store = self.core.store
        async with store.unit_of_work() as uow:
            rows = await uow.outbox.claim(100, 60, "demo")
            await uow.commit()
        for row in rows:
            kind = row.payload.get("type", "reply")
            if kind == "reply":
                reply = reply_from_payload(row.chat_id, row.payload, row.thread_id)
            elif kind in CASE_TYPES:  # a case card or a relayed text: shown; a copied photo cannot be
                async with store.unit_of_work() as uow:
                    shown = await render_case_row(uow, row, self.lang)
                reply = shown.reply if shown is not None and shown.reply is not None else None
            else:
                async with store.unit_of_work() as uow:
                    reply = await render(uow, row, self.lang)
            if reply is not None:
                await self.show(reply)
            async with store.unit_of_work() as uow:
                if reply is None:
                    await uow.outbox.cancel(ids=[row.id])
                else:
                    await uow.outbox.mark_sent(row.id, "demo")
                await uow.commit()

    async def save(self, attachment) -> None:
        """Files the bot sends (a chart) are written next to the demo's data, and their path shown."""
        self.saved += 1
        path = os.path.join(self.files, f"{self.saved}-{attachment.filename}")
        with open(path, "wb") as handle:
            handle.write(await attachment.data())
        with use_locale(self.lang):
            self.say(_("(file sent by the bot, saved as {path})").format(path=path))

    async def line(self, raw: str) -> bool:
        """Handle one typed line; False when the person wants to leave."""
        text = raw.strip()
        if not text:
            return True
        if text in ("/quit", "/exit"):
            return False
        if text.startswith("/as"):
            await self.switch(text[3:].strip())
            return True
        choices = self.term.buttons.get(self.user, [])
        button = pick(choices, text)
        if button is not None and button.url:
            with use_locale(self.lang):
                self.say(_("(a link: {url})").format(url=button.url))
            return True
        if button is not None:
            await self.send(Kind.BUTTON, data=button.data, message_id=self.term.message_ids.get(self.user))
            return True
        if text.startswith("/"):
            head, _sep, argument = text[1:].partition(" ")
            await self.send(Kind.COMMAND, command=head.split("@")[0].lower(), text=argument.strip())
            return True
        await self.send(Kind.TEXT, text=text)
        return True

    async def switch(self, who: str) -> None:
        with use_locale(self.lang):
            if who not in PERSONAS:
                self.say(_("Say /as parent, /as youth or /as staff."))
                return
            self.persona = who
            self.say(_("--- You are now acting as {who}. ---").format(who=self.persona_name()))
        async with self.core.store.unit_of_work() as uow:
            known = await uow.people.by_telegram_id(self.user) is not None
        if who == "youth" and not known:
            code = await demo_data.youth_invite(self.core.store)
            with use_locale(self.lang):
                self.say(_("(The young person opens their invitation link: https://t.me/{bot}?start={code})").format(
                    bot=BOT_USERNAME, code=code))
            await self.send(Kind.COMMAND, command="start", text=code)
        else:
            await self.send(Kind.COMMAND, command="start" if not known else "menu")


async def run_demo(lang: str = "fr", keep: str | None = None, stdin: TextIO | None = None,
                   stdout: TextIO | None = None, clock: Clock | None = None, keyring: Keyring | None = None) -> int:
    """The bot in this terminal. Its throw-away file may stay plain text (the demo allows it, as
    RELIER_ALLOW_PLAINTEXT=1 would): it holds only what is typed to try the bot. With a key, it encrypts."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    directory = None
    if keep:
        path = keep
    else:
        directory = tempfile.TemporaryDirectory(prefix="relier-demo-")
        path = os.path.join(directory.name, "demo.db")
    fresh = not os.path.exists(path)
    core = await build_core(f"sqlite+aiosqlite:///{path}", bot_username=BOT_USERNAME, default_locale=lang,
                            clock=clock or SystemClock(), keyring=keyring)
    try:
        if fresh:
            await demo_data.seed(core.store, lang)
        demo = Demo(core, lang, stdout, clock or SystemClock(), files=os.path.dirname(os.path.abspath(path)))
        demo.banner()
        await demo.send(Kind.COMMAND, command="start")
        loop = asyncio.get_running_loop()
        while True:
            if stdin.isatty():
                stdout.write("> ")
                stdout.flush()
            raw = await loop.run_in_executor(None, stdin.readline)
            if not raw:
                break
            if not await demo.line(raw):
                break
    finally:
        await core.close()
        if directory is not None:
            directory.cleanup()
    return 0
