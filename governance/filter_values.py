"""Filter values are checked, not ignored: `?is_pilot=-1`, `?active=maybe` or `?kind=` is a 400.

django-filter reads a boolean it does not know, and any empty value, as "no filter", so a typo answered
the whole unfiltered list as if it were the filtered one, and the schema (an enum, an integer id, a
boolean) did not say what the API accepted. This backend wraps the scoped one and refuses such values
with the parameter named, like every other invalid filter value: to not filter, leave the parameter out.
"""

from django.utils.translation import gettext as _
from django_filters.filters import BooleanFilter, ModelChoiceFilter
from rest_framework.exceptions import ValidationError

from governance.filters import ScopedFilterBackend

BOOLEAN_VALUES = {"true", "false", "1", "0"}
ID_MAX_DIGITS = 11  # below PostgreSQL's integer range's 10 digits plus one: longer is no id of ours


def id_param(value) -> int | None:
    """A page's query value read as an id (`?street=3`), or None for anything else: empty, full-width digits
    (１), superscripts (² passes str.isdigit() but int() refuses it), signs, spaces, or too long a number.
    Pages treat None as "not filtered" or "not found"; the API refuses such values (StrictFilterBackend)."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= ID_MAX_DIGITS else None


class StrictFilterBackend(ScopedFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, flt in filterset.filters.items():
            for value in request.query_params.getlist(name):
                if value == "":
                    errors[name] = [_("筛选值不能为空：不筛选时请省略该参数。")]
                elif isinstance(flt, BooleanFilter) and value.strip().lower() not in BOOLEAN_VALUES:
                    errors[name] = [_("“%(value)s”不是有效的布尔值：请用 true 或 false。") % {"value": value[:50]}]
                elif isinstance(flt, ModelChoiceFilter) and not (value.isascii() and value.isdigit()):
                    # int() reads full-width digits (１) as an id; an id is ASCII digits, as in the URLs.
                    errors[name] = [_("“%(value)s”不是有效的编号。") % {"value": value[:50]}]
        if errors:
            raise ValidationError(errors)
        return filterset
