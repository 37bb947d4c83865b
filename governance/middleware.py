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
