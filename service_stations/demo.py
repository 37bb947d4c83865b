"""Demo data of the stations for seed_demo: a few cases per station over the last weeks (some overdue, some
handled), a shift rota and part of the standardisation checklist. Idempotent: a station with cases is skipped."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from service_stations.models import CaseStatus, ChecklistItem, ServiceItem, ServiceStation, Shift
from service_stations.selectors import working_calendar
from service_stations.services import case_receive, case_transition, checklist_set, shift_create
from service_stations.validators import id_number_check_digit

NAMES = ["马秀兰", "王建国", "李桂英", "张志强", "刘海燕", "杨玉萍", "赵国庆", "周红梅"]


def demo_station_data(*, rng: random.Random) -> int:
    """Returns how many cases it created."""
    today = timezone.localdate()
    calendar = working_calendar()
    items = list(ServiceItem.objects.filter(is_active=True))
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="station-")}
    created = 0
    for station in ServiceStation.objects.filter(cases__isnull=True).prefetch_related("communities").order_by("pk"):
        community = min(station.communities.all(), key=lambda c: c.pk, default=None)
        worker = users.get(f"station-{community.code}") if community else None
        for n in range(rng.randint(3, 6)):
            item = rng.choice(items)
            received_on = today - datetime.timedelta(days=rng.randint(0, 40))
            received_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9 + n % 7, 15)))
            first17 = f"640104{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
            materials = item.required_materials if rng.random() < 0.7 else item.required_materials[:1]
            case = case_receive(acting_user=worker, station=station, service_item=item, applicant_name=rng.choice(NAMES),
                                applicant_phone=f"139{rng.randint(10000000, 99999999)}",
                                applicant_id_number=first17 + id_number_check_digit(first17), channel="counter",
                                materials_received=materials, received_at=received_at, calendar=calendar)
            created += 1
            if case.due_date < today and rng.random() < 0.6:
                case_transition(case=case, acting_user=worker, status=CaseStatus.HANDLING)
                case_transition(case=case, acting_user=worker, status=CaseStatus.COMPLETED)
        if worker is not None and not Shift.objects.filter(station=station).exists():
            shift_create(acting_user=None, station=station, worker=worker, date=today, start=datetime.time(8, 30),
                         end=datetime.time(17, 30), is_weekend_rota=today.weekday() >= 5)
            shift_create(acting_user=None, station=station, worker=worker, date=today, start=datetime.time(17, 30),
                         end=datetime.time(19, 30))
        for item in rng.sample(ChecklistItem.values, k=rng.randint(10, 15)):
            checklist_set(station=station, acting_user=None, item=item, met=True)
    return created
