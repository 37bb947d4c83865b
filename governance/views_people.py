"""The people roster of a street or community (人员名册), and correcting one person's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Value,
    When,
    prefetch_related_objects,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from governance import services
from governance.exceptions import Conflict
from governance.exports import Column, export_filenames, xlsx_response
from governance.forms import PersonForm, form_add_service_errors
from governance.models import StaffCategory
from governance.page_forms import RosterFilterForm
from governance.selectors import active_posts, people_for_user
from governance.sorting import by_pinyin
from governance.views import get_scoped_or_404
from governance.views_posts import _unit, unit_kinds

ROSTER_PAGE_SIZE = 50


class PinyinRoster:
    """A roster's people in pinyin order, for a Paginator, read a page at a time (issue 14).

    Sorting every person by pinyin in Python read the whole street (15,000 people in a grown district) on every
    page. People sharing a name sort together (by pk, as the list did), so the order is the order of the names:
    one grouped query gives each name's count — the roster's exact count, and where each name's people start —
    and a page reads only the people of the names it covers (`__getitem__`, one query, sliced in the database)."""

    def __init__(self, people):
        self.people = people
        counts = people.order_by().values_list("name").annotate(n=Count("pk")).values_list("name", "n")
        self.names = by_pinyin(counts, key=lambda row: row[0])  # [(name, people of that name)], pinyin order

    def count(self):
        return sum(n for _name, n in self.names)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("PinyinRoster reads a page: [start:stop]")
        start, stop = window.start or 0, self.count() if window.stop is None else window.stop
        names, before, seen = [], 0, 0
        for name, n in self.names:  # the names whose people fall in [start, stop)
            if seen + n > start and seen < stop:
                if not names:
                    before = seen
                names.append(name)
            seen += n
            if seen >= stop:
                break
        if not names or stop <= start:
            return []
        rank = Case(*(When(name=name, then=Value(i)) for i, name in enumerate(names)), output_field=IntegerField())
        return list(self.people.filter(name__in=names).annotate(roster_rank=rank)
                    .order_by("roster_rank", "pk")[start - before:stop - before])


def _roster(request, unit_kind, pk):
    """(unit, page name, form, people in pinyin order) of a roster after its filters: a PinyinRoster, or None
    when a filter is bad (form.errors says which)."""
    if not request.user.has_perm("governance.view_person"):
        raise PermissionDenied(_("您的角色不能查看人员名册。"))
    unit, people, _unit_fields, (page, _page_pk) = _unit(request, unit_kind, pk)
    kinds = [(k.value, k.label) for k in unit_kinds(unit_kind)]
    form = RosterFilterForm(request.GET, kinds=kinds,
                            categories=StaffCategory.choices if unit_kind == "street" else [])
    if unit_kind != "street":
        form.fields.pop("category")
    if not form.is_valid():
        return unit, page, form, None
    data = form.cleaned_data
    if data["q"]:
        people = people.filter(name__contains=data["q"])
    held = active_posts().filter(person=OuterRef("pk"))
    if data["kind"]:
        people = people.filter(Exists(held.filter(kind=data["kind"])))
    if data.get("category"):
        people = people.filter(Exists(held.filter(staff_category=data["category"])))
    # Chinese names in pinyin order, a page at a time (one query for the names, one for a page's people).
    return unit, page, form, PinyinRoster(people)


def _with_posts(rows):
    """`rows` (people) with their current posts (`current_posts`), in one query."""
    prefetch_related_objects(rows, Prefetch(
        "posts", queryset=active_posts().select_related("community", "station", "grid").order_by("start_date", "pk"),
        to_attr="current_posts",
    ))
    return rows


@login_required
def people_roster(request, unit_kind, pk):
    unit, page, form, roster = _roster(request, unit_kind, pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"unit": unit, "unit_kind": unit_kind, "page": page, "form": form, "query": query.urlencode(),
               "q": form.cleaned_data.get("q", "") if roster is not None else ""}
    if roster is None:
        context["error"] = form.error_text()
        return render(request, "governance/people_roster.html", context, status=400)
    # 50 a page; current posts in one query whatever the number of people on it.
    # ?all=1: every row on one page, for printing the whole roster (it opens the print dialog).
    everything = request.GET.get("all") == "1"
    query.pop("all", None)
    context["query"] = query.urlencode()
    rows = Paginator(roster, max(roster.count(), 1) if everything else ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context["print_all"] = everything
    rows.object_list = _with_posts(list(rows.object_list))
    context["people"] = rows
    return render(request, "governance/people_roster.html", context)


def _post_label(post) -> str:
    unit = post.grid or post.station or post.community
    return f"{post.get_kind_display()}（{unit.name}）" if unit else str(post.get_kind_display())


@login_required
def people_roster_export(request, unit_kind, pk):
    unit, page, form, roster = _roster(request, unit_kind, pk)
    if roster is None:
        return render(request, "governance/people_roster.html", {
            "unit": unit, "unit_kind": unit_kind, "page": page, "form": form, "error": form.error_text()}, status=400)
    columns = [Column(_("姓名"), 10), Column(_("性别"), 6), Column(_("联系电话"), 14), Column(_("现任职务"), 30), Column(_("人员类别"), 14),
               Column(_("中共党员"), 8), Column(_("人大代表"), 8), Column(_("连续从事社区工作起始日期"), 14, "date")]

    def rows():
        for start in range(0, roster.count(), 500):  # a chunk of people and their posts at a time
            for person in _with_posts(roster[start:start + 500]):
                yield [person.name, person.get_gender_display(), person.phone,
                       "\n".join(_post_label(p) for p in person.current_posts),
                       "、".join(sorted({str(p.get_staff_category_display()) for p in person.current_posts if p.staff_category})),
                       _("是") if person.is_party_member else _("否"), _("是") if person.is_npc_deputy else _("否"),
                       person.community_service_start]

    return xlsx_response(title=_("人员名册：%(unit)s") % {"unit": unit.name}, unit=unit.name, columns=columns,
                         rows=rows(), **export_filenames(_("人员名册_%(unit)s") % {"unit": unit.name}, "roster"))


def _roster_url(request, person):
    """Back to the roster the clerk came from (?next=), else the person's own unit."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    if person.community_id:
        return reverse("community-people", args=[person.community_id])
    if person.street_id:
        return reverse("street-people", args=[person.street_id])
    return reverse("home")


@login_required
def person_edit(request, pk):
    if not request.user.has_perm("governance.change_person"):
        raise PermissionDenied(_("您的角色不能修改人员档案。"))
    person = get_scoped_or_404(request, people_for_user(user=request.user), pk)
    form = PersonForm.for_instance(request.POST or None, person,
                                   initial={name: getattr(person, name) for name in PersonForm.FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            # Only what the clerk changed, checked against the version the form was opened at.
            changed = {name: form.cleaned_data[name] for name in form.changed_data if name in PersonForm.FIELDS}
            services.person_update(person=person, acting_user=request.user,
                                   expected_version=form.cleaned_data["expected_version"], **changed)
        except (ValidationError, Conflict) as exc:
            person.refresh_from_db()  # the service set the fields before refusing; nothing was saved
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("已更新 %(name)s 的人员档案。") % {"name": person.name})
            return redirect(_roster_url(request, person))
    return render(request, "governance/person_form.html",
                  {"form": form, "person": person, "back": _roster_url(request, person)})
