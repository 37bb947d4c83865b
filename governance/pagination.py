"""The API's pagination: DRF's page numbers, except that `?page=` with no number is refused (400) rather
than read as page 1, like every other empty query value (governance/filter_values.py)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.page_query_param, None) == "":
            raise ValidationError({self.page_query_param: [_("页码不能为空：第一页请省略该参数。")]})
        return super().paginate_queryset(queryset, request, view)
