"""Schema truth (issue 7): what the API answers is what the schema says, errors included."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from governance.roles import Role
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_its_error_answers(schema):
    missing = []
    for path, method, operation in _operations(schema):
        expected = {"400", "429"} if path == "/api/v1/auth/token/" else {"400", "401", "403", "404", "429"}
        if method in {"put", "patch"} and path != "/api/v1/auth/token/":
            expected |= {"409", "412"}
        if not expected <= set(operation["responses"]):
            missing.append((method, path, sorted(expected - set(operation["responses"]))))
    assert missing == []


def test_error_answers_refer_to_documented_shapes(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["properties"]["rule"]["oneOf"][0] == {"type": "string"}
    streets = schema["paths"]["/api/v1/streets/"]["post"]["responses"]
    assert streets["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}
    assert streets["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def test_token_endpoint_needs_no_credentials(schema):
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert operation.get("security", [{}]) in ([{}], [])
    assert "401" not in operation["responses"]


def test_an_office_without_a_head_is_documented_as_nullable(schema):
    # A street office without a head answers "head_name": null; the schema used to say string only.
    street = f.street()
    api = api_as(f.user(Role.STREET_STAFF, street))

    offices = api.get(f"/api/v1/streets/{street.pk}/").json()["offices"]

    assert any(office["head_name"] is None for office in offices)
    assert schema["components"]["schemas"]["StreetOffice"]["properties"]["head_name"]["nullable"] is True


def _header_parameters(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def test_versioned_records_document_etag_and_if_match(schema):
    person = schema["paths"]["/api/v1/people/{id}/"]
    assert person["get"]["responses"]["200"]["headers"]["ETag"]["schema"] == {"type": "string"}
    assert "If-Match" not in _header_parameters(person["get"])
    for method in ("put", "patch"):
        assert "If-Match" in _header_parameters(person[method])
        assert "ETag" in person[method]["responses"]["200"]["headers"]
    end = schema["paths"]["/api/v1/posts/{id}/end/"]["post"]
    assert "If-Match" in _header_parameters(end)
    assert "412" in end["responses"]


def test_lists_and_unversioned_records_document_no_etag(schema):
    people = schema["paths"]["/api/v1/people/"]
    assert "headers" not in people["get"]["responses"]["200"]
    assert "If-Match" not in _header_parameters(people["post"])
    rule = schema["paths"]["/api/v1/policy-rules/{id}/"]["get"]
    assert "ETag" not in rule["responses"]["200"].get("headers", {})


def test_the_documented_etag_is_what_a_record_answers():
    person = f.person()
    api = api_as(f.user(Role.DISTRICT_ADMIN))

    response = api.get(f"/api/v1/people/{person.pk}/")

    assert response["ETag"] == f'"{person.version}"'
