"""The API docs' assets, served so that the browser never reaches outside the intranet.

ReDoc's bundle shows a logo from cdn.redoc.ly in its sidebar: on an intranet the request fails, and under
the Content-Security-Policy it is a violation report on every visit. The bundle is served from here with
that one address removed (the image then hides itself, as ReDoc does when the logo cannot load).
"""

import functools

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_bundle() -> bytes:
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        return bundle.read().replace(REDOC_LOGO, b"")


@require_GET
@cache_control(public=True, max_age=86400)
def redoc_bundle(request):
    return HttpResponse(_redoc_bundle(), content_type="application/javascript; charset=utf-8")
