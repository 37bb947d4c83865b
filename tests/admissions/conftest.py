import datetime

import pytest

from admissions.models import Level
from admissions.services import admission_item_create, admission_list_create
from tests import factories as f

LIST_FROM = datetime.date(2020, 1, 1)  # later than the shipped defaults (2018-11-15): these lists are in force


@pytest.fixture
def lists(two_streets):
    """Two streets with a community each, a department with one item on each list, and another department."""
    dept, other = f.department(name="测试局"), f.department(name="另一局")
    street_list = admission_list_create(acting_user=None, level=Level.STREET, title="街道清单", effective_from=LIST_FROM)
    community_list = admission_list_create(acting_user=None, level=Level.COMMUNITY, title="社区清单",
                                           effective_from=LIST_FROM)
    street_item = admission_item_create(acting_user=None, admission_list=street_list, number=1, name="街道事项",
                                        department=dept, basis="二(一)", staff=1, funds=50000)
    community_item = admission_item_create(acting_user=None, admission_list=community_list, number=1, name="社区事项",
                                           department=dept, basis="三(五)")
    return {**two_streets, "dept": dept, "other": other, "street_list": street_list, "community_list": community_list,
            "street_item": street_item, "community_item": community_item}


def task_body(w, *, level="street", side="a", **extra):
    body = {"title": "测试事项", "department": w["dept"], "deadline": datetime.date(2030, 1, 1)}
    if level == "street":
        body["target_street"] = w[side]
    else:
        body["target_community"] = w[f"c{side}"]
    body.update(extra)
    return body
