"""One changed sentence is one segment of work: over the labelled plan sentences of benchmarks/data, each joined
with its two neighbours into one plan field, the middle sentence is changed and the new segments are counted.
Budgets: exactly one new segment for every change (and it is the changed sentence), every corpus sentence is one
segment on its own, and segmenting stays under 1 ms per field."""
import argparse
import sys
import time
from dataclasses import replace

from benchmarks.facts_first import DATA, SETS, labelled
from portal.rules.plan_content import Agreement, PlanContent, Situation
from portal.rules.sentences import sentences
from portal.services.interpreting import segments

MS_PER_FIELD = 1.0


def plan(what: str) -> PlanContent:
    agreement = Agreement("a", "Oma", what, "Altijd.", "Bel dan de buurvrouw.")
    return PlanContent((Situation("s", 1, "acute", "Er wordt geschreeuwd in huis.", (), (agreement,)),))


def changed(sentence: str) -> str:
    """The same sentence with one word more (after its first word), as a duo edits one sentence."""
    first, _space, rest = sentence.partition(" ")
    return f"{first} ook {rest}" if rest else f"Ook {sentence}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every field that did not give one segment")
    arguments = parser.parse_args()
    corpus = [sentence for name in SETS for _label, sentence in labelled(DATA / name)]
    alone = [sentence for sentence in corpus if sentences(sentence) != [sentence]]
    one, exact, misses, started = 0, 0, [], time.perf_counter()
    trios = [corpus[i:i + 3] for i in range(len(corpus) - 2)]
    for trio in trios:
        before = plan(" ".join(trio))
        after = replace(before, situations=(replace(before.situations[0], agreements=(
            replace(before.situations[0].agreements[0], what=" ".join([trio[0], changed(trio[1]), trio[2]])),)),))
        new = [segment for segment in segments(after) if segment not in set(segments(before))]
        one += len(new) == 1
        exact += new == [changed(trio[1])]
        if new != [changed(trio[1])]:
            misses.append(f"  {len(new)} new: {new}")
    per_field = (time.perf_counter() - started) * 1000 / (2 * len(trios))
    print(f"corpus sentences: {len(corpus)}; one segment on their own: {len(corpus) - len(alone)}")
    print(f"fields of three sentences with the middle one changed: {len(trios)}")
    print(f"  exactly one new segment: {one}; and it is the changed sentence: {exact}")
    print(f"  segmenting: {per_field:.3f} ms per field (budget {MS_PER_FIELD} ms)")
    if arguments.misses:
        print("\n".join(misses + [f"  not one segment: {sentence}" for sentence in alone]))
    passed = one == exact == len(trios) and not alone and per_field < MS_PER_FIELD
    print(f"budget: every change one segment, every sentence one segment, under {MS_PER_FIELD} ms a field: "
          f"{'met' if passed else 'MISSED'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
