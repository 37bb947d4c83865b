"""The API docs' assets, served so that the browser never reaches outside the intranet.

ReDoc's bundle draws a logo in its sidebar from its vendor's CDN: on an intranet the request fails, and
under the Content-Security-Policy it is a violation report on every visit. The bundle is served from here
with every image address outside the site emptied: an element whose `src:` is an absolute http(s) URL in
the bundle's code gets an empty one, which the browser does not request (ReDoc then hides the image, as it
does when the logo cannot load). The address itself is named nowhere here, so a new bundle with another
address is handled the same way.
"""

import functools
import re

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# `src:"http://…"` / `src:"https://…"` in the compiled React code: an element's source outside the site.
OUTSIDE_SOURCE = re.compile(rb'\bsrc:"https?://[^"]*"')


def strip_outside_sources(bundle: bytes) -> bytes:
    return OUTSIDE_SOURCE.sub(b'src:""', bundle)


@functools.cache
def _redoc_bundle() -> bytes:
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        return strip_outside_sources(bundle.read())


@require_GET
@cache_control(public=True, max_age=86400)
def redoc_bundle(request):
    return HttpResponse(_redoc_bundle(), content_type="application/javascript; charset=utf-8")
