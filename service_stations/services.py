"""Rules a service-station post must satisfy (三(二)2). The station's own workflows come in a later issue."""

from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.models import TWO_COMMITTEES_KINDS, Post, PostKind
from governance.rules import rule_value
from governance.selectors import active_posts


def station_post_check(post: Post) -> None:
    cap = rule_value("service_station.staff_cap", on=post.start_date)
    staff = set(
        active_posts(on=post.start_date).filter(station_id=post.station_id).exclude(pk=post.pk)
        .values_list("person_id", flat=True)
    )
    if post.approval_reference:
        return
    if post.person_id not in staff and len(staff) + 1 > cap.value:
        raise RuleViolation(_("社区服务站工作人员一般不超过 %(cap)s 名（含站长），已有 %(count)s 名；如经批准，请填写批准文号")
                            % {"cap": cap.value, "count": len(staff)},
                            rule=cap.key, clause=cap.clause, field="approval_reference")
    # 三(二)2: a community worker may not also be station staff unless the organisation department approved.
    is_worker = active_posts(on=post.start_date).filter(
        person_id=post.person_id, kind__in=sorted(TWO_COMMITTEES_KINDS | {PostKind.GRID_WORKER})
    ).exists()
    if is_worker:
        raise RuleViolation(_("社区工作者不得兼任服务站工作人员，确需兼任的须经区委组织部审批，请填写批准文号"),
                            rule=cap.key, clause=cap.clause, field="approval_reference")
