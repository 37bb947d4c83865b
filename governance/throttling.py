"""Throttles: a ceiling on API requests per caller, so that no one client (a runaway script, a stolen token)
can starve the others, and stricter ones on the token endpoint against password guessing and spraying.
Signed-in callers count per user, anonymous ones per client IP as axes sees it (AXES_IPWARE_*)."""

import hashlib

from axes.helpers import get_client_ip_address
from rest_framework.throttling import SimpleRateThrottle

USERNAME_MAX_LENGTH = 150  # the user model's; a longer name is refused by the endpoint anyway


def client_ip(request) -> str:
    """The client's address as axes sees it (AXES_IPWARE_* decide which proxy headers are trusted)."""
    return get_client_ip_address(getattr(request, "_request", request)) or "unknown"



class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else f"ip-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenIPThrottle(SimpleRateThrottle):
    """Token requests per client IP, whichever usernames they try (password spraying)."""

    scope = "token_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class TokenUsernameThrottle(SimpleRateThrottle):
    """Token requests per username, from whatever addresses (axes locks a username per IP only)."""

    scope = "token_user"

    def get_cache_key(self, request, view):
        try:
            username = request.data.get("username")
        except Exception:  # noqa: BLE001 - an unparsable body has no username; the parser answers 400 later
            return None
        if not isinstance(username, str) or not username:
            return None
        ident = hashlib.sha256(username[:USERNAME_MAX_LENGTH].encode("utf-8", "replace")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
