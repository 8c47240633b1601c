"""Every screen speaks eight languages: the catalogues are current, complete and keep placeholders."""
from babel.messages.pofile import read_po

from portal.web.catalogues import TRANSLATIONS, problems
from portal.web.i18n import LANGUAGES


def test_catalogues_are_current_complete_and_consistent():
    assert problems() == []


def test_arabic_has_six_plural_forms():
    with (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="ar")
    assert catalogue.num_plurals == 6
    plural = next(message for message in catalogue if isinstance(message.id, tuple))
    assert len(plural.string) == 6 and all("%(num)d" in form for form in plural.string)


def test_the_quick_exit_button_is_translated_in_every_language():
    seen = set()
    for locale in LANGUAGES:
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
            seen.add(read_po(source, locale=locale)["Leave quickly"].string)
    assert len(seen) == len(LANGUAGES)  # eight different words, none left in English
