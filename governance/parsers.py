"""The API's JSON parser: DRF's, with a size limit and a nesting limit.

DRF reads the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never applied to JSON
bodies, and Python's json module answers a body nested a few thousand levels deep with a RecursionError
(a 500). Both are now a 400 before anything is decoded.
"""

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No record of this system nests deeper than a few levels; 32 leaves room for any honest client.
MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = max_body_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("请求体过大：不能超过 %(limit)d 字节。") % {"limit": limit})
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("JSON 解析错误：编码无效。")) from exc
        if nesting_depth(text) > MAX_DEPTH:
            raise ParseError(_("JSON 嵌套过深：不能超过 %(depth)d 层。") % {"depth": MAX_DEPTH})
        try:
            return json.loads(text, parse_constant=self._refuse_constant if self.strict else None)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON 解析错误：%(error)s") % {"error": exc}) from exc

    @staticmethod
    def _refuse_constant(name):
        raise ValueError(f"{name} is not valid JSON")

