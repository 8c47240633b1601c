"""Protected text is exact: numbers, times, dates, phone numbers, e-mail addresses and names appear in a translation
exactly as often as in the Dutch text; nothing added, dropped or swapped."""
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.rules.protected_text import name_words, persons_named, private_tokens, tokens, wrong_tokens

# The El Idrissi household, its duo and the people its plan names.
NAMES = ["Fatima El Idrissi", "Youssef El Idrissi", "Amira", "Adam", "Bram de Wit", "Anouk Visser", "Hasan"]


def problems(source: str, translation: str) -> set[tuple[str, int, int]]:
    return {(p.token, p.in_dutch, p.in_translation) for p in wrong_tokens(source, translation, NAMES)}


@pytest.mark.parametrize("source, translation, wrong", [
    # The wrong translations the old check let through.
    ("Bij gevaar belt zij 112.", "عند الخطر تتصل بـ 1120.", {("112", 1, 0), ("1120", 0, 1)}),
    ("'s Avonds belt zij 0800-2000.", "في المساء تتصل بـ 0800-20001.", {("0800-2000", 1, 0), ("0800-20001", 0, 1)}),
    ("Elke schooldag om 15.15 uur.", "كل يوم دراسي الساعة 15.155.", {("15.15", 1, 0), ("15.155", 0, 1)}),
    ("Bij gevaar belt zij 112.", "عند الخطر تتصل بـ 112 أو 113.", {("113", 0, 1)}),
    ("Fatima belt Bram.", "Fatima تتصل بـ Anouk.", {("Bram", 1, 0), ("Anouk", 0, 1)}),
    ("Fatima haalt Amira en Adam op.", "Youssef يأخذ Amira و Adam.", {("Fatima", 1, 0), ("Youssef", 0, 1)}),
    ("Amira praat met een hulpverlener.", "Adam يتحدث مع مساعد.", {("Amira", 1, 0), ("Adam", 0, 1)}),
    # Dropped, changed and added tokens of every kind.
    ("De school belt Fatima. Fatima belt Bram.", "المدرسة تتصل بـ Fatima. هي تتصل بـ Bram.", {("Fatima", 2, 1)}),
    ("Fatima belt Bram.", "Fatima تتصل.", {("Bram", 1, 0)}),
    ("Hij belt om 9.30 uur.", "Bram يتصل الساعة 9.30.", {("Bram", 0, 1)}),
    ("Bel 112 of 0800-2000.", "اتصل بـ 112.", {("0800-2000", 1, 0)}),
    ("Bel 0800-2000.", "اتصل بـ 0800-2001.", {("0800-2000", 1, 0), ("0800-2001", 0, 1)}),
    ("Bel 112 of 112.", "اتصل بـ 112.", {("112", 2, 1)}),
    ("Om 15.15 uur.", "الساعة 15:15.", {("15.15", 1, 0), ("15:15", 0, 1)}),
    ("Op 12-05-2026.", "في 05-12-2026.", {("12-05-2026", 1, 0), ("05-12-2026", 0, 1)}),
    ("Mail a.visser@example.nl.", "راسل a.visser@example.com.",
     {("a.visser@example.nl", 1, 0), ("a.visser@example.com", 0, 1)}),
    ("Bel +31 20 555 0100.", "اتصل بـ +31 20 555 0101.", {("+31 20 555 0100", 1, 0), ("+31 20 555 0101", 0, 1)}),
    ("Oom Hasan komt.", "يأتي العم.", {("Hasan", 1, 0)}),
    ("Bel 112.", "اتصل بـ ١١٣.", {("112", 1, 0), ("١١٣", 0, 1)}),  # another number in Arabic-Indic digits
])
def test_every_wrong_token_is_refused(source, translation, wrong):
    assert problems(source, translation) == wrong


@pytest.mark.parametrize("source, translation", [
    # A reordered sentence with the same tokens.
    ("Om 15.15 uur haalt Fatima Amira en Adam op.", "Fatima تأخذ Adam و Amira في الساعة 15.15."),
    # Arabic text around Latin names and digits, also joined to an Arabic letter.
    ("Fatima belt Bram. 's Avonds belt zij 0800-2000.", "وFatima تتصل بـBram. في المساء تتصل بـ0800-2000."),
    ("Anouk belt op 12-05-2026 om 10:00 naar 06-12345678 of mailt a.visser@example.nl.",
     "Anouk تتصل في 12-05-2026 الساعة 10:00 على 06-12345678 أو تراسل a.visser@example.nl."),
    # Digits in Arabic-Indic or Persian script are the same numbers.
    ("Bij gevaar belt zij 112. Om 15.15 uur.", "عند الخطر تتصل بـ ١١٢. الساعة ١٥٫١٥."),
    ("Bel 112.", "با ۱۱۲ تماس بگیرید."),
    # Turkish suffixes after an apostrophe; times in a range.
    ("Youssef belt Bram van 9:30-10:00.", "Youssef, 9:30-10:00 arası Bram'ı arar."),
    # A name in an e-mail address is part of the address.
    ("Mail Bram op Bram.deWit@example.nl.", "Bram'a Bram.deWit@example.nl adresinden yazın."),
])
def test_a_faithful_translation_is_accepted(source, translation):
    assert wrong_tokens(source, translation, NAMES) == []


def test_tokens_are_whole_and_of_their_kind():
    text = ("Bel 112, 0800-2000, 06-12345678, 020-555 01 00 of +31 20 555 0100 en mail a.visser@example.nl. "
            "Op 12-05-2026 en 3/4 om 9:30-10:00 en 15.15 uur; 1120 keer 1.000 euro. Fatima en Bram, niet Brams.")
    assert [(token.kind, token.text) for token in tokens(text, NAMES)] == [
        ("number", "112"), ("phone", "0800-2000"), ("phone", "06-12345678"), ("phone", "020-555 01 00"),
        ("phone", "+31 20 555 0100"), ("email", "a.visser@example.nl"), ("date", "12-05-2026"), ("date", "3/4"),
        ("time", "9:30"), ("time", "10:00"), ("time", "15.15"), ("number", "1120"), ("number", "1.000"),
        ("name", "Fatima"), ("name", "Bram")]


def test_names_are_the_words_of_peoples_names_without_particles():
    assert name_words(["Bram de Wit", "Fatima El Idrissi", "Meneer Van Leeuwen"]) == {
        "Bram", "Wit", "Fatima", "Idrissi", "Meneer", "Leeuwen"}


def test_people_named_by_title_or_relation():
    texts = ["Lukt het niet? Dan haalt buurvrouw mevrouw Haddou hen op.", "Oom Hasan en tante Derya",
             "Meneer Öztürk, hulpverlener in Noord", "Hij belt zijn broer Karim. Dan gaat hij", "mevr. Jansen komt",
             "tante Els van Dijk", "De moeder van de kinderen woont in Turkije.", "Sociaal team Nieuw-West"]
    assert persons_named(texts) == {"Haddou", "Hasan", "Derya", "Öztürk", "Karim", "Jansen", "Els", "Dijk"}



# --- what keeps a sentence's translation in its household (never suggested to or copied into another) --------

@pytest.mark.parametrize("text, kept", [
    ("Moeder woont nu met de kinderen in de opvang aan de Kastanjehof.", ["opvang", "Kastanjehof"]),
    ("Kastanjehof ligt dicht bij de school.", ["Kastanjehof"]),  # a street name that begins the sentence
    ("De kinderen slapen bij opa in Diemen.", ["Diemen"]),  # a place name: capitalised, not beginning a sentence
    ("Zij gaat daarna naar de Blijf Groep.", ["Blijf", "Groep"]),
    ("Het adres heeft postcode 1095 AB.", ["1095 AB"]),
    ("Dan haalt mevr. Haddou hen op.", ["Haddou"]),  # the full stop of a title ends no sentence
    ("Zij slaapt in de opvang.", ["opvang"]),  # a word of the household's safe place
])
def test_place_names_postcodes_and_proper_names_keep_a_sentence_in_its_household(text, kept):
    found = private_tokens(text, NAMES, places=["Opvang Lindehof, Kastanjehof 3, 1095 AB Amsterdam"])
    assert [token.text for token in found] == kept


@pytest.mark.parametrize("text", [
    "De kinderen spelen buiten in de tuin.",
    "Oma haalt de kinderen op. Lukt het niet? Dan belt zij de school.",
    "'s Avonds gaat iedereen op tijd naar bed.",  # the word after 's begins the sentence
    "Wie: Oma",
    "De kinderen gaan naar de opvang na school.",  # a shelter's word, but not of this household's safe place
])
def test_a_plain_sentence_keeps_nothing_in_its_household(text):
    assert private_tokens(text, NAMES) == []


def test_a_postcode_is_one_token_kept_exactly():
    assert [(token.kind, token.text) for token in tokens("Kastanjehof 3, 1095 AB Amsterdam")] == [
        ("number", "3"), ("postcode", "1095 AB")]
    assert {(p.token, p.in_dutch, p.in_translation) for p in wrong_tokens("Postcode 1095 AB.", "الرمز 1095 AC.")} == {
        ("1095 AB", 1, 0), ("1095 AC", 0, 1)}

# --- generated: a Dutch sentence with tokens of every kind, a translation that keeps or breaks them -----------

KINDS = ("number", "time", "date", "phone", "email", "name")
HOUSEHOLD = ("Fatima", "Youssef", "Amira", "Adam", "Bram", "Anouk", "Hasan")
DUTCH = ("belt", "om", "uur", "op", "en", "de", "school", "haalt", "hen", "elke", "dag", "naar", "of", "mail")
ARABIC = ("تتصل", "الساعة", "في", "و", "المدرسة", "يأخذ", "كل", "يوم", "إلى", "أو", "راسل")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


TOKENS = {
    "number": st.integers(0, 99999).map(str),
    "time": st.tuples(st.integers(0, 23), st.sampled_from(":."), st.integers(0, 59)).map(
        lambda t: f"{t[0]}{t[1]}{t[2]:02d}"),
    "date": st.tuples(st.integers(1, 28), st.integers(1, 12), st.integers(2000, 2099)).map(
        lambda d: f"{d[0]}-{d[1]:02d}-{d[2]}"),
    "phone": st.one_of(digits(8).map("06-{}".format), digits(4).map("0800-{}".format),
                       st.tuples(digits(3), digits(4)).map(lambda p: f"+31 20 {p[0]} {p[1]}")),
    "email": st.tuples(st.text("abcdefgh.", min_size=1, max_size=8).filter(lambda s: s.strip(".")),
                       st.sampled_from(["example.nl", "gemeente.amsterdam.nl", "mail.com"])).map(
        lambda e: f"{e[0].strip('.')}@{e[1]}"),
    "name": st.sampled_from(HOUSEHOLD),
}


@st.composite
def sentence(draw) -> tuple[list[str], list[tuple[str, str]], str]:
    """Protected tokens of every kind (and some more) in a Dutch sentence: (tokens, kinds and tokens, sentence)."""
    found = [(kind, draw(TOKENS[kind])) for kind in KINDS]
    found += draw(st.lists(st.sampled_from(KINDS).flatmap(lambda kind: TOKENS[kind].map(lambda t: (kind, t))),
                           max_size=4))
    found = draw(st.permutations(found))
    words = [word for _kind, token in found for word in (draw(st.sampled_from(DUTCH)), token)]
    return [token for _kind, token in found], found, " ".join(["Zij", *words]) + "."


@st.composite
def translation(draw, tokens: list[str]) -> str:
    """Arabic words around the tokens, in another order; digits maybe in Arabic-Indic script."""
    words = [word for token in draw(st.permutations(tokens)) for word in (draw(st.sampled_from(ARABIC)), token)]
    text = " ".join(words) + "."
    return text.translate(ARABIC_DIGITS) if draw(st.booleans()) else text


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_generated_faithful_translation_is_accepted(data):
    kept, _found, dutch = data.draw(sentence())
    assert wrong_tokens(dutch, data.draw(translation(kept)), HOUSEHOLD) == []


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(KINDS), st.sampled_from(["change", "add", "drop", "add a character"]))
def test_changing_adding_or_dropping_a_token_of_any_kind_is_refused(data, kind, how):
    kept, found, dutch = data.draw(sentence())
    position = data.draw(st.sampled_from([i for i, (k, _t) in enumerate(found) if k == kind]))
    old = kept[position]
    if how == "change":
        new = data.draw(TOKENS[kind])
        assume(new != old)
        kept[position] = new
    elif how == "add":
        kept.append(data.draw(TOKENS[kind]))
    elif how == "drop":
        del kept[position]
    else:  # 112 -> 1120, 0800-2000 -> 0800-20001, 15.15 -> 15.155, Bram -> Brams, a.b@x.nl -> a.b@x.nlx
        kept[position] = old + ("s" if kind == "name" else "x" if kind == "email" else "1")
    refused = wrong_tokens(dutch, data.draw(translation(kept)), HOUSEHOLD)
    assert refused, f"{how} {kind} {old!r} was accepted"
    assert any(problem.kind == kind or problem.token.translate(ARABIC_DIGITS) == old.translate(ARABIC_DIGITS)
               for problem in refused)
