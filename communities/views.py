from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from assessments.selectors import page_quota_report
from communities.selectors import communities_for_user, community_staffing
from governance.findings import findings_for
from governance.models import PARTY_KINDS, POST_ORDER, RESIDENTS_COMMITTEE_KINDS, PostKind
from governance.selectors import active_posts
from governance.views import get_scoped_or_404
from streets.models import Street


@login_required
def community_detail(request, pk):
    """A community's page: party organisation, residents' committee, community workers, findings."""
    communities = communities_for_user(user=request.user)
    community = get_scoped_or_404(request, communities, pk)
    posts = sorted(active_posts().filter(community=community).select_related("person"),
                   key=lambda p: (POST_ORDER[p.kind], p.pk))
    context = {
        "community": community,
        "party_posts": [p for p in posts if p.kind in PARTY_KINDS],
        "rc_posts": [p for p in posts if p.kind in RESIDENTS_COMMITTEE_KINDS],
        "grid_workers": [p for p in posts if p.kind == PostKind.GRID_WORKER],
        "staffing": community_staffing(community_ids=[community.pk])[community.pk],
        "findings": findings_for(streets=Street.objects.none(),
                                 communities=communities.filter(pk=community.pk)),
        "quota_report": page_quota_report(community=community),  # 三(一), 三(四)2, 五(二)
    }
    return render(request, "communities/community_detail.html", context)
