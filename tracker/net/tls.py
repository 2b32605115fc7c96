"""TLS client contexts, each built once per process: loading a CA bundle costs ~20 ms of CPU, which a new
HTTP client paid on every check cycle and urllib on every Slack API call.

Both contexts are keyed by SSL_CERT_FILE and SSL_CERT_DIR, which OpenSSL and httpx read when a context is
built, so a changed variable takes effect at once; a bundle edited on disk is read again after a restart.
"""

from __future__ import annotations

import functools
import os
import ssl


def _trust_variables() -> tuple[str | None, str | None]:
    return os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")


def fetch_context() -> ssl.SSLContext:
    """What httpx builds for `verify=True`: certifi's bundle, unless those variables name another."""
    return _fetch_context(*_trust_variables())


def slack_context(url: str) -> ssl.SSLContext | None:
    """For an https URL, what urllib builds for each HTTPS connection when slack-sdk hands it none: the
    system's trust store (where an organisation's own CA is installed), offering HTTP/1.1 by ALPN as
    http.client does. None for plain HTTP (a local proxy, a test double): given a context, urllib builds
    a new opener for every call (0.25 ms), given none it reuses its shared one."""
    if not url.lower().startswith("https:"):
        return None
    return _slack_context(*_trust_variables())


# The arguments only key the caches: httpx and OpenSSL read the same variables themselves.
@functools.cache
def _fetch_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context()


@functools.cache
def _slack_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context
