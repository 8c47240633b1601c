"""Plan text as Dutch sentences, the unit of translation work, and a word-level diff between two sentences."""
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import sentencex

# sentencex splits after abbreviations it does not know ("mevr. de Vries", "o.a. de school"). A Dutch
# sentence never starts with a lower-case letter, so such a piece belongs to the sentence before it.
_CONTINUES = re.compile(r"^[a-zà-ÿ]")
# It also takes ordinary words for abbreviations ("horen dat.", "in de hand.", "via de app.") and keeps a quote
# that ends a sentence with the next one. A word of two letters or more (or "u"), then a full stop (or a quote that ends
# in . ! ?) and a capital letter end a sentence, unless the word is an abbreviation that comes before a name.
_ENDS = re.compile(r"(?:\b([^\W\d_]{2,}|[Uu])\.|[.!?][\"”’»)])(\s+)(?=[A-ZÀ-Þ])")
BEFORE_NAMES = frozenset({"dhr", "mevr", "mw", "mr", "dr", "drs", "ir", "ing", "prof", "st", "sr", "jr", "fam", "ds"})


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text exactly as typed (stripped), and the white space that followed it."""

    text: str
    gap: str = ""


# Texts split once per process: a published plan's texts come back on every page that shows them (issue 23).
SPLITS_KEPT = 8192


def split(text: str) -> list[Sentence]:
    """The sentences of a text in order; each line break also ends a sentence (lists typed line by line)."""
    return list(_split(text))


@lru_cache(maxsize=SPLITS_KEPT)
def _split(text: str) -> tuple[Sentence, ...]:
    pieces: list[list[str]] = []  # [text, gap]
    for line in re.split(r"(\n+)", text):
        if not line.strip():
            if pieces and line:
                pieces[-1][1] += line
            continue
        for part in (piece for found in sentencex.segment("nl", line) for piece in _ends_split(found)):
            body = part.rstrip()
            gap = part[len(body):]
            if not body.strip():
                continue
            if pieces and _CONTINUES.match(body.lstrip()) and "\n" not in pieces[-1][1]:
                pieces[-1][0] += pieces[-1][1] + body
                pieces[-1][1] = gap
            else:
                pieces.append([body, gap])
    return tuple(Sentence(body.strip(), _normal_gap(gap)) for body, gap in pieces)


def _ends_split(piece: str) -> list[str]:
    cuts = [match.end() for match in _ENDS.finditer(piece) if (match.group(1) or "").lower() not in BEFORE_NAMES]
    return [piece[start:end] for start, end in zip([0, *cuts], [*cuts, len(piece)], strict=True)]


def _normal_gap(gap: str) -> str:
    """Line breaks are kept (a list stays a list); any other white space becomes one space."""
    return "\n" * gap.count("\n") if "\n" in gap else (" " if gap else "")


def sentences(text: str) -> list[str]:
    return list(_sentences(text))


@lru_cache(maxsize=SPLITS_KEPT)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(sentence.text for sentence in _split(text))


def joined(parts: list[tuple[str, str]]) -> str:
    """(text, gap) pairs back into one text: a field's translation is its sentences' translations joined."""
    return "".join(text + gap for text, gap in parts).strip()


@dataclass(frozen=True)
class WordChange:
    change: str  # same | removed | added
    words: str


def word_diff(old: str, new: str) -> list[WordChange]:
    """What changed from one sentence to the next, word by word (punctuation stays with its word)."""
    before, after = old.split(), new.split()
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(WordChange("same", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            changes.append(WordChange("removed", " ".join(before[i1:i2])))
        if j2 > j1:
            changes.append(WordChange("added", " ".join(after[j1:j2])))
    return changes
