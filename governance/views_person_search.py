"""The appointment form's person picker: people of the unit whose name contains what the clerk typed,
labelled so that namesakes can be told apart (unit, gender, current posts, last digits of the phone).

Scoped exactly like the form's own choices (governance.views_posts._unit); 20 at most, in pinyin order,
in a constant number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _

from governance.selectors import active_posts
from governance.sorting import by_pinyin
from governance.views_posts import _unit

LIMIT = 20


def person_label(person) -> str:
    details = [person.community.name if person.community_id else (person.street.name if person.street_id else "")]
    if person.gender:
        details.append(person.get_gender_display())
    posts = "、".join(str(p.get_kind_display()) for p in getattr(person, "current_posts", []))
    if posts:
        details.append(posts)
    if len(person.phone) >= 4:
        details.append(_("电话尾号 %(digits)s") % {"digits": person.phone[-4:]})
    return f"{person.name}（{'，'.join(d for d in details if d)}）"


@login_required
def person_search(request, unit_kind, pk):
    if not request.user.has_perm("governance.add_post"):
        raise PermissionDenied(_("您的角色不能任免职务。"))
    _unit_obj, people, _fields, _page = _unit(request, unit_kind, pk)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        people = people.filter(name__contains=query)
    matches = by_pinyin(people.values_list("pk", "name"), key=lambda row: row[1])
    shown = [pk for pk, _name in matches[:LIMIT]]
    by_pk = {p.pk: p for p in people.filter(pk__in=shown).prefetch_related(Prefetch(
        "posts", queryset=active_posts().order_by("start_date", "pk"), to_attr="current_posts"))}
    return JsonResponse({
        "count": len(matches),
        "results": [{"id": pk, "label": person_label(by_pk[pk])} for pk in shown if pk in by_pk],
    })
