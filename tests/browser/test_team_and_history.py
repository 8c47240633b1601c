"""The team overview at 1280x800 and a parent's plan history at 360x740, in Dutch and Arabic (issue 16, points 3
and 4): no page-wide sideways scrolling, no axe-core violations, touch targets on the phone page, the chart drawn
without JavaScript; full-page screenshots in /work/main/screenshots/ (git-ignored) for people to look at.

Made here (support/factories.py on the live server), all of the demo team: Fatima and Youssef, kept apart, with two
published versions of their plan (the second changes Oma's agreement) and Youssef's question and answer; and four
more households with a published plan, taken in between 10 and 60 days ago, so the team overview has five rows and
its chart bars of some height."""
import pytest
from browser_kit import (
    SCREENSHOTS,
    axe_violations,
    choose_language,
    describe_targets,
    describe_violations,
    household_with_plan,
    new_family_page,
    plan_answered,
    sign_in,
    small_targets,
    started_days_ago,
)

from support import factories

STAFF_VIEWPORT = {"width": 1280, "height": 800}
DIRECTION = {"nl": "ltr", "ar": "rtl"}


@pytest.fixture(scope="module")
def youssef(live_server) -> str:
    """Youssef (who reads Arabic): two versions, his question on the first and his answer to the second."""
    app = live_server.app
    el_idrissi = factories.fatima_and_youssef(app, children=True, password=True)
    factories.published_plan(app, el_idrissi.family_id)
    started_days_ago(app, el_idrissi.family_id, 70)
    youssef = el_idrissi.usernames[1]
    plan_answered(app, youssef, "question", "Wat moet ik doen als de buurvrouw niet thuis is?")
    factories.published_plan(app, el_idrissi.family_id, what="De kinderen slapen bij oma of bij de buurvrouw.")
    plan_answered(app, youssef, "agree")
    for days in (10, 20, 45, 60):
        started_days_ago(app, household_with_plan(app, ["nl"]).family_id, days)
    return youssef


@pytest.fixture(scope="module")
def pages(browser, live_server, youssef):
    """pages(kind): the team lead's page at 1280x800, or the parent's at 360x740, signed in once per module."""
    opened = {}

    def page_of(kind: str):
        if kind not in opened:
            if kind == "staff":
                context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nl-NL", base_url=live_server.base)
                context.set_default_timeout(10_000)
                page = context.new_page()
                sign_in(page, live_server, "teamlead")
                opened[kind] = context, page
            else:
                opened[kind] = new_family_page(browser, live_server, youssef)
        return opened[kind][1]

    yield page_of
    for context, _page in opened.values():
        context.close()


def in_language(page, language: str) -> None:
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == DIRECTION[language]


def fits_the_width(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n{describe_violations(violations)}"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path
    print(path)


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_team_overview_at_1280(pages, live_server, language):
    page = pages("staff")
    page.goto("/backoffice/")
    in_language(page, language)
    page.locator("main a[href='/backoffice/team']").click()  # linked from the team lead's home
    page.wait_for_url(live_server.url("/backoffice/team"))
    heading = live_server.translate(language, "Team overview: %(team)s", team="Blijvend Veilig Amsterdam Nieuw-West")
    assert page.locator("main h1").inner_text().strip() == heading
    assert page.locator("section[aria-labelledby=households] tbody tr").count() >= 5
    chart = page.locator("svg.chart[role=img]")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300  # drawn by the page itself, no script
    assert page.locator("svg.chart rect.bar").count() >= 1
    fits_the_width(page)
    no_axe_violations(page)
    shoot(page, f"office-team-{language}.png")


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_plan_history_at_360(pages, live_server, language):
    page = pages("parent")
    page.goto("/plan")
    in_language(page, language)
    page.locator("main a[href='/plan/history']").click()  # linked from the plan page
    page.wait_for_url(live_server.url("/plan/history"))
    assert page.locator("main h1").inner_text().strip() == live_server.translate(language, "Your plan over time")
    assert page.locator("section.version").count() == 2
    assert page.locator("section.version ul.changes li").count() >= 1
    fits_the_width(page)
    small, _all = small_targets(page)
    assert not small, f"touch targets under 44x44 on {page.url}:\n{describe_targets(small)}"
    no_axe_violations(page)
    shoot(page, f"family-history-{language}.png")
