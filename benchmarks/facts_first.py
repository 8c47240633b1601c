"""Facts first on labelled Dutch plan sentences: precision and recall of "interpretation"; budget 0.85 each."""
import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from portal.rules.facts_first import check

DATA = Path(__file__).parent / "data"
# Written first and then checked against; written after the word lists; written after the checker was done.
SETS = ("facts_first.tsv", "facts_first_holdout.tsv", "facts_first_unseen.tsv")
LABELS = ("fact", "interpretation", "agreement")
BUDGET = 0.85


@dataclass
class Score:
    """Counts of "interpretation": a sentence is predicted one when the checker marks anything in it."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    sentences: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positive + self.false_negative
        return self.true_positive / labelled if labelled else 0.0

    def add(self, other: "Score") -> None:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative
        self.sentences += other.sentences


def labelled(path: Path) -> list[tuple[str, str]]:
    """(label, sentence) rows of a set: '#' lines are comments, the first other line is the header."""
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")][1:]
    for row in rows:
        if len(row) != 2 or row[0] not in LABELS:
            raise ValueError(f"{path.name}: not 'label<TAB>sentence' with a known label: {row}")
    return [(label, sentence) for label, sentence in rows]


def score(rows: list[tuple[str, str]], misses: list[str]) -> Score:
    result = Score(sentences=len(rows))
    for label, sentence in rows:
        marks = check(sentence)
        if marks and label == "interpretation":
            result.true_positive += 1
        elif marks:
            result.false_positive += 1
            misses.append(f"  marked a {label}: {sentence}  [{', '.join(mark.text for mark in marks)}]")
        elif label == "interpretation":
            result.false_negative += 1
            misses.append(f"  missed: {sentence}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every sentence the checker got wrong")
    arguments = parser.parse_args()
    total, misses = Score(), []
    print(f"{'set':<26} {'sentences':>9} {'precision':>9} {'recall':>7}")
    for name in SETS:
        result = score(labelled(DATA / name), misses)
        total.add(result)
        print(f"{name:<26} {result.sentences:>9} {result.precision:>9.2f} {result.recall:>7.2f}")
    print(f"{'all':<26} {total.sentences:>9} {total.precision:>9.2f} {total.recall:>7.2f}")
    if arguments.misses:
        print("\n".join(misses))
    passed = total.precision >= BUDGET and total.recall >= BUDGET
    print(f"budget: precision and recall of 'interpretation' at least {BUDGET:.2f} each: "
          f"{'met' if passed else 'MISSED'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
