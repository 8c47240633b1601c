"""Protected text: the numbers, times, dates, phone numbers, e-mail addresses and names a translation keeps exactly."""
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
    kind: str  # email | date | time | phone | number | name
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
    return frozenset(word for name in names for word in _WORD.findall(name)
                     if len(word) > 1 and word[0].isupper() and word.lower() not in PARTICLES)


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


def tokens(text: str, names: Iterable[str] = ()) -> list[Token]:
    """The protected tokens of a text, in order; `names` are people's names (full names or name words)."""
    normal = text.translate(_DIGITS)  # same length: positions stay those of `text`
    found = [Token(match.lastgroup, text[match.start():match.end()], match.start())
             for match in _TOKEN.finditer(normal)]
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
