"""The OpenAPI schema says which errors each operation can answer, and in what shape.

drf-spectacular documents the success answers only; a client system needs the others too. This
postprocessing hook adds, to every operation under /api/, the error answers the API really gives:

- 400: invalid input (field errors, a policy rule with `rule` and `clause`, an invalid filter or query
  value, a malformed, too large or too deeply nested body, a NUL byte anywhere);
- 401 without credentials, 403 without the permission (secured operations);
- 404: an object that does not exist or lies outside the caller's scope (the same answer), a page past
  the end of a list;
- 409 / 412 on writes: a conflicting concurrent change / an `If-Match` that no longer matches; 415
  for a body that is not JSON;
- 429: too many requests (the token endpoint per IP and per username, every endpoint per user).

`VersionedAutoSchema` documents optimistic concurrency on versioned records (governance.models.Versioned):
the `ETag` header of a record's answer and the `If-Match` header a write may send (governance/api.py).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 201],
    description='记录的当前版本，形如 "3"；修改时在 If-Match 中原样带回',
)
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description='读取时得到的 ETag（形如 "3"）。记录已被他人修改时答复 412 与 current_version；'
                '不带此头的 PUT 答复 409，不带此头的 PATCH 只改所送字段。',
)


class VersionedAutoSchema(AutoSchema):
    """An operation on one record whose answer carries `version` answers with an ETag, and a write on it
    takes If-Match: exactly the operations where ServiceModelViewSet._tagged and if_match_version act."""

    def _is_versioned_record(self) -> bool:
        if "{" not in self.path:
            return False
        serializer = force_instance(self.get_response_serializers())
        meta = getattr(serializer, "Meta", None)
        return "version" in (getattr(meta, "fields", None) or ())

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_versioned_record():
            parameters.append(ETAG)
            if self.method != "GET":
                parameters.append(IF_MATCH)
        return parameters


_MESSAGES = {"type": "array", "items": {"type": "string"}}
ERROR = {
    "type": "object",
    "description": "错误说明（请求的语言）",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Field errors by field name (`non_field_errors` for the whole object); a blocking policy "
                   "rule adds `rule` and `clause`; an unreadable body answers `detail`.",
    "properties": {
        "detail": {"type": "string"},
        # A string when a policy rule blocks the write; a list of messages when a filter of that name
        # (`?clause=`, on policy-rules) was invalid.
        "rule": {"oneOf": [{"type": "string"}, _MESSAGES], "description": "政策规则的键"},
        "clause": {"oneOf": [{"type": "string"}, _MESSAGES], "description": "规则所依据的条款，例如 二(二)1"},
        "non_field_errors": _MESSAGES,
    },
    # A field's messages; a nested object's or list's errors nest the same way (e.g. a meeting's decisions).
    "additionalProperties": {"anyOf": [_MESSAGES, {"type": "object"}, {"type": "array"}]},
}

RESPONSES = {
    "400": ("请求无效：字段错误、违反政策规则（含 rule 与 clause）、无效的筛选值或请求体", "ValidationError"),
    "401": ("未提供或无效的身份认证信息", "Error"),
    "403": ("无权执行该操作", "Error"),
    "404": ("对象不存在或不在您的管理范围内（两者答复相同）", "Error"),
    "409": ("与同时进行的修改冲突", "Error"),
    "412": ("If-Match 与当前版本不符：记录已被他人修改", "Error"),
    "415": ("请求体须为 JSON", "Error"),
    "429": ("请求过于频繁或账号已暂时锁定，请在 Retry-After 秒后再试", "Error"),
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
PUBLIC_PATHS = {"/api/v1/auth/token/"}  # no credentials, no object: only 400 and 429


def _response(code: str) -> dict:
    description, component = RESPONSES[code]
    response = {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "秒"}}
    return response


def codes_for(path: str, method: str, operation: dict) -> list[str]:
    if path in PUBLIC_PATHS:
        return ["400", "429"]
    codes = ["400", "403", "404", "429"]
    if {} not in operation.get("security", [{}]):
        codes.append("401")
    if method in WRITE_METHODS:
        codes += ["409", "415"]
        takes_if_match = any(p.get("in") == "header" and p.get("name") == "If-Match"
                             for p in operation.get("parameters", []))
        if method in {"put", "patch", "delete"} or takes_if_match:
            codes.append("412")
    return sorted(codes)


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in codes_for(path, method, operation):
                responses.setdefault(code, _response(code))
    return result
