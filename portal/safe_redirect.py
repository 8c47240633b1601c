"""Only ever redirect to a path on this site: `next=` parameters cannot send users elsewhere."""
from urllib.parse import urlsplit


def local_target(target: str | None, fallback: str) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
