"""Language selection: Chinese unless the user chose otherwise.

Pages follow the language the user picked (the language cookie set by Django's set_language view),
else zh-hans, whatever the browser's Accept-Language says: government intranet machines are often
set up in English. The API follows the request (cookie, then Accept-Language), as DESIGN.md section 5
asks of its error messages.

Also here: the edges every request passes (NUL bytes refused, API errors in JSON, Permissions-Policy).
"""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _


class DefaultLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen and translation.check_for_language(chosen) and chosen in dict(settings.LANGUAGES) \
                else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ProjectErrorPagesMiddleware:
    """With DJANGO_DEBUG on (as `make run` serves), a user who opens a page that does not exist, or a row
    outside their scope, still sees the project's Chinese 404 page, not Django's technical one.

    Django renders handler404 only with DEBUG off; 403 already goes through handler403 either way, and a
    500's debug traceback stays Django's. The API answers its own JSON 404s and is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request) -> bool:
        return settings.DEBUG and not request.path_info.startswith(("/api/", settings.STATIC_URL or "/static/"))

    def __call__(self, request):
        if self._applies(request):
            from django.urls import Resolver404, get_resolver

            try:
                get_resolver().resolve(request.path_info)
            except Resolver404:
                from governance.views import page_not_found

                return page_not_found(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self._applies(request):
            from governance.views import page_not_found

            return page_not_found(request, exception)
        return None


class RejectNulMiddleware:
    """A NUL byte in the path, a query parameter or a header is refused with 400 before any view runs.

    PostgreSQL refuses NUL in text, so such a value reaching a query (a filter, a search, a token or
    session lookup) was a 500. Form fields and API fields refuse NUL themselves (Django's and DRF's
    CharField); this covers everything that is not a field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return bad_request(request, _("请求中含有不允许的空字符（NUL）。"))
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return True
        if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
            return True  # a quoted cookie value ("\\000") is unquoted into a NUL
        return any("\x00" in str(value) for key, value in request.META.items() if key.startswith("HTTP_"))


def bad_request(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=400, json_dumps_params={"ensure_ascii": False})
    # Rendered without the request: no context processor may touch the session or user for such a request.
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


API_ERROR_DETAILS = {
    400: _("请求无效。"),
    401: _("未提供身份认证信息。"),
    403: _("您没有执行该操作的权限。"),
    404: _("未找到。"),
    405: _("不允许该请求方法。"),
    413: _("请求体过大。"),
    429: _("请求过于频繁，请稍后再试。"),
    500: _("服务器内部错误，已记录在案。"),
}


class ApiJsonErrorMiddleware:
    """Every error under /api/ answers JSON, never an HTML page: unknown paths (Django's 404 page), a
    request body over the size limit (Django's 400), an unhandled error (the 500 page), and the browsable
    API's error pages. The docs (/api/v1/docs/, /api/v1/redoc/) are HTML when they succeed only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")
                and not getattr(response, "streaming", False)):
            detail = API_ERROR_DETAILS.get(response.status_code) or HTTPStatus(response.status_code).phrase
            json_response = JsonResponse({"detail": str(detail)}, status=response.status_code,
                                         json_dumps_params={"ensure_ascii": False})
            for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


class PermissionsPolicyMiddleware:
    """A Permissions-Policy header: the pages use no camera, microphone, location, payment or USB."""

    POLICY = ", ".join(f"{feature}=()" for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb",
    ))

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
