"""Matching a signal's people to a household's: names folded over spelling and transliteration, phonetic keys,
a score from 0 to 100, and when a score is a clear match. Plain Python, no database."""
import re
from dataclasses import dataclass

import jellyfish
from anyascii import anyascii
from rapidfuzz import fuzz

# Dutch and French spellings of the same sounds, made one before comparing: Joesoef, Youssef and Yusuf; Mohammed
# and Muhamad. Applied in order, on lower-case Latin letters.
_SPELLINGS = (("oe", "u"), ("ou", "u"), ("ij", "y"), ("dj", "j"), ("j", "y"), ("ph", "f"), ("ck", "k"),
              ("kh", "h"), ("gh", "g"), ("ee", "e"), ("aa", "a"), ("oo", "o"), ("uu", "u"), ("ie", "i"),
              ("c", "k"), ("z", "s"), ("w", "v"))
_DOUBLES = re.compile(r"([a-z])\1+")
_NOT_LETTERS = re.compile(r"[^a-z ]+")
KEY_LENGTH = 16

CLEAR_SCORE = 80  # a household this close, and no other near it, is the one
CLEAR_MARGIN = 15  # the next candidate must score at least this much lower
CANDIDATE_SCORE = 45  # below this a household is not worth a team lead's look


def fold(name: str) -> str:
    """A name as matching compares it: Latin letters in lower case, one space between words, spelling variants
    and doubled letters made one ("Youssef El-Idrissi" -> "yusef el idrisi")."""
    text = _NOT_LETTERS.sub(" ", anyascii(name).lower().replace("-", " "))
    words = []
    for word in text.split():
        for spelled, sound in _SPELLINGS:
            word = word.replace(spelled, sound)
        words.append(_DOUBLES.sub(r"\1", word))
    return " ".join(words)


def split(name: str) -> tuple[str, str]:
    """Given name and surname, folded; the surname's words run together ("el idrisi" -> "elidrisi"), so that "El
    Idrissi" and "Elidrissi" are one. A single word is a surname."""
    words = fold(name).split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return words[0], "".join(words[1:])


def tail(name: str) -> str:
    """The name with only the last word of its surname ("Youssef El Idrissi" -> "Youssef Idrissi"), or "" when the
    surname is one word: a partner may drop "El", "van der" or a first surname."""
    words = name.split()
    return f"{words[0]} {words[-1]}" if len(words) > 2 else ""


def key(word: str) -> str:
    """The phonetic key of a folded word (metaphone), at most KEY_LENGTH letters; "" for none."""
    return jellyfish.metaphone(word)[:KEY_LENGTH] if word else ""


POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")


def postcode(text: str) -> str:
    """A Dutch postcode as stored ("1074 ab" -> "1074AB"); "" when it is none."""
    found = POSTCODE.match(text.strip())
    return f"{found.group(1)}{found.group(2).upper()}" if found else ""


def house_number(text: str) -> str:
    """A house number as stored: digits and an addition, no spaces ("12 - h" -> "12H")."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())[:10]


@dataclass(frozen=True)
class Person:
    """One person as matching reads them: folded name, phonetic keys, year of birth and address where known."""

    name: str
    given_key: str
    surname_key: str
    birth_year: int | None = None
    postcode: str = ""
    house_number: str = ""
    tail_key: str = ""  # the key of the surname's last word, when it has more: what a signal also looks for

    @classmethod
    def of(cls, name: str, birth_year: int | None = None, code: str = "", number: str = "") -> "Person":
        given, surname = split(name)
        return cls(f"{given} {surname}".strip(), key(given), key(surname), birth_year, postcode(code),
                   house_number(number), key(split(tail(name))[1]) if tail(name) else "")


def _similar(left: str, right: str, left_key: str, right_key: str) -> float:
    """0-100: the same sound counts as the same name, else how alike the spellings are."""
    if not left or not right:
        return 0.0
    if left_key and left_key == right_key:
        return 100.0
    return fuzz.ratio(left, right)


def person_score(seen: Person, known: Person) -> int:
    """How sure we are, 0-100, that the person a partner saw is this person of a household."""
    seen_given, _, seen_surname = seen.name.partition(" ") if " " in seen.name else ("", "", seen.name)
    known_given, _, known_surname = known.name.partition(" ") if " " in known.name else ("", "", known.name)
    surname = _similar(seen_surname, known_surname, seen.surname_key, known.surname_key)
    given = _similar(seen_given, known_given, seen.given_key, known.given_key) if seen_given else 50.0
    score = 0.45 * surname + 0.25 * given
    if seen.birth_year and known.birth_year:
        score += 15 if seen.birth_year == known.birth_year else (5 if abs(seen.birth_year - known.birth_year) == 1
                                                                 else -20)
    same_street = seen.postcode and seen.postcode == known.postcode
    if same_street:
        score += 15 if seen.house_number and seen.house_number == known.house_number else 8
    return max(0, min(100, round(score)))


def household_score(seen: list[Person], known: list[Person]) -> int:
    """A household's score for a signal: the best of its people's, and a little more for each further person of
    the signal who is also found in it (a mother and her son, both named)."""
    best = sorted((max((person_score(one, other) for other in known), default=0) for one in seen), reverse=True)
    if not best:
        return 0
    bonus = sum(5 for score in best[1:] if score >= CLEAR_SCORE)
    return min(100, best[0] + bonus)


def clear_match(scored: list[tuple[int, int]]) -> int | None:
    """The household (its id) of a clear match among (household, score) pairs, or None: the best must reach
    CLEAR_SCORE and stand CLEAR_MARGIN above the next."""
    ranked = sorted(scored, key=lambda pair: pair[1], reverse=True)
    if not ranked or ranked[0][1] < CLEAR_SCORE:
        return None
    if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - CLEAR_MARGIN:
        return None
    return ranked[0][0]
