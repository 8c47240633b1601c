"""The checks of typed plan text against its length: linear (time per letter flat from 1,000 to 16,000) and a field at
its 2,000-character limit within 25 ms (40 such fields in a save within 1 s)."""
import random
import statistics
import sys
import time

from wordfreq import top_n_list

from portal.rules import facts_first, plain_language

LENGTHS = (1_000, 2_000, 4_000, 8_000, 16_000)
FIELD_LIMIT = 2_000
RUNS = 5  # texts of each kind and length, each new: no cache of an earlier run answers for it
LINEAR = 2.0  # the longest text's time per letter within this factor of the shortest's
FIELD_BUDGET = 0.025  # seconds of processor time for the checks of one field at its limit


def one_word(length: int, seed: int) -> str:
    """A key held down or a link pasted without spaces: one word of `length` letters."""
    letters = random.Random(seed)
    return "".join(letters.choice("abcdefghijklmnoprstuvwz") for _ in range(length))


def dutch_text(length: int, seed: int) -> str:
    """Sentences of 11 common Dutch words up to half the length, then one long word to the length."""
    vocabulary, pick = top_n_list("nl", 4000), random.Random(seed)
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length // 2:
        words += [pick.choice(vocabulary) for _ in range(10)] + [pick.choice(vocabulary) + "."]
    text = " ".join(words)[: length // 2] + " "
    return text + one_word(length - len(text), seed)


def checked(text: str) -> float:
    """Processor seconds for what the editor does with one field: the plain-language and facts-first checks."""
    started = time.process_time()
    plain_language.check(text)
    facts_first.check(text)
    return time.process_time() - started


def median_time(kind, length: int, seeds) -> float:
    return statistics.median(checked(kind(length, next(seeds))) for _ in range(RUNS))


def main() -> int:
    seeds = iter(range(1, 10_000))
    checked(dutch_text(FIELD_LIMIT, 0))  # the word lists and the hyphenation patterns load once
    passed = True
    print(f"{'text':<12} " + " ".join(f"{length:>9,}" for length in LENGTHS) + "   ms per 1,000 letters")
    for name, kind in (("one word", one_word), ("Dutch text", dutch_text)):
        per_letter = [median_time(kind, length, seeds) / length for length in LENGTHS]
        print(f"{name:<12} " + " ".join(f"{figure * 1e6:>9.2f}" for figure in per_letter))
        passed &= per_letter[-1] <= LINEAR * per_letter[0]
    field = median_time(dutch_text, FIELD_LIMIT, seeds)
    print(f"a field at its limit ({FIELD_LIMIT:,} characters): {field * 1000:.1f} ms")
    passed &= field <= FIELD_BUDGET
    print(f"budget: time per letter at {LENGTHS[-1]:,} within {LINEAR:.0f}x of {LENGTHS[0]:,}; a field within "
          f"{FIELD_BUDGET * 1000:.0f} ms: {'met' if passed else 'MISSED'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
