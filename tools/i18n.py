"""Translation workflow: `extract` strings, `update` catalogs, `compile` them, `check` them.

    python tools/i18n.py update    # extract to locales/relier.pot, merge into fr and en .po
    (translate the new entries of locales/fr/LC_MESSAGES/relier.po)
    python tools/i18n.py compile   # write the .mo files the bot loads

English is the source language: `update` fills empty English entries with their msgid.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "relier.pot"
DOMAIN = "relier"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2"]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> None:
    pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location", "--sort-output",
        "--project", "Relier bot", "--copyright-holder", "Relier bot contributors", "--no-wrap",
        "-o", str(output), str(ROOT / "bot"), str(ROOT / "dialogs"),
    )


def update() -> None:
    extract()
    for locale in ("fr", "en"):
        po = LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            pybabel("update", "-i", str(POT), "-d", str(LOCALES), "-D", DOMAIN, "-l", locale,
                    "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALES), "-D", DOMAIN, "-l", locale, "--no-wrap")
    fill_english()


def fill_english() -> None:
    po = LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)


def compile_catalogs() -> None:
    pybabel("compile", "-d", str(LOCALES), "-D", DOMAIN, "--statistics")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "update"
    {"extract": extract, "update": update, "compile": compile_catalogs}[action]()
