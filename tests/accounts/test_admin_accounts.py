"""The district administrator manages clerks' accounts from the admin; every change is audited; nobody else can."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import AccountEvent
from governance.roles import Role, user_role
from governance.scope import scope_for
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_CLERK = "/admin/auth/user/new-clerk/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(admin_user):
    return client_for(admin_user)


def test_the_admin_creates_a_community_clerk_whose_scope_is_that_community(admin_client_, admin_user, two_streets):
    community = two_streets["ca"]
    response = admin_client_.post(NEW_CLERK, {
        "username": "community-jia-zhang", "display_name": "张敏", "role": Role.COMMUNITY_STAFF, "community": community.pk,
        "password1": "Xq-2018-desk-pw", "password2": "Xq-2018-desk-pw",
    })

    user = User.objects.get(username="community-jia-zhang")
    assert response.status_code == 302 and response["Location"] == f"/admin/auth/user/{user.pk}/change/"
    assert user_role(user) == Role.COMMUNITY_STAFF and user.first_name == "张敏" and not user.is_staff
    scope = scope_for(user)
    assert not scope.district_wide and scope.community_ids == {community.pk} and not scope.street_ids
    assert user.check_password("Xq-2018-desk-pw")
    event = AccountEvent.objects.get(name="community-jia-zhang")
    assert (event.action, event.actor) == (AccountEvent.Action.CREATE, admin_user) and community.name in event.detail
    # and the new clerk sees their community, not another street's
    clerk = client_for(user)
    assert clerk.get(f"/communities/{community.pk}/").status_code == 200
    assert clerk.get(f"/communities/{two_streets['cb'].pk}/").status_code == 404


def test_a_street_clerk_gets_their_street(admin_client_, two_streets):
    admin_client_.post(NEW_CLERK, {"username": "street-jia-li", "display_name": "李华", "role": Role.STREET_STAFF,
                                   "street": two_streets["a"].pk, "password1": "Xq-2018-desk-pw",
                                   "password2": "Xq-2018-desk-pw"})
    assert scope_for(User.objects.get(username="street-jia-li")).street_ids == {two_streets["a"].pk}


@pytest.mark.parametrize("change, message", [
    ({"community": ""}, "须选择社区"),
    ({"password2": "other-pw-2018"}, "两次输入的密码不一致"),
    ({"password1": "123", "password2": "123"}, "密码"),
    ({"username": "taken"}, "已被使用"),
])
def test_a_bad_account_form_creates_nothing_and_says_why(admin_client_, two_streets, change, message):
    f.user(Role.STREET_STAFF, two_streets["a"], username="taken")
    data = {"username": "new-clerk", "display_name": "王五", "role": Role.COMMUNITY_STAFF, "community": two_streets["ca"].pk,
            "password1": "Xq-2018-desk-pw", "password2": "Xq-2018-desk-pw", **change}
    before = User.objects.count()
    response = admin_client_.post(NEW_CLERK, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert User.objects.count() == before and not AccountEvent.objects.exists()


def test_reset_password_unlock_and_revoke_token_are_audited(admin_client_, two_streets):
    clerk = f.user(Role.STREET_STAFF, two_streets["a"], username="locked-clerk")
    Token.objects.create(user=clerk)
    AccessAttempt.objects.create(username="locked-clerk", ip_address="10.0.0.8", user_agent="x", failures_since_start=5,
                                 get_data="", post_data="", http_accept="", path_info="/accounts/login/")

    response = admin_client_.post(f"/admin/auth/user/{clerk.pk}/password/",
                                  {"password1": "New-pw-2018-desk", "password2": "New-pw-2018-desk", "usable_password": "true"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("New-pw-2018-desk")

    admin_client_.post("/admin/auth/user/", {"action": "unlock_accounts", "_selected_action": [clerk.pk]})
    admin_client_.post("/admin/auth/user/", {"action": "revoke_tokens", "_selected_action": [clerk.pk]})

    assert not AccessAttempt.objects.filter(username="locked-clerk").exists()
    assert not Token.objects.filter(user=clerk).exists()
    actions = set(AccountEvent.objects.filter(account=clerk).values_list("action", flat=True))
    assert actions == {AccountEvent.Action.PASSWORD_RESET, AccountEvent.Action.UNLOCK, AccountEvent.Action.TOKEN_REVOKE}
    # and the reviewers read it in the audit trail
    html = client_for(f.user(Role.ORGDEPT_REVIEWER)).get("/audit/", {"model": "accounts.AccountEvent"}).content.decode()
    assert "吊销 API 令牌" in html and "解除锁定" in html and "locked-clerk" in html


@pytest.mark.parametrize("role", [Role.ORGDEPT_REVIEWER, Role.STREET_STAFF])
def test_nobody_else_manages_accounts(two_streets, role):
    user = f.user(role, two_streets["a"] if role == Role.STREET_STAFF else None)
    user.is_staff = True  # even a staff account of another role
    user.save(update_fields=["is_staff"])
    client = client_for(user)
    victim = f.user(Role.STREET_STAFF, two_streets["a"])
    before = User.objects.count()

    assert client.get(NEW_CLERK).status_code in (302, 403)
    assert client.post(NEW_CLERK, {"username": "sneaky", "display_name": "x", "role": Role.DISTRICT_ADMIN,
                                   "password1": "Xq-2018-desk-pw", "password2": "Xq-2018-desk-pw"}).status_code in (302, 403)
    assert client.post(f"/admin/auth/user/{victim.pk}/password/",
                       {"password1": "Xq-2018-desk-pw", "password2": "Xq-2018-desk-pw"}).status_code in (302, 403)
    assert client.get("/admin/auth/user/").status_code == 403
    victim.refresh_from_db()
    assert User.objects.count() == before and not victim.check_password("Xq-2018-desk-pw")
    assert not AccountEvent.objects.exists()


def test_the_admin_cannot_make_a_superuser_or_delete_from_the_change_form(admin_client_, two_streets):
    clerk = f.user(Role.STREET_STAFF, two_streets["a"], username="plain-clerk")
    admin_client_.post(f"/admin/auth/user/{clerk.pk}/change/", {"username": "plain-clerk", "first_name": "陈明",
                                                               "is_active": "on", "is_superuser": "on"})
    clerk.refresh_from_db()
    assert clerk.first_name == "陈明" and not clerk.is_superuser and not clerk.is_staff
    assert AccountEvent.objects.get(account=clerk).action == AccountEvent.Action.UPDATE
    assert admin_client_.get(f"/admin/auth/user/{clerk.pk}/delete/").status_code == 403


def test_the_district_admin_edits_celery_beat_schedules_and_others_cannot(admin_client_, two_streets):
    from django.contrib.admin.models import LogEntry
    from django_celery_beat.models import IntervalSchedule

    assert admin_client_.get("/admin/django_celery_beat/periodictask/").status_code == 200
    response = admin_client_.post("/admin/django_celery_beat/intervalschedule/add/", {"every": 1, "period": "days"})
    assert response.status_code == 302 and IntervalSchedule.objects.filter(every=1, period="days").exists()
    assert LogEntry.objects.filter(content_type__app_label="django_celery_beat").exists()  # who, when, what

    reviewer = f.user(Role.ORGDEPT_REVIEWER)
    reviewer.is_staff = True
    reviewer.save(update_fields=["is_staff"])
    assert client_for(reviewer).get("/admin/django_celery_beat/periodictask/").status_code == 403
