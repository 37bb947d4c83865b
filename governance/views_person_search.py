"""The appointment form's person picker: people of the unit whose name contains what the clerk typed,
labelled so that namesakes can be told apart (unit, gender, birth year and the last four characters of the ID
number, current posts, last digits of the phone); and a new person created from the picker.

Scoped exactly like the form's own choices (governance.views_posts._unit); 20 at most, in pinyin order,
in a constant number of queries."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import services
from governance.forms import NewPersonForm, form_add_service_errors
from governance.selectors import active_posts
from governance.sorting import by_pinyin
from governance.views_posts import _unit

LIMIT = 20


def person_label(person) -> str:
    details = [person.community.name if person.community_id else (person.street.name if person.street_id else "")]
    if person.gender:
        details.append(person.get_gender_display())
    if person.birth_year:
        details.append(_("%(year)s年生") % {"year": person.birth_year})
    if person.id_number:
        details.append(_("身份证尾号 %(digits)s") % {"digits": person.id_number[-4:]})
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


@login_required
@require_POST
def person_new(request, unit_kind, pk):
    """Create a person of the unit from the picker (person_create, the unit's scope): 201 with the person's id
    and label, which the picker then selects; 400 with the errors by field, which the picker shows."""
    if not (request.user.has_perm("governance.add_post") and request.user.has_perm("governance.add_person")):
        raise PermissionDenied(_("您的角色不能新增人员。"))
    _unit_obj, _people, unit_fields, _page = _unit(request, unit_kind, pk)
    form = NewPersonForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            person = services.person_create(acting_user=request.user, **form.cleaned_data,
                                            **{k: v for k, v in unit_fields.items() if k in ("street", "community")})
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return JsonResponse({"id": person.pk, "name": person.name, "label": person_label(person)}, status=201)
    return JsonResponse({"errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()}},
                        status=400)
