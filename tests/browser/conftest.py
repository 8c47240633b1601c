"""Fixtures for the real-browser tests (Playwright's sync API driving Debian's Chromium).

  chromium       (session) path of /usr/bin/chromium; skipped when missing, a failure under CI=true
  browser        (session) one headless Chromium for the whole run
  translations   (session) the interface catalogues compiled into a scratch directory
  neutral_site   (session) a tiny "weather" page on another loopback port: the quick exit's target
  start_server   (session) factory: start_server() a new live portal on a fresh copy of the SQLite
                           "team" database (the demo team and its staff, no households; the module
                           makes the households it needs with support/factories.py on server.app)
  live_server    (module)  one live portal per test module: each module has its own data, so
                           what one module changes (answers, versions, languages, TOTP steps)
                           never reaches another

Browser tests run on SQLite only. Helpers (sign_in, new_family_page, ...) are in browser_kit.py.
"""
import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_HINT, LiveServer, NeutralSite, compile_catalogues

from portal.config import PROJECT_ROOT
from support.binaries import require_binary


@pytest.fixture(scope="session")
def chromium() -> str:
    return require_binary(CHROMIUM, CHROMIUM_HINT)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def translations(tmp_path_factory):
    return compile_catalogues(PROJECT_ROOT / "translations", tmp_path_factory.mktemp("translations"))


@pytest.fixture(scope="session")
def neutral_site():
    site = NeutralSite()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def start_server(databases, tmp_path_factory, neutral_site, translations):
    servers = []

    def start() -> LiveServer:
        directory = tmp_path_factory.mktemp("live")
        url = databases.create("sqlite", "team", directory)
        server = LiveServer(url, directory / "instance", neutral_site.url, translations)
        servers.append(server)  # kept until the end of the run
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def live_server(start_server, browser) -> LiveServer:
    # `browser` first: without Chromium the module is skipped before any server starts.
    return start_server()
