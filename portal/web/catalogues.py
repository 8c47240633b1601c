"""The translation catalogue workflow: extract, update, compile and check (wrapping pybabel)."""
import gettext
import re
import tempfile
from pathlib import Path

from babel import Locale
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT
from portal.web.i18n import LANGUAGES

TRANSLATIONS = PROJECT_ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?\w+[^>]*>")
# CLDR's fixed order of plural categories: a catalogue's msgstr[0], msgstr[1], ... follow it, as translation
# tools (Weblate, Poedit) assume when they label the slots.
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
# Counts the check tries: every case of the eight languages' CLDR rules (mod 10, mod 100) occurs below 1000.
COUNTS = range(1000)


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(target: Path = POT) -> None:
    _pybabel("extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "--no-location", "--sort-output",
             "--add-comments", "i18n:", "--project", "portal", "-o", str(target), str(PROJECT_ROOT / "portal"))


def update() -> None:
    """Re-extract the template and merge it into every language's catalogue."""
    extract()
    for locale in LANGUAGES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale, "--no-fuzzy-matching",
                     "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)


def compile_all() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def _ids(path: Path) -> set:
    with path.open("rb") as source:
        return {message.id if isinstance(message.id, str) else tuple(message.id)
                for message in read_po(source) if message.id}


def plural_slots(locale: str) -> dict[int, int]:
    """The msgstr slot CLDR gives each whole count: the categories used by whole numbers, in CLDR's order."""
    rule = Locale.parse(locale).plural_form
    categories = [rule(count) for count in COUNTS]
    used = [category for category in CLDR_ORDER if category in categories]
    return {count: used.index(category) for count, category in zip(COUNTS, categories, strict=True)}


def plural_problem(locale: str, num_plurals: int, plural_expr: str) -> str | None:
    """Why a catalogue's Plural-Forms header differs from CLDR (count or order of the slots), or None."""
    expected = plural_slots(locale)
    if num_plurals != len(set(expected.values())):
        return f"{locale}: Plural-Forms has {num_plurals} forms, CLDR has {len(set(expected.values()))}"
    header = gettext.c2py(plural_expr)
    wrong = [count for count in COUNTS if header(count) != expected[count]]
    if wrong:
        return (f"{locale}: Plural-Forms puts {wrong[0]} in msgstr[{header(wrong[0])}], "
                f"CLDR's order puts it in msgstr[{expected[wrong[0]]}]")
    return None


def problems() -> list[str]:
    """Everything that would show a user a missing or broken text; empty when all is well."""
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "messages.pot"
        extract(fresh)
        if _ids(fresh) != _ids(POT):
            found.append("translations/messages.pot is out of date: run `portal translations update`.")
    for locale in LANGUAGES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            found.append(f"{locale}: no catalogue")
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=locale)
        if plural := plural_problem(locale, catalogue.num_plurals, catalogue.plural_expr):
            found.append(plural)
        for message in catalogue:
            if not message.id:
                continue
            label = f"{locale}: {message.id if isinstance(message.id, str) else message.id[0]!r}"
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            if message.fuzzy:
                found.append(f"{label} is fuzzy")
            if not all(strings):
                found.append(f"{label} is not translated")
                continue
            original = sources[-1]
            assert isinstance(original, str)  # read_po gives a plural's forms as a tuple, never a list
            for text in strings:
                assert isinstance(text, str)  # as the source; all() above turned away None and ""
                if set(PLACEHOLDER.findall(text)) - {"%(num)d"} != set(PLACEHOLDER.findall(original)) - {"%(num)d"}:
                    found.append(f"{label}: placeholders differ")
                if sorted(TAG.findall(text)) != sorted(TAG.findall(original)):
                    found.append(f"{label}: HTML tags differ")
    return found
