"""Forwarded headers only from the proxies in front of the app: anyone else's X-Forwarded-* is not read."""
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxies:
    """ProxyFix for requests whose peer (REMOTE_ADDR) is one of the configured proxies, `count` deep; a client that
    reaches the app port itself keeps its own address, whatever X-Forwarded-For it sends."""

    def __init__(self, app, proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network], count: int):
        self.app, self.proxies = app, proxies
        self.forwarded = ProxyFix(app, x_for=count, x_proto=count, x_host=count)

    def __call__(self, environ, start_response):
        handle = self.forwarded if self._from_proxy(environ.get("REMOTE_ADDR")) else self.app
        return handle(environ, start_response)

    def _from_proxy(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:  # no address (the peer of a unix socket): not one of the configured proxies
            return False
        return any(address in network for network in self.proxies)
