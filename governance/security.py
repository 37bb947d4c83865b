"""Logging of denied access (who, where, why): one logger, used by the error views and the API."""

import logging

logger = logging.getLogger("governance.security")


def log_denied(request, reason: str) -> None:
    user = getattr(request, "user", None)
    username = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning("access denied: user=%s path=%s method=%s reason=%s", username,
                   request.get_full_path(), request.method, reason)
