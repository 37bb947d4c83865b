"""Headers (issue 7): a Content-Security-Policy that forbids inline scripts and other origins on every
page, and a Permissions-Policy; the API docs keep working (their own browser test: tests/browser)."""

import re
from pathlib import Path

import pytest

from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (d.split() for d in header.split(";") if d.strip())}


@pytest.fixture
def signed_in(client):
    street = f.street()
    client.force_login(f.user(Role.STREET_STAFF, street))
    return client, street


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/no-such-page/", "/api/v1/schema/"])
def test_every_answer_forbids_inline_scripts_and_other_origins(client, path):
    response = client.get(path)

    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_a_signed_in_page_and_an_api_answer_carry_both_headers(signed_in):
    client, street = signed_in

    for response in (client.get(f"/streets/{street.pk}/"), client.get("/api/v1/streets/")):
        assert response.status_code == 200
        assert _csp(response)["script-src"] == ["'self'"]
        assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_pages_allow_inline_styles_but_still_no_inline_script(client, path):
    response = client.get(path)

    csp = _csp(response)
    assert response.status_code == 200
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]  # Swagger UI and ReDoc style at run time
    assert csp["worker-src"] == ["'self'", "blob:"]  # ReDoc's search worker
    assert not re.search(r"<script>(?!\s*</script>)", response.content.decode())  # no inline script element


def test_swagger_ui_loads_its_start_script_as_a_file(client):
    html = client.get("/api/v1/docs/").content.decode()
    (script_url,) = re.findall(r'<script src="(/api/v1/docs/\?[^"]*script[^"]*)"', html)

    response = client.get(script_url.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_an_outside_image_source_is_emptied_whatever_its_address():
    from governance.docs import strip_outside_sources

    code = b'n.createElement("img",{alt:"logo",src:"https://static.example.org/a.svg"}),{src:"/static/b.svg"},data_src:"x"'
    assert strip_outside_sources(code) == \
        b'n.createElement("img",{alt:"logo",src:""}),{src:"/static/b.svg"},data_src:"x"'


def test_redoc_bundle_is_served_without_the_cdn_logo(client):
    html = client.get("/api/v1/redoc/").content.decode()
    assert '<script src="/api/v1/redoc/redoc.standalone.js"></script>' in html

    response = client.get("/api/v1/redoc/redoc.standalone.js")

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert re.search(rb'src:"https?://', body) is None  # the sidebar logo's outside address is gone
    assert b'alt:"redocly logo",onError:' in body  # (the element is still there, with an empty source)
    assert b"spec-url" in body  # the real bundle, which starts from the <redoc spec-url> element


def test_no_template_has_an_inline_script_event_handler_or_style_attribute():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: inline event handler")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{template}: style attribute")
    assert offenders == []
