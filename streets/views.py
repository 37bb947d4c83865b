from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Window
from django.shortcuts import render

from communities.selectors import communities_for_user, community_staffing
from governance.charts import community_gaps_chart
from governance.findings import findings_page
from governance.models import POST_ORDER, STREET_KINDS, Post
from governance.registry import page_sections
from governance.rules import RuleBook
from governance.selectors import active_posts, stationed_units_for_user
from governance.views import get_scoped_or_404
from streets.models import StreetOffice
from streets.selectors import street_career_posts_total, street_staffing, streets_for_user

FINDINGS_SHOWN = 50  # the rest on the findings page (问题清单), filtered to the street
SECTION_ROWS = 30  # communities listed by the page and its sections; the rest on the quota page (定额与经费预算)


@login_required
def street_detail(request, pk):
    """A street's page: offices, leadership, staff against the caps, communities, stations, findings."""
    streets = streets_for_user(user=request.user).prefetch_related(
        Prefetch("offices", queryset=StreetOffice.objects.select_related("head")),
    )
    street = get_scoped_or_404(request, streets, pk)
    rules = RuleBook()
    staffing = street_staffing(street_ids=[street.pk], rules=rules)[street.pk]
    posts = sorted(
        active_posts().filter(street=street, kind__in=sorted(STREET_KINDS)).select_related("person"),
        key=lambda p: (POST_ORDER[p.kind], p.pk),
    )
    # The first communities in a stable order and their whole number, in one query (a window count over the
    # rows before the limit): a grown street holds a thousand; the sections list these, total the rest (issue 14).
    street_communities = communities_for_user(user=request.user).filter(street=street).order_by("code", "pk")
    communities = list(street_communities.annotate(section_total=Window(Count("pk")))[:SECTION_ROWS])
    communities_total = communities[0].section_total if communities else 0
    cstaff = community_staffing(community_ids=[c.pk for c in communities], rules=rules)
    context = {
        "street": street,
        "offices": street.offices.all(),
        "posts": posts,
        "staffing": staffing,
        "rules": {
            "cap": rules["street.staff_cap"], "lead": rules["street.leadership_posts"],
            "org": rules["street.organisation_members"], "npc": rules["street.npc_committee"],
            "extra": rules["street.extra_career_posts"],
        },
        "career_total": street_career_posts_total(street=street, rules=rules),
        "communities": [{"community": c, "staffing": cstaff[c.pk]} for c in communities],
        "communities_total": communities_total,
        "stationed_units": stationed_units_for_user(user=request.user).filter(street=street),
        # The first page of the street's findings and their total: counted, not all built (issue 14).
        "findings_page": findings_page(user=request.user, rules=rules, street_id=street.pk, per_page=FINDINGS_SHOWN),
        "post_kind": Post,
        # Sections other apps add: the quotas and gaps of 二(二), 三(四)2, 五(二); the service stations.
        **page_sections("street", request, street, rules=rules, communities=communities,
                        communities_total=communities_total, street_communities=street_communities),
    }
    context["chart_gaps"] = community_gaps_chart(context["quota_report"]) if context["quota_report"] else None
    return render(request, "streets/street_detail.html", context)
