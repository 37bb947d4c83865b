"""Filter values are checked, not ignored: `?is_pilot=-1` or `?active=maybe` is a 400.

django-filter's BooleanFilter reads any value it does not know as "no filter", so a typo answered the
whole unfiltered list as if it were the filtered one. This backend wraps the scoped one and refuses
such values with the parameter named, like every other invalid filter value.
"""

from django.utils.translation import gettext as _
from django_filters.filters import BooleanFilter
from rest_framework.exceptions import ValidationError

from governance.filters import ScopedFilterBackend

BOOLEAN_VALUES = {"true", "false", "1", "0"}


class StrictFilterBackend(ScopedFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, flt in filterset.filters.items():
            if not isinstance(flt, BooleanFilter):
                continue
            for value in request.query_params.getlist(name):
                if value != "" and value.strip().lower() not in BOOLEAN_VALUES:
                    errors[name] = [_("“%(value)s”不是有效的布尔值：请用 true 或 false。") % {"value": value[:50]}]
        if errors:
            raise ValidationError(errors)
        return filterset
