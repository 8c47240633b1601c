"""What a parent sees changed between versions, and what is never sent to them."""
from portal.rules import audience
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation, diff, summary

FATIMA, YOUSSEF = 1, 2


def plan(*, pick_up="Fatima haalt de kinderen op.", extra=False, course=True, secret=True) -> PlanContent:
    agreements = [Agreement("a1", "Fatima", pick_up, "15.15 uur", "De school belt Bram.")]
    if secret:
        agreements.append(Agreement("a2", "Fatima", "Fatima heeft een veilig adres.", "Dag en nacht.", "Bel 112.",
                                    audience.only_for([FATIMA])))
    items = [Item("h1", "help", "Budgetcoach helpt met brieven.", "Sociaal team")]
    if course:
        items.append(Item("h2", "help", "Cursus opvoeden.", "Ouder- en Kindteam"))
    if extra:
        items.append(Item("f1", "future", "Het gezin heeft geen schulden."))
    return PlanContent((Situation("s1", 1, "acute", "Harde ruzie thuis.", ("Geldzorgen",), tuple(agreements)),),
                       tuple(items))


def test_diff_names_added_changed_and_removed_items():
    changes = diff(plan(), plan(pick_up="Oma haalt de kinderen op.", extra=True, course=False))
    assert [(c.change, c.kind) for c in changes] == [("changed", "agreement"), ("added", "future"),
                                                   ("removed", "help")]
    assert "Oma haalt" in changes[0].new and "Fatima haalt" in changes[0].old


def test_identical_versions_have_no_changes():
    assert diff(plan(), plan()) == []
    assert summary([]) == "Er is niets veranderd."


def test_summary_is_plain_dutch():
    text = summary(diff(plan(course=False), plan()))
    assert text.startswith("Nieuw: punt in het hulpplan: Cursus opvoeden.")


def for_parent(content: PlanContent, parent: int) -> PlanContent:
    return content.visible(lambda stored: audience.shows(stored, parent))


def test_restricted_items_are_removed_not_hidden():
    seen_by_youssef = for_parent(plan(), YOUSSEF)
    assert "veilig adres" not in repr(seen_by_youssef)
    assert len(seen_by_youssef.situations[0].agreements) == 1
    assert "veilig adres" in repr(for_parent(plan(), FATIMA))


def test_a_situation_only_for_one_parent_takes_its_agreements_along():
    content = plan()
    only_fatima = PlanContent((content.situations[0].__class__(**{**content.situations[0].__dict__,
                                                                  "audience": audience.only_for([FATIMA])}),),
                              content.items)
    assert for_parent(only_fatima, YOUSSEF).situations == ()
    assert for_parent(only_fatima, FATIMA).situations == only_fatima.situations


def test_diff_for_a_parent_never_mentions_items_hidden_from_them():
    before, after = plan(secret=False), plan()
    assert diff(for_parent(before, YOUSSEF), for_parent(after, YOUSSEF)) == []
    assert [c.change for c in diff(for_parent(before, FATIMA), for_parent(after, FATIMA))] == ["added"]


def test_an_unreadable_audience_shows_nothing():
    """When in doubt, show less: only the exact household value opens an item to everyone."""
    for stored in ("", "parents:", "Household", "parents:x", "all"):
        assert not audience.shows(stored, FATIMA), stored
    assert audience.shows("parents:1,2", YOUSSEF) and not audience.shows("parents:12", FATIMA)


def test_a_reader_counts_the_situations_they_see_without_a_gap():
    """Unsafe situation 2 is for parent 7 only: parent 3 reads situations 1 and 2, never '1' and '3'."""
    content = PlanContent(situations=tuple(
        Situation(f"s{rank}", rank, "acute", f"Situatie {rank}.", (),
                  audience=audience.only_for([7]) if rank == 2 else audience.HOUSEHOLD) for rank in (1, 2, 3)))
    seen = content.visible(lambda stored: audience.shows(stored, 3))
    assert [(s.rank, s.description) for s in seen.situations] == [(1, "Situatie 1."), (2, "Situatie 3.")]
    assert [s.rank for s in content.visible(lambda stored: audience.shows(stored, 7)).situations] == [1, 2, 3]
