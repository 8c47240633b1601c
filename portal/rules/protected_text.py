"""Protected text: the numbers, times, dates, phone numbers, postcodes, e-mail addresses and names a translation keeps
exactly; and what keeps a sentence's translation in its household (`private_tokens`): those, and the names of
places and streets, proper names, and the words of the household's safe places."""
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Every kind, tried in this order at each place of a text: the first that fits wins, so 12-05-2026 is a date,
# 06-12345678 a phone number and 15.15 a time. A token never starts or ends inside a longer number
# (112 is not found in 1120, 15.15 not in 15.155): a translation that adds a digit has another token.
_NOT_AFTER = r"(?<![0-9])"
_NOT_BEFORE = r"(?![0-9]|[.,:][0-9])"
_KINDS = {
    # Only from the start of a run of address characters: a long word is read once, not from every letter.
    "email": r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    "date": r"[0-9]{1,2}(?:-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.)[0-9]{2,4}|[0-9]{1,2}[-/][0-9]{1,2}",
    "time": r"[0-9]{1,2}:[0-9]{2}|[0-9]{1,2}\.[0-9]{2}",
    # Dutch and international numbers: 0800-2000, 06-12345678, 020-555 01 00, +31 20 555 0100 (seven digits or more).
    "phone": r"(?=\+?(?:[0-9][ -]?){6}[0-9])(?:\+[0-9]+|0[0-9]+)(?:[ -][0-9]{2,})*",
    # A Dutch postcode: four digits (not starting with 0), maybe a space, two capitals: 1095 AB, 1095AB.
    "postcode": r"[1-9][0-9]{3} ?[A-Z]{2}(?![A-Za-z])",
    "number": r"[0-9]+(?:[.,][0-9]+)*",
}
_TOKEN = re.compile("|".join(f"(?P<{kind}>{_NOT_AFTER}(?:{pattern}){_NOT_BEFORE})" for kind, pattern in _KINDS.items()))

# Names stay in Latin letters, as in Dutch, and count only as whole words: not Bram in Brams, but Bram in
# "Bram's" and in Arabic "وBram" (a letter of another script may be joined to a name).
_LATIN = r"A-Za-z0-9\u00C0-\u024F\u1E00-\u1EFF"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|[^\w\s]")
# Parts of a surname that are also ordinary words (Bram de Wit, Meneer Van Leeuwen): never a name on their own.
PARTICLES = frozenset({"van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "op", "in", "aan", "bij", "uit",
                       "la", "le", "du", "da", "di", "del", "dos", "von", "vom", "zu", "al", "el"})
# Words that introduce a person in plan text: the capitalised words after one are a name (oom Hasan,
# buurvrouw mevrouw Haddou, Meneer Öztürk, zijn broer Karim, tolk Zeynep).
TITLES = frozenset({
    "meneer", "mevrouw", "mevr", "mw", "dhr", "heer", "juf", "juffrouw", "meester", "dokter", "dr", "tolk",
    "oom", "tante", "opa", "oma", "broer", "zus", "zuster", "halfbroer", "halfzus", "neef", "nicht", "buurman",
    "buurvrouw", "vriend", "vriendin", "moeder", "vader", "stiefvader", "stiefmoeder", "zoon", "dochter",
    "schoonmoeder", "schoonvader", "collega", "mentor", "hulpverlener", "begeleider", "wijkagent"})
ABBREVIATIONS = frozenset({"mevr", "mw", "dhr", "dr"})
# Digits a translation may write in its own script (Arabic-Indic ٠-٩, Persian ۰-۹, and any other Unicode
# decimal digit) count as the same number; so do the Arabic decimal and thousands separators.
class _Digits(dict):
    """A str.translate table that learns each character once: a decimal digit becomes 0-9, the rest stays."""

    def __missing__(self, code: int) -> str | int:
        digit = unicodedata.decimal(chr(code), None)
        self[code] = str(digit) if digit is not None else code
        return self[code]


_DIGITS = _Digits({0x066B: ".", 0x066C: ","})


@dataclass(frozen=True)
class Token:
    kind: str  # email | date | time | phone | postcode | number | name; private_tokens: proper | street | place
    text: str  # as written
    start: int

    @property
    def key(self) -> str:
        """What must be equal: the text, with every digit as 0-9."""
        return self.text.translate(_DIGITS)


@dataclass(frozen=True)
class Problem:
    """One protected token that the translation has a different number of times than the Dutch text."""

    token: str  # as written in the Dutch text, or in the translation when the Dutch text does not have it
    kind: str
    in_dutch: int
    in_translation: int

    @property
    def missing(self) -> bool:
        """Lost or changed (fewer than in Dutch); otherwise added (more than in Dutch, or not in it at all)."""
        return self.in_translation < self.in_dutch


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The words of people's names that are protected: capitalised, not a particle (de, van), two letters or more."""
    if isinstance(names, frozenset):  # a household's names, asked again for every sentence of its page
        return _name_words(names)
    return _name_words.__wrapped__(names)


@functools.lru_cache(maxsize=256)
def _name_words(names: frozenset[str] | Iterable[str]) -> frozenset[str]:
    return frozenset(word for name in names for word in _WORD.findall(name)
                     if len(word) > 1 and word[0].isupper() and word.lower() not in PARTICLES)


def only_names(text: str, names: Iterable[str]) -> bool:
    """Is a text nothing but people's names, with particles and punctuation ("Karim", "Bram de Wit.")? It reads the
    same in every language: no work for an interpreter, shown as it is. "Oma Fatima" and "Karim en Fatima" are not."""
    if isinstance(names, frozenset):  # asked for every sentence of a page, with one household's names
        return _only_names(text, names)
    return _only_names.__wrapped__(text, names)


@functools.lru_cache(maxsize=8192)
def _only_names(text: str, names: frozenset[str] | Iterable[str]) -> bool:
    known = name_words(names if isinstance(names, frozenset) else list(names))
    words = [word for word in _WORD.findall(text) if word[0].isalpha()]
    return (any(word in known for word in words) and not any(character.isdigit() for character in text)
            and all(word in known or word.lower() in PARTICLES for word in words))


def persons_named(texts: Iterable[str]) -> frozenset[str]:
    """Names the texts give people by title or relation: 'oom Hasan en tante Derya' names Hasan and Derya."""
    found = set()
    for text in texts:
        after_title, in_name = False, False
        for previous, word in itertools.pairwise(["", *_WORD.findall(text)]):
            lower = word.lower()
            if lower in TITLES:
                after_title, in_name = True, False
            elif word == "." and previous.lower() in ABBREVIATIONS:
                continue  # mevr. Haddou
            elif after_title and word[0].isupper() and word[0].isalpha():
                in_name = True
                if lower not in PARTICLES:
                    found.add(word)
            elif not (in_name and lower in PARTICLES):  # Els van Dijk goes on; 'hulpverlener in Noord' stops
                after_title, in_name = False, False
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    words = "|".join(re.escape(name) for name in sorted(names, key=lambda name: (-len(name), name)))
    return re.compile(rf"(?<![{_LATIN}])(?:{words})(?![{_LATIN}])")


def _kind(match: re.Match[str]) -> str:
    assert match.lastgroup is not None  # each alternative of _TOKEN is a group named after its kind
    return match.lastgroup


def tokens(text: str, names: Iterable[str] = ()) -> list[Token]:
    """The protected tokens of a text, in order; `names` are people's names (full names or name words)."""
    normal = text.translate(_DIGITS)  # same length: positions stay those of `text`
    found = [Token(_kind(match), text[match.start():match.end()], match.start()) for match in _TOKEN.finditer(normal)]
    pattern = _names_pattern(name_words(names))
    if pattern is not None:
        blanked = list(normal)
        for token in found:  # a name inside an e-mail address is part of the address
            blanked[token.start:token.start + len(token.text)] = " " * len(token.text)
        found += [Token("name", match.group(), match.start()) for match in pattern.finditer("".join(blanked))]
    return sorted(found, key=lambda token: token.start)


def wrong_tokens(source: str, translation: str, names: Iterable[str] = ()) -> list[Problem]:
    """Every protected token that the translation does not have exactly as often as the Dutch source: lost,
    changed (the Dutch one lost, the new one added), added, or there a different number of times."""
    names = tuple(names)
    dutch, translated = tokens(source, names), tokens(translation, names)
    dutch_counts = Counter(token.key for token in dutch)
    translated_counts = Counter(token.key for token in translated)
    problems = {}
    for token in dutch + translated:
        key = token.key
        if key not in problems and dutch_counts[key] != translated_counts[key]:
            problems[key] = Problem(token.text, token.kind, dutch_counts[key], translated_counts[key])
    return list(problems.values())


# --- what keeps a sentence in its household ----------------------------------------------------------------------

# The kinds of public space Dutch street names end in (the BAG's "openbare ruimte"): Kastanjehof, Lindelaan,
# Burgemeester de Vlugtlaan, Amstelveenseweg. A capitalised word ending in one names a street also where it begins a
# sentence; elsewhere any capitalised word is a proper name already.
STREET_KINDS = ("straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel", "hof", "steeg", "dreef",
                "plantsoen", "park", "pad", "markt", "wal", "dam", "veld", "baan", "erf", "hoven", "kwartier",
                "boulevard", "allee", "passage", "promenade", "haven", "oever")
# Words (with a leading apostrophe for Dutch elisions: 's, 't), a sentence's end (before a space or the text's
# end: not the dot of 15.15) and line breaks.
_SENTENCE_PARTS = re.compile(r"['’]?[^\W\d_]+(?:['’-][^\W\d_]+)*|[.!?:…](?=\s|$)|\n")
_ELIDED = frozenset({"'s", "'t", "'n", "’s", "’t", "’n"})  # 's Avonds: the capital is the next word's


def is_street(word: str) -> bool:
    """A capitalised compound ending in a kind of street: Kastanjehof, Lindelaan (not Weg, not a plain hof)."""
    lower = word.lower()
    return word[:1].isupper() and any(lower.endswith(kind) and len(lower) > len(kind) + 2 for kind in STREET_KINDS)


def proper_names(text: str) -> list[Token]:
    """Capitalised words that do not begin a sentence (Dutch writes only names so: "aan de Kastanjehof", "in
    Diemen", "bij de Blijf Groep"), and street names anywhere ("Kastanjehof ligt ..."). A title's or an initial's
    full stop ends no sentence (mevr. Haddou, A. de Vries)."""
    found, at_start, previous = [], True, ""
    for match in _SENTENCE_PARTS.finditer(text):
        part = match.group()
        if not part[-1].isalpha():  # the end of a sentence (or a line), unless it is an abbreviation's dot
            at_start = at_start or not (part == "." and (previous.lower() in ABBREVIATIONS or len(previous) == 1))
            previous = part
            continue
        if part.lower() not in _ELIDED:
            if part[0].isupper() and len(part) > 1 and (not at_start or is_street(part)):
                found.append(Token("street" if is_street(part) else "proper", part, match.start()))
            at_start = False
        previous = part
    return found


def place_words(places: Iterable[str]) -> frozenset[str]:
    """The words of safe places' descriptions that keep a sentence in its household, in lower case: every word of
    three letters or more that is not a particle ("Opvang Lindehof, Kastanjehof 3" -> opvang, lindehof,
    kastanjehof). Their numbers and postcodes are protected tokens already."""
    return frozenset(word.lower() for place in places for word in _WORD.findall(place)
                     if len(word) > 2 and word[0].isalpha() and word.lower() not in PARTICLES)


@functools.lru_cache(maxsize=64)
def _places_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=lambda word: (-len(word), word)))
    return re.compile(rf"(?<![{_LATIN}])(?:{alternatives})(?![{_LATIN}])", re.IGNORECASE)


def private_tokens(text: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> list[Token]:
    """What keeps a sentence's translation in its household, in order: its protected tokens (`tokens`), proper names
    and street names (`proper_names`), and any word of the household's safe places (`places`: their descriptions,
    matched in any case). Such a translation is never suggested to another household nor copied into one."""
    found = tokens(text, names)
    taken = {index for token in found for index in range(token.start, token.start + len(token.text))}
    more = proper_names(text)
    pattern = _places_pattern(place_words(places))
    if pattern is not None:
        more += [Token("place", match.group(), match.start()) for match in pattern.finditer(text)]
    for token in sorted(more, key=lambda token: token.start):
        span = range(token.start, token.start + len(token.text))
        if not taken.intersection(span):
            found.append(token)
            taken.update(span)
    return sorted(found, key=lambda token: token.start)
