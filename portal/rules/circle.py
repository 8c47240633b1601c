"""What a member of the family's circle reads of a plan: the agreements they carry, as their side allows. Pure data."""
import hashlib
import re
from collections.abc import Collection

from portal.rules.audience import side_reads
from portal.rules.plan_content import Agreement, PlanContent

NAME_PART = re.compile(r"\w{3,}")  # parts of a name worth offering a match on: not "de", "El", "al"


def readable(content: PlanContent, side: str) -> tuple[Agreement, ...]:
    """Every agreement a member on this side may read (its situation's audience too), in the plan's order: what the
    duo may name them in."""
    shown = content.visible(lambda stored: side_reads(side, stored))
    return tuple(agreement for situation in shown.situations for agreement in situation.agreements)


def carried(content: PlanContent, side: str, named: Collection[str]) -> tuple[Agreement, ...]:
    """The agreements a member carries: named by the duo and readable from their side; nothing else of the plan."""
    return tuple(agreement for agreement in readable(content, side) if agreement.key in named)


def digest(agreement: Agreement) -> str:
    """The agreement as the member reads it: an answer holds for this text, and a new text asks again."""
    parts = (agreement.who, agreement.what, agreement.when, agreement.if_it_goes_wrong)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def digests(agreements: tuple[Agreement, ...]) -> dict[str, str]:
    return {agreement.key: digest(agreement) for agreement in agreements}


def is_news(before: PlanContent | None, after: PlanContent, side: str, named: Collection[str]) -> bool:
    """Is a new version news to a member: did an agreement they carry come, go or change? Work on anything else
    of the plan leaves no trace for them."""
    old = digests(carried(before, side, named)) if before is not None else {}
    return digests(carried(after, side, named)) != old


def mentions(agreement: Agreement, name: str) -> bool:
    """Does the agreement's who or what name this person (a part of their name as a word, any case)? Offered to the
    duo as likely, never taken as confirmed: "Haddou" in "buurvrouw mevrouw Haddou"."""
    words = {word.casefold() for word in NAME_PART.findall(f"{agreement.who} {agreement.what}")}
    return any(part.casefold() in words for part in NAME_PART.findall(name))
