"""Language selection: Chinese unless the user chose otherwise.

Pages follow the language the user picked (the language cookie set by Django's set_language view),
else zh-hans, whatever the browser's Accept-Language says: government intranet machines are often
set up in English. The API follows the request (cookie, then Accept-Language), as DESIGN.md section 5
asks of its error messages.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
