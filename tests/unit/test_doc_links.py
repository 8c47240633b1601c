"""Every link in README.md and docs/*.md is relative and leads to a file of the repository, without an anchor."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# An inline link or image, [text](target "title"), and an autolink, <scheme:...>; code is no link.
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<([a-z][a-z0-9+.-]*:[^>\s]*)>", re.IGNORECASE)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
LEAVES = re.compile(r"[a-z][a-z0-9+.-]*:|/|#|.*[#?]", re.IGNORECASE)


def broken_links(text: str, folder: Path) -> list[str]:
    """The links in a page's text, read from its folder, that leave the repository, carry an anchor or name no file."""
    targets = [match.group(1) or match.group(2) for match in LINK.finditer(CODE.sub("", text))]
    return [
        target for target in targets
        if LEAVES.match(target)
        or not (folder / target).resolve().is_relative_to(ROOT)
        or not (folder / target).resolve().is_file()
    ]


def test_the_check_finds_links_that_lead_nowhere_or_outside():
    written = (
        "[ok](architecture.md) [up](../README.md) [missing](nowhere.md) [web](https://example.org) "
        "<https://example.org> [anchor](security.md#signing-in) [outside](../../shared/ARCHITECTURE.md) "
        "[absolute](/etc/passwd) [folder](../docs) `[code](nowhere.md)`"
    )
    assert broken_links(written, ROOT / "docs") == [
        "nowhere.md", "https://example.org", "https://example.org", "security.md#signing-in",
        "../../shared/ARCHITECTURE.md", "/etc/passwd", "../docs",
    ]


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_link_is_relative_and_leads_to_a_file(page):
    assert broken_links(page.read_text(encoding="utf-8"), page.parent) == []
