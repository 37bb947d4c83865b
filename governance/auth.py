"""Where a password is checked: the login page, the admin login and the token endpoint.

All three refuse a username longer than the user model allows before django-axes writes it into its
lock table (a 300-character name was a 500 on PostgreSQL), log each failure with the username and the
client IP on the `governance.security` logger, and take the client IP from the same trusted-proxy
settings as axes (AXES_IPWARE_*), so one reverse-proxy address cannot lock every client out.
The token endpoint also answers a locked-out client 429 in Chinese and is throttled per IP and per
username (password spraying across many accounts from one address is throttled too).
"""

import logging
import re

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from governance.throttling import TokenIPThrottle, TokenUsernameThrottle, client_ip

logger = logging.getLogger("governance.security")

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length  # 150
LOCKED_OUT_MESSAGE = _("连续多次登录失败，账号已暂时锁定。请稍后再试，或联系区级管理员解锁。")
USERNAME_TOO_LONG = _("用户名不能超过 %(limit_value)d 个字符。")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value, limit: int = 200) -> str:
    # A username is attacker-chosen: no line breaks or control characters in the log, and no novel.
    text = str(value or "")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text[:limit]) + ("…" if len(text) > limit else "")


def log_login_failure(request, *, username, reason: str) -> None:
    path = getattr(request, "path", "")
    logger.warning("login failed: username=%s ip=%s path=%s reason=%s", _printable(username), client_ip(request),
                   path, reason)


class _BoundedUsernameMixin:
    """AuthenticationForm sets the field's max_length after the field is built, so no validator checks it
    (the widget's maxlength only binds a browser); check it here, before authenticate() runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH, message=USERNAME_TOO_LONG))

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            log_login_failure(self.request, username=self.cleaned_data.get("username"),
                              reason=getattr(error, "code", None) or "invalid_login")
            raise

    def _post_clean(self):
        super()._post_clean()
        if "username" in self.errors and self.request is not None:
            # Refused before authenticate(): a too long or malformed name is a failed login too.
            log_login_failure(self.request, username=self.data.get("username"), reason="invalid_username")


class LoginForm(_BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsernameMixin, AdminAuthenticationForm):
    pass


class BoundedAuthTokenSerializer(AuthTokenSerializer):
    username = serializers.CharField(label=_("用户名"), write_only=True, max_length=USERNAME_MAX_LENGTH)
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True, max_length=4096)


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get the account's token. 400 for bad credentials, 429 when the account
    is locked out (django-axes) or the client sends too many requests."""

    serializer_class = BoundedAuthTokenSerializer
    authentication_classes = ()  # credentials come in the body; no session, so no CSRF either
    throttle_classes = [TokenIPThrottle, TokenUsernameThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if serializer.is_valid():
            user = serializer.validated_data["user"]
            token, _created = Token.objects.get_or_create(user=user)
            return Response({"token": token.key})
        username = request.data.get("username") if hasattr(request.data, "get") else None
        # axes flags the request it refused (the DRF request, which authenticate() received); a malformed
        # username never reached authenticate() and is not looked up (NUL bytes, overlong names).
        locked = getattr(request, "axes_locked_out", False) or (
            "username" not in serializer.errors and isinstance(username, str)
            and AxesProxyHandler.is_locked(request._request, {"username": username}))
        if locked:
            log_login_failure(request, username=username, reason="locked_out")
            response = Response({"detail": str(LOCKED_OUT_MESSAGE)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            cool_off = get_cool_off(request._request)
            if cool_off is not None:
                response["Retry-After"] = str(int(cool_off.total_seconds()))
            return response
        log_login_failure(request, username=username, reason="invalid_login")
        return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)


obtain_token = ObtainTokenView.as_view()
