"""The project's own deployment checks (SEC-8), run by `goldenthread check --deploy`.

Django's deployment checks do not look at ALLOWED_HOSTS=["*"], nor at whether a cookie
named "__Host-..." meets that prefix's rules (a browser silently drops one that does not,
which signs everybody out). These do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

HOST_PREFIX = "__Host-"


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs) -> list[Error]:
    hosts = list(getattr(settings, "ALLOWED_HOSTS", []) or [])
    if not hosts:
        return [
            Error(
                "ALLOWED_HOSTS is empty: the service would answer no request.",
                hint="Set ALLOWED_HOSTS to the service's host name, e.g. "
                "ALLOWED_HOSTS=goldenthread.example.org.",
                id="goldenthread.E001",
            )
        ]
    wildcards = [h for h in hosts if h.strip() in {"*", ".", ""}]
    if wildcards:
        return [
            Error(
                "ALLOWED_HOSTS accepts any host name: links in e-mails and redirects could be "
                "made to point at another site (host header attacks).",
                hint="List the service's own host names instead of '*'.",
                id="goldenthread.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_host_prefixed_cookies(app_configs, **kwargs) -> list[Error]:
    errors = []
    for kind in ("SESSION", "CSRF"):
        name = getattr(settings, f"{kind}_COOKIE_NAME")
        secure = getattr(settings, f"{kind}_COOKIE_SECURE")
        path = getattr(settings, f"{kind}_COOKIE_PATH")
        domain = getattr(settings, f"{kind}_COOKIE_DOMAIN")
        if not name.startswith(HOST_PREFIX):
            errors.append(
                Error(
                    f"{kind}_COOKIE_NAME ({name!r}) does not start with {HOST_PREFIX!r}: the "
                    "cookie could be set or overwritten by another host or subdomain.",
                    hint=f"Use {kind}_COOKIE_NAME = '{HOST_PREFIX}...' with Secure and Path=/.",
                    id="goldenthread.E003",
                )
            )
        elif not secure or path != "/" or domain:
            errors.append(
                Error(
                    f"{kind}_COOKIE_NAME starts with {HOST_PREFIX!r}, so browsers accept it only "
                    "with Secure, Path=/ and no Domain; these settings break that and nobody "
                    "could stay signed in.",
                    hint=f"Set {kind}_COOKIE_SECURE = True, {kind}_COOKIE_PATH = '/' and "
                    f"{kind}_COOKIE_DOMAIN = None.",
                    id="goldenthread.E004",
                )
            )
    return errors
