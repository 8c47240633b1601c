"""Sign-in and language links may only lead back into the portal."""
import pytest

from portal.web.redirects import local_target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                                    "", None, "http:/x"])
def test_foreign_targets_fall_back(target):
    assert local_target(target, "/") == "/"


@pytest.mark.parametrize("target", ["/plan", "/appointments?x=1", "/backoffice/families/3"])
def test_own_paths_are_kept(target):
    assert local_target(target, "/") == target
