"""A plan version's content as plain data, what a parent may see of it, and what changed between two."""
from collections.abc import Callable
from dataclasses import dataclass, replace

from portal.rules.audience import HOUSEHOLD


@dataclass(frozen=True)
class Agreement:
    key: str
    who: str
    what: str
    when: str
    if_it_goes_wrong: str
    audience: str = HOUSEHOLD

    @property
    def text(self) -> str:
        return f"{self.who}: {self.what} ({self.when}). {self.if_it_goes_wrong}"


@dataclass(frozen=True)
class Situation:
    key: str
    rank: int
    kind: str  # acute | structural
    description: str
    risk_factors: tuple[str, ...]
    agreements: tuple[Agreement, ...] = ()
    audience: str = HOUSEHOLD

    @property
    def text(self) -> str:
        return self.description


@dataclass(frozen=True)
class Item:
    key: str
    section: str  # help | future
    text: str
    who: str = ""
    audience: str = HOUSEHOLD


@dataclass(frozen=True)
class PlanContent:
    situations: tuple[Situation, ...] = ()
    items: tuple[Item, ...] = ()

    def section(self, name: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == name)

    def visible(self, shown: Callable[[str], bool]) -> "PlanContent":
        """Only the items whose audience passes `shown` (an agreement also needs its situation's): the rest
        is not sent at all. E.g. `content.visible(lambda audience: audience_rules.shows(audience, parent.id))`."""
        # Numbered 1, 2, 3 as the reader sees them: a gap would tell that a situation is kept from them.
        situations = tuple(
            replace(situation, rank=rank, agreements=tuple(a for a in situation.agreements if shown(a.audience)))
            for rank, situation in enumerate((s for s in self.situations if shown(s.audience)), start=1))
        return PlanContent(situations, tuple(item for item in self.items if shown(item.audience)))

    def as_read(self) -> "PlanContent":
        """What a reader sees of it: the texts and their order, not who else may read each one."""
        return PlanContent(
            tuple(replace(situation, audience=HOUSEHOLD,
                          agreements=tuple(replace(a, audience=HOUSEHOLD) for a in situation.agreements))
                  for situation in self.situations),
            tuple(replace(item, audience=HOUSEHOLD) for item in self.items))

    def audiences(self) -> dict[str, str]:
        """Every item's audience by key: what the duo changes when it decides who may read an item."""
        found = {}
        for situation in self.situations:
            found[situation.key] = situation.audience
            found.update((agreement.key, agreement.audience) for agreement in situation.agreements)
        found.update((item.key, item.audience) for item in self.items)
        return found

    def entries(self) -> dict[str, tuple[str, str]]:
        """Every item by key: (kind, text), the unit of comparison."""
        found = {}
        for situation in self.situations:
            found[situation.key] = ("situation", f"{situation.description} | {' / '.join(situation.risk_factors)}")
            for agreement in situation.agreements:
                found[agreement.key] = ("agreement", agreement.text)
        for item in self.items:
            found[item.key] = (item.section, f"{item.text} ({item.who})" if item.who else item.text)
        return found

    def texts(self) -> dict[str, tuple[str, ...]]:
        """Every item by key: the texts it is made of, each a unit of translation (entries() joins them)."""
        found = {}
        for situation in self.situations:
            found[situation.key] = (situation.description, *situation.risk_factors)
            for agreement in situation.agreements:
                found[agreement.key] = (agreement.who, agreement.what, agreement.when, agreement.if_it_goes_wrong)
        found.update((item.key, (item.text, item.who)) for item in self.items)
        return {key: tuple(text for text in texts if text.strip()) for key, texts in found.items()}


@dataclass(frozen=True)
class Change:
    change: str  # added | changed | removed
    kind: str  # situation | agreement | help | future
    old: str = ""
    new: str = ""
    old_texts: tuple[str, ...] = ()  # the texts the item is made of, each shown in the reader's language
    new_texts: tuple[str, ...] = ()


def diff(old: PlanContent, new: PlanContent) -> list[Change]:
    """What changed from one version to the next, matched by item key, in the new version's order."""
    before, after = old.entries(), new.entries()
    old_texts, new_texts = old.texts(), new.texts()
    changes = []
    for key, (kind, text) in after.items():
        if key not in before:
            changes.append(Change("added", kind, new=text, new_texts=new_texts[key]))
        elif before[key][1] != text:
            changes.append(Change("changed", kind, old=before[key][1], new=text, old_texts=old_texts[key],
                                  new_texts=new_texts[key]))
    changes += [Change("removed", kind, old=text, old_texts=old_texts[key])
                for key, (kind, text) in before.items() if key not in after]
    return changes


def summary(changes: list[Change]) -> str:
    """A plain Dutch summary of the changes, stored with a published version."""
    if not changes:
        return "Er is niets veranderd."
    names = {"situation": "onveilige situatie", "agreement": "afspraak", "help": "punt in het hulpplan",
             "future": "punt in het toekomstplan"}
    verbs = {"added": "nieuw", "changed": "veranderd", "removed": "weggehaald"}
    lines = [f"{verbs[c.change].capitalize()}: {names[c.kind]}: {c.new or c.old}" for c in changes]
    return "\n".join(lines)

