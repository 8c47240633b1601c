"""Every screen speaks eight languages: the catalogues are current, complete, keep placeholders and CLDR's plurals."""
from babel.messages.pofile import read_po
from babel.support import Translations

from portal.web.catalogues import TRANSLATIONS, plural_problem, problems
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


def test_every_catalogues_plural_forms_follow_cldrs_count_and_order():
    for locale in LANGUAGES:
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalogue = read_po(source, locale=locale)
        assert plural_problem(locale, catalogue.num_plurals, catalogue.plural_expr) is None, locale


def test_the_check_reports_plural_forms_in_another_order_or_count():
    # Arabic in the old gettext order: 100-102 in msgstr[4] and 11-99 in msgstr[5], where CLDR swaps them.
    old_arabic = "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5)"
    assert "msgstr[4]" in plural_problem("ar", 6, old_arabic)
    assert "CLDR has 2" in plural_problem("tr", 1, "0")  # Turkish: CLDR has "one" and "other"
    assert "0 in msgstr[1]" in plural_problem("ti", 2, "(n != 1)")  # Tigrinya: 0 counts as "one"
    assert plural_problem("pl", 3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)") is None


def test_arabic_counts_get_the_noun_form_cldr_gives_them():
    arabic = Translations.load(TRANSLATIONS, ["ar"])
    msgid, plural = "%(num)d segment still needs a translation.", "%(num)d segments still need a translation."
    assert "مقطعًا" in arabic.ngettext(msgid, plural, 11)  # 11-99: "many", accusative
    assert "مقطعًا" not in arabic.ngettext(msgid, plural, 100)  # 100-102: "other", genitive
    assert "مقاطع" in arabic.ngettext(msgid, plural, 3)  # 3-10: "few", plural noun


def test_the_emergency_number_is_placed_by_each_language():
    for locale in LANGUAGES:
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
            assert "%(number)s" in read_po(source, locale=locale)["In danger? Call %(number)s"].string, locale
    with (TRANSLATIONS / "ti" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        tigrinya = read_po(source, locale="ti")["In danger? Call %(number)s"].string
    assert tigrinya.endswith("%(number)s ደውሉ")  # the verb comes last, after the number


def test_the_dutch_sms_says_u_like_the_portal():
    with (TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        news = read_po(source, locale="nl")["There is news in your portal: %(app)s"].string
    assert " uw " in news and " je " not in news


def test_the_arabic_exit_button_speaks_in_the_polite_plural_like_the_rest():
    with (TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="ar")
    button = catalogue["Leave quickly"].string
    assert button == "اخرجوا بسرعة"
    for msgid in ("The Leave quickly button", "About the Leave quickly button"):
        assert f"«{button}»" in catalogue[msgid].string
