from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from communities.picker import community_label
from communities.selectors import communities_for_user, community_staffing
from communities.selectors import community_search as search
from governance.filter_values import id_param
from governance.findings import findings_for
from governance.models import PARTY_KINDS, POST_ORDER, RESIDENTS_COMMITTEE_KINDS, PostKind
from governance.registry import page_sections
from governance.rules import RuleBook
from governance.selectors import active_posts
from governance.views import get_scoped_or_404


@login_required
def community_detail(request, pk):
    """A community's page: party organisation, residents' committee, community workers, grids, findings."""
    community = get_scoped_or_404(request, communities_for_user(user=request.user), pk)
    rules = RuleBook()
    posts = sorted(active_posts().filter(community=community).select_related("person", "grid"),
                   key=lambda p: (POST_ORDER[p.kind], p.pk))
    context = {
        "community": community,
        "party_posts": [p for p in posts if p.kind in PARTY_KINDS],
        "rc_posts": [p for p in posts if p.kind in RESIDENTS_COMMITTEE_KINDS],
        "grid_workers": [p for p in posts if p.kind == PostKind.GRID_WORKER],
        "staffing": community_staffing(community_ids=[community.pk], rules=rules)[community.pk],
        "findings": findings_for(user=request.user, rules=rules, community_id=community.pk),
        # Sections other apps add: the quotas and gaps of 三(一), 三(四)2, 五(二); the grids.
        **page_sections("community", request, community, rules=rules),
    }
    return render(request, "communities/community_detail.html", context)


@login_required
def community_search(request):
    """The community picker's search (communities.picker): `?q=` part of a community's name or code or of its
    street's name, `?street=` one street; the first matches of the user's scope, in the communities' order,
    `{"results": [{"id", "label", "street", "code"}], "more": whether there are more}`. One query."""
    query = request.GET.get("q", "")
    if "\x00" in query:
        return JsonResponse({"error": _("查找内容含有无效字符。")}, status=400)
    found, more = search(user=request.user, query=query, street_id=id_param(request.GET.get("street")))
    return JsonResponse({
        "results": [{"id": c.pk, "label": community_label(c), "street": c.street.name, "code": c.code}
                    for c in found],
        "more": more,
    })
