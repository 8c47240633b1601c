""""Translation follows" on a cancelled appointment (issue 21, smaller point): axe-core found its colour too faint
(WCAG 2 AA contrast) on a phone; the mark is readable there too, and it comes after its sentence in either
direction (inside the Dutch sentence it landed mid-sentence in Arabic).

Made here (support/factories.py on the live server): Mehmet, an activated parent who reads Turkish, whose household's
appointment at home tomorrow the duo cancelled; nobody has translated its Dutch text yet."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_kit import appointment_cancelled, choose_language, describe_violations, new_family_page

from support import factories

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def mehmet(live_server) -> str:
    app = live_server.app
    home = factories.household(app, ["tr"], names=("Mehmet Demir",), password=True)
    appointment_id, _key = factories.appointment(app, home.family_id, days=1, place="Thuis",
                                                 purpose="Samen het plan lezen.")
    appointment_cancelled(app, home.family_id, appointment_id)
    return home.usernames[0]


@pytest.mark.parametrize("language", ["tr", "ar"])
def test_translation_follows_on_a_cancelled_appointment_passes_wcag_aa(browser, live_server, mehmet, language):
    # Mehmet reads Turkish; his household's appointment at home tomorrow was cancelled, its text in Dutch.
    context, page = new_family_page(browser, live_server, mehmet, locale=language)
    page.goto("/appointments")
    choose_language(page, language)
    assert page.locator("html").get_attribute("lang") == language
    mark = page.locator("article.cancelled small.follows").first
    assert mark.is_visible() and mark.get_attribute("lang") == language
    sentence = mark.locator("xpath=preceding-sibling::span[1]")
    assert sentence.get_attribute("lang") == "nl" and "pending" in sentence.get_attribute("class")
    # After the sentence as the page reads: on its left in Arabic, on its right in Turkish; never inside it.
    words, after = sentence.bounding_box(), mark.bounding_box()
    assert abs(words["y"] - after["y"]) < words["height"], (words, after)  # a short sentence: one line
    if language == "ar":
        assert after["x"] + after["width"] <= words["x"] + 1, (words, after)
    else:
        assert after["x"] >= words["x"] + words["width"] - 1, (words, after)
    results = Axe().run(page, context="article.cancelled",
                        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert results.response["passes"], "axe checked nothing"
    assert not violations, f"axe found {len(violations)} violation(s) in the cancelled appointment ({language}):\n" \
                           f"{describe_violations(violations)}"
    context.close()
