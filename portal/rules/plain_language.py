"""Plain-language check for Dutch texts (B1): reading ease, long sentences, jargon, rare words."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyphen
from wordfreq import zipf_frequency

from portal.rules.glossary import TERMS, Term


@dataclass(frozen=True)
class Level:
    """How plain a text must be for its reader: the longest sentence in words, and the least reading ease."""

    max_sentence_words: int
    min_reading_ease: float


B1 = Level(20, 60)  # adults: the parents and their circle
CHILD = Level(12, 70)  # a child of 12 or over reading their own plan: shorter sentences, easier words
# Flesch-Douma is an average over sentences and words: on a label such as "Altijd." (51.9) or "Elke
# maandagochtend." (-26.0) one long word decides the score, so fields this short get no score.
MIN_SCORED_WORDS = 8
RARE_ZIPF = 3.0
# A part of a compound must be a common word on its own: bank, pas, taal, les, koffie, ochtend.
COMMON_PART_ZIPF = 3.5
MIN_PART_LETTERS = 3
# The longest common word (COMMON_PART_ZIPF) in wordfreq's Dutch list: gemeenteraadsverkiezingen, 25 letters (a
# test reads the list). No part of an ordinary compound is longer, so no longer part is ever looked up.
MAX_PART_LETTERS = 25
# Letters: longer than the words people write (kinderopvangtoeslag 19, hottentottententententoonstelling 33), so a
# link, an address or a key held down.
LONGEST_WORD = 60
# Dutch links the parts of a compound with nothing, -s- or -e-: bank|pas, veiligheid|s|tips, paard|e|bloem.
# A linking -en- needs no rule: the first part is then a plural, a word of its own (boeken|kast).
_LINKS = ("", "s", "e")

_HYPHENATOR = pyphen.Pyphen(lang="nl_NL")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"[,;:()]")

_WORDEN = {"word", "wordt", "worden", "werd", "werden"}
_ZIJN = {"ben", "bent", "is", "zijn", "was", "waren"}
_PARTICIPLE = re.compile(
    r"(?:aan|af|bij|door|in|mee|na|om|op|over|terug|toe|uit|vast|voor|weg)?"
    r"(?:ge|be|ver|ont|her)\w+(?:d|t|en)"
)

_HINT_LONG = "Deze zin heeft {} woorden. Maak er kortere zinnen van, met hooguit {} woorden."
_HINT_JARGON = "Schrijf liever: {}"
_HINT_RARE = "Dit woord kennen veel mensen niet. Kies een gewoner woord of leg het uit."
_HINT_PASSIVE = (
    "Schrijf wie het doet. Bijvoorbeeld: 'wij bespreken het plan' "
    "in plaats van 'het plan wordt besproken'."
)


def _term_pattern(term: Term) -> re.Pattern[str]:
    """Whole words, any case; names with capitals (Veilig Thuis) only as written."""
    words = term.word.split()
    # Not inside another word: asked after the first letter (is the character before it no part of a word?), so
    # that the search skips to that letter instead of trying the pattern at every position of the text.
    pattern = re.escape(term.word[0]) + r"(?<!\w.)" + r"\s+".join(map(re.escape, [words[0][1:], *words[1:]]))
    if len(words[-1]) >= 6:
        pattern += r"\w*"  # inflections and compounds: maatregelen, gezinsvoogden
    is_name = term.word != term.word.lower() and not term.word.isupper()
    return re.compile(pattern + r"(?!\w)", 0 if is_name else re.IGNORECASE)


_TERM_PATTERNS = tuple((term, _term_pattern(term)) for term in TERMS)


@dataclass(frozen=True)
class Finding:
    kind: str  # "long_sentence" | "jargon" | "rare_word" | "passive"
    text: str  # the flagged sentence, word or words, exactly as in the checked text
    hint: str  # plain Dutch advice for the writer


@dataclass(frozen=True)
class Report:
    score: float | None  # Flesch-Douma reading ease; None when there are no words or fewer than MIN_SCORED_WORDS
    findings: tuple[Finding, ...]
    plain_enough: bool

    def _of_kind(self, kind: str) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.kind == kind)

    @property
    def long_sentences(self) -> tuple[Finding, ...]:
        return self._of_kind("long_sentence")

    @property
    def jargon(self) -> tuple[Finding, ...]:
        return self._of_kind("jargon")

    @property
    def rare_words(self) -> tuple[Finding, ...]:
        return self._of_kind("rare_word")

    @property
    def passives(self) -> tuple[Finding, ...]:
        return self._of_kind("passive")


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The lower-cased words of people's names, for check(): a name is never a rare word."""
    return frozenset(word.lower() for name in names for word in _WORD.findall(name))


def check(text: str, names: frozenset[str] = frozenset(), level: Level = B1) -> Report:
    """Reading ease plus findings; rare words and passives are advice, not blockers.

    `names` are the lower-cased names of the people in the household and its duo: never a rare word. `level`: how
    plain the reader needs it (B1 for adults, CHILD for a child's own plan)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = [word for sentence in sentences for word in _WORD.findall(sentence)]
    if not words:
        return Report(score=None, findings=(), plain_enough=False)

    score = _reading_ease(sentences, words) if len(words) >= MIN_SCORED_WORDS else None
    term_matches = _term_matches(text)
    findings = (
        *_long_sentences(sentences, level.max_sentence_words),
        *_jargon(term_matches),
        *_rare_words(sentences, term_matches, names),
        *_passives(sentences),
    )
    plain_enough = (score is None or score >= level.min_reading_ease) and not any(
        finding.kind in ("long_sentence", "jargon") for finding in findings
    )
    return Report(score=score, findings=findings, plain_enough=plain_enough)


def explain_terms(text: str) -> list[Term]:
    """Glossary terms in the text, in order of first occurrence, each once."""
    return list(_explained(text))


@lru_cache(maxsize=4096)  # a published plan's texts are scanned once per process, not on every page (issue 23)
def _explained(text: str) -> tuple[Term, ...]:
    return tuple(dict.fromkeys(term for term, _ in _term_matches(text)))


def _reading_ease(sentences: list[str], words: list[str]) -> float:
    syllables = sum(_syllables(word) for word in words)
    return round(206.835 - 0.93 * len(words) / len(sentences) - 77 * syllables / len(words), 1)


def _syllables(word: str) -> int:
    """Pyphen misses a lone vowel at the edge (o-ma, i-dee), so take the vowel groups as a floor. A word longer than
    LONGEST_WORD is counted by its vowel groups alone: pyphen tries 8 patterns at every letter (7 ms for 1,000)."""
    return sum(
        len(_VOWEL_GROUP.findall(part)) if len(part) > LONGEST_WORD
        else max(len(_HYPHENATOR.positions(part)) + 1, len(_VOWEL_GROUP.findall(part)))
        for part in re.split(r"['’-]", word.lower())
    )


def _term_matches(text: str) -> list[tuple[Term, re.Match[str]]]:
    """Non-overlapping glossary matches in text order; the longest wins at one position."""
    found = sorted(
        ((term, match) for term, pattern in _TERM_PATTERNS for match in pattern.finditer(text)),
        key=lambda pair: (pair[1].start(), -pair[1].end()),
    )
    matches, end = [], 0
    for term, match in found:
        if match.start() >= end:
            matches.append((term, match))
            end = match.end()
    return matches


def _long_sentences(sentences: list[str], longest: int) -> list[Finding]:
    return [
        Finding("long_sentence", sentence, _HINT_LONG.format(count, longest))
        for sentence in sentences
        if (count := len(_WORD.findall(sentence))) > longest
    ]


def _jargon(term_matches: list[tuple[Term, re.Match[str]]]) -> list[Finding]:
    """Only jargon is flagged: the portal's own words (duo, toekomstplan) are explained, never blamed."""
    first: dict[Term, str] = {}
    for term, match in term_matches:
        if term.jargon:
            first.setdefault(term, match.group())
    return [
        Finding("jargon", word, _HINT_JARGON.format(term.plain)) for term, word in first.items()
    ]


def _rare_words(
    sentences: list[str], term_matches: list[tuple[Term, re.Match[str]]], names: frozenset[str]
) -> list[Finding]:
    jargon_words = {
        word.lower() for _, match in term_matches for word in _WORD.findall(match.group())
    }
    flagged: dict[str, str] = {}
    for sentence in sentences:
        for position, word in enumerate(_WORD.findall(sentence)):
            lower = word.lower()
            if (
                len(word) < 4
                or any(char.isdigit() for char in word)
                or word.isupper()
                or (position > 0 and word[0].isupper())
                or lower in jargon_words
                or lower in names
                or lower in flagged
            ):
                continue
            if zipf_frequency(lower, "nl") < RARE_ZIPF and not _ordinary_compound(lower):
                flagged[lower] = word
    return [Finding("rare_word", word, _HINT_RARE) for word in flagged.values()]


@lru_cache(maxsize=4096)  # bounded: the parts come from whatever a worker types
def _common(word: str) -> bool:
    return len(word) >= MIN_PART_LETTERS and zipf_frequency(word, "nl") >= COMMON_PART_ZIPF


def _ordinary_compound(word: str) -> bool:
    """Dutch writes a compound as one word, so a word list misses most of them (bankpas, taalles,
    koffieochtend). A compound is ordinary when some split point gives two common words, the first one
    perhaps followed by a linking -s- or -e-. Two parts only: a longer chain is rare enough to flag.
    Only split points whose parts could be common words are tried: a bounded number, each of bounded length, so a
    word of thousands of letters costs no more than a short one (every split of it was a lookup as long as it)."""
    longest_head = MAX_PART_LETTERS + max(map(len, _LINKS))
    for split in range(max(MIN_PART_LETTERS, len(word) - MAX_PART_LETTERS),
                       min(len(word) - MIN_PART_LETTERS, longest_head) + 1):
        head, tail = word[:split], word[split:]
        if _common(tail) and any(head.endswith(link) and _common(head[: len(head) - len(link)]) for link in _LINKS):
            return True
    return False


def _passives(sentences: list[str]) -> list[Finding]:
    findings = []
    for sentence in sentences:
        for clause in _CLAUSE_BREAK.split(sentence):
            span = _passive_span(clause)
            if span:
                findings.append(Finding("passive", span, _HINT_PASSIVE))
    return findings


def _passive_span(clause: str) -> str | None:
    """'wordt besproken', 'opgehaald worden', 'is gemaakt door': a form of worden with a
    participle, or a form of zijn with a participle and 'door'."""
    words = list(_WORD.finditer(clause))
    lowered = [match.group().lower() for match in words]
    auxiliaries = [i for i, word in enumerate(lowered) if word in _WORDEN]
    if not auxiliaries and "door" in lowered:
        auxiliaries = [i for i, word in enumerate(lowered) if word in _ZIJN]
    participles = [
        i
        for i, word in enumerate(lowered)
        if _PARTICIPLE.fullmatch(word)
        and not word.endswith("end")  # vervelend, verrassend: adjectives, not participles
        and word not in _WORDEN | _ZIJN
    ]
    if not auxiliaries or not participles:
        return None
    aux = auxiliaries[0]
    participle = min(participles, key=lambda i: abs(i - aux))
    first, last = sorted((aux, participle))
    return clause[words[first].start() : words[last].end()]
