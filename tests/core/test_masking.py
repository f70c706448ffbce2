"""Masks that cannot be undone (hardening finding 2) and personal data in the audit log and in
every object's history (finding 9).

Finding 2: pages showed the full birth date beside ``4104**********951X``; with the birth date
known only two address digits were hidden and the check character left at most two candidates.
Finding 9: the auditor (no ``view_personal``) read full phone numbers in the change records.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import OWN_COUNTY, OWN_GRID, make_id
from wenjiuye.core import duty
from wenjiuye.core.audit import events_for, record_event
from wenjiuye.core.identifiers import (
    check_resident_id,
    division_exists,
    mask_id,
    mask_personal,
    mask_phone,
    mask_text,
    resident_id_check_char,
)
from wenjiuye.core.models import Event, WorkGroup
from wenjiuye.core.reference import PACKAGED_POLICY_DIR
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role
from wenjiuye.registry.models import Person
from wenjiuye.registry.services import person_upsert

#: what must never be on a page for a reader without the audited reveal
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9X](?![0-9A-Za-z])")


def full_values(html: str) -> list[str]:
    return FULL_PHONE.findall(html) + FULL_ID.findall(html)


# --- finding 2: how many numbers fit what a masked page shows ----------------------------------


def candidates_old_mask(masked: str, born: date) -> list[str]:
    """Numbers matching the former mask (first 4 + last 4) and the full birth date beside it."""
    head, tail = masked[:4], masked[-4:]
    found = []
    for county in range(100):
        address = f"{head}{county:02d}"
        if not division_exists(address):  # the code in force when the number was issued
            continue
        first17 = f"{address}{born:%Y%m%d}{tail[:3]}"
        if resident_id_check_char(first17) == tail[3]:
            found.append(first17 + tail[3])
    return found


def candidates_new_mask(masked: str, year: int, county: str, sex: str) -> int:
    """Numbers matching the mask, the birth year, the county and the sex that a page shows (the
    county is assumed to be the address code: the attacker's best case)."""
    assert masked.startswith(county[:4]) and set(masked[4:-1]) == {"*"}
    check, n = masked[-1], 0
    day = date(year, 1, 1)
    while day.year == year:
        for seq in range(1 if sex == "M" else 0, 1000, 2):  # the 17th digit is odd for men
            if resident_id_check_char(f"{county}{day:%Y%m%d}{seq:03d}") == check:
                n += 1
        day += timedelta(days=1)
    return n


def test_the_former_mask_beside_the_birth_date_left_at_most_two_candidates():
    """The attack of the finding, reproduced: why the mask and the birth date had to change."""
    number = make_id(OWN_COUNTY, "19800101", 951)
    old = number[:4] + "*" * 10 + number[-4:]
    found = candidates_old_mask(old, date(1980, 1, 1))
    assert number in found and len(found) <= 2


def test_mask_keeps_the_city_and_the_check_character_only():
    number = make_id(OWN_COUNTY, "19800101", 951)
    assert mask_id(number) == number[:4] + "*" * 13 + number[-1]
    assert number[4:17] not in mask_id(number)


def test_a_masked_id_with_birth_year_county_and_sex_leaves_many_candidates():
    number = make_id(OWN_COUNTY, "19800101", 951)
    check = check_resident_id(number)
    n = candidates_new_mask(mask_id(number), check.birth_date.year, OWN_COUNTY, check.gender)
    # 365 days x 500 sequence numbers / 11 check characters: about 16,600
    assert n >= 10_000


@pytest.fixture
def person(users):
    office = users[Role.CITY_OFFICE]
    number = make_id(OWN_COUNTY, "19800517", 7)
    person = person_upsert(
        actor=office, id_number=number, name="测试甲", region_id=OWN_GRID, phone="13800000007"
    )
    person_upsert(actor=office, id_number=number, phone="13900000008")  # audited [old, new]
    return Person.objects.get(pk=person.pk)


def test_person_page_shows_the_birth_year_not_the_date_beside_the_mask(client, users, person):
    for role in (Role.LEADER, Role.AUDITOR, Role.GROUP_MEMBER, Role.CITY_OFFICE):
        client.force_login(users[role])
        html = client.get(f"/persons/{person.pk}/").content.decode()
        assert mask_id(person.id_number) in html and person.id_number not in html, role
        assert "出生年份" in html and ">1980<" in html, role
        for shown in ("1980-05-17", "19800517", "1980年5月", "5月17日", "May 17"):
            assert shown not in html, (role, shown)
    revealed = client.post(f"/persons/{person.pk}/reveal/").content.decode()  # as the office
    assert person.id_number in revealed and "1980-05-17" in revealed


# --- finding 9: personal data in event diffs ----------------------------------------------------


def test_mask_personal_masks_by_key_and_by_shape():
    number, other = make_id(OWN_COUNTY, "19800517", 7), make_id(OWN_COUNTY, "19750101", 8)
    uscc = "91410421MA12345678"
    changes = {
        "phone": ["13800000007", "13900000008"],
        "duty_phone": [None, "0375-1234567"],  # a landline: masked by its key
        "roster": [
            None,
            [{"id_number": other, "phone": 13655556666, "retirement_on": "2035-01-01"}],
        ],
        "person_id": number,  # an ID number under a key that is no ID key: masked by its shape
        "target": "sms:+8613712345678",
        other: {"birth_date": "1975-01-01"},
        "uscc": uscc,
        "employees": 13800000007,  # a number that looks like a phone (spreadsheet cell)
        "status": ["open", "closed"],
        "count": 3,
    }
    shown = mask_personal(changes)
    assert full_values(str(shown)) == [] and "0375-1234567" not in str(shown)
    assert shown["phone"] == ["138****0007", "139****0008"]
    assert shown["duty_phone"] == [None, mask_phone("0375-1234567")]
    assert shown["roster"][1][0] == {
        "id_number": mask_id(other),
        "phone": "136****6666",
        "retirement_on": "2035-**-**",
    }
    assert shown["person_id"] == mask_id(number)
    assert shown[mask_id(other)] == {"birth_date": "1975-**-**"}
    assert (shown["uscc"], shown["status"], shown["count"]) == (uscc, ["open", "closed"], 3)
    assert changes["phone"] == ["13800000007", "13900000008"]  # the input is left alone
    assert mask_text(f"联系 {number},手机13800000007。") == (
        f"联系 {mask_id(number)},手机138****0007。"
    )


@pytest.fixture
def history(users, person):
    """Events holding personal data, written by the services that write them in production."""
    policy_load(path=PACKAGED_POLICY_DIR / "duty.json")
    group = WorkGroup.objects.create(region_id=OWN_COUNTY, name="宝丰县工作专班")
    start = timezone.now() + timedelta(days=30)
    officer = users[Role.COUNTY_OFFICER]
    shift = duty.duty_shift_create(
        actor=officer,
        work_group=group,
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        on_duty=officer,
        phone="13712345678",
    )
    roster_id = make_id(OWN_COUNTY, "19750101", 8)
    record_event(  # a roster row in a diff, and personal data in the note
        actor=users[Role.CITY_OFFICE],
        action=Event.Action.IMPORT,
        obj=person,
        region_code=OWN_GRID,
        changes={"roster": [None, [{"id_number": roster_id, "phone": "13655556666"}]]},
        note=f"核对 {roster_id} 13655556666",
    )
    return {
        "person": person,
        "shift": shift,
        "raw": [
            "13800000007",
            "13900000008",
            "13712345678",
            "13655556666",
            person.id_number,
            roster_id,
        ],
    }


def test_the_table_keeps_the_evidence_in_full(history):
    person = history["person"]
    stored = Event.objects.filter(object_type="registry.person", action="update").get()
    assert stored.changes["phone"] == ["13800000007", "13900000008"]
    shown = events_for(person).get(pk=stored.pk)
    assert shown.changes["phone"] == ["138****0007", "139****0008"] and shown.masked
    assert events_for(person, unmasked=True).get(pk=stored.pk).changes == stored.changes


def test_auditor_sees_no_full_phone_or_id_in_the_audit_log_or_a_history(client, users, history):
    client.force_login(users[Role.AUDITOR])
    audit = client.get("/audit/")
    assert audit.status_code == 200
    html = audit.content.decode()
    assert "138****0007" in html and "137****5678" in html and "136****6666" in html
    assert full_values(html) == [] and not any(raw in html for raw in history["raw"])
    assert 'data-testid="event-reveal"' not in html  # no view_personal, no reveal
    person = client.get(f"/persons/{history['person'].pk}/").content.decode()
    assert "139****0008" in person and mask_id(history["raw"][-1]) in person
    assert full_values(person) == []
    before = Event.objects.count()
    event = Event.objects.filter(object_type="core.dutyshift").first()
    assert client.post(f"/audit/{event.pk}/reveal/").status_code == 403
    assert Event.objects.count() == before


def test_office_sees_a_history_in_full_only_through_the_audited_reveal(client, users, history):
    person = history["person"]
    office = users[Role.CITY_OFFICE]
    client.force_login(office)
    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert full_values(page) == []
    before = Event.objects.filter(action=Event.Action.VIEW_UNMASKED).count()
    revealed = client.post(f"/persons/{person.pk}/reveal/").content.decode()
    assert "13800000007" in revealed and "13655556666" in revealed  # the earlier phone, the roster
    views = Event.objects.filter(action=Event.Action.VIEW_UNMASKED)
    assert views.count() == before + 1
    assert (views.first().actor, views.first().object_id) == (office, str(person.pk))


def test_admin_reveals_one_audit_event_and_that_view_is_audited(client, users, history):
    admin = users[Role.ADMIN]
    client.force_login(admin)
    html = client.get("/audit/").content.decode()
    assert full_values(html) == [] and 'data-testid="event-reveal"' in html
    event = Event.objects.filter(object_type="core.dutyshift").first()
    revealed = client.post(f"/audit/{event.pk}/reveal/")
    assert revealed.status_code == 200 and "13712345678" in revealed.content.decode()
    view = Event.objects.filter(action=Event.Action.VIEW_UNMASKED).first()
    assert (view.actor, view.object_type, view.object_id) == (admin, "core.event", str(event.pk))
    assert client.get(f"/audit/{event.pk}/reveal/").status_code == 405  # a reveal is a POST
    # and the log shows the reveal itself without a full value
    assert full_values(client.get("/audit/").content.decode()) == []


def test_the_roster_shows_the_retirement_year_not_the_date_beside_the_mask():
    """The legal retirement date is the birth date plus the retirement age."""
    from decimal import Decimal  # noqa: PLC0415

    from wenjiuye.response.models import LayoffWorker  # noqa: PLC0415
    from wenjiuye.response.selectors import worker_row  # noqa: PLC0415

    number = make_id(OWN_COUNTY, "19750517", 9)
    worker = LayoffWorker(
        name="测试乙",
        id_number=number,
        phone="13800000009",
        region_id=OWN_COUNTY,
        contract_type=LayoffWorker.Contract.FIXED,
        hire_date=date(2010, 1, 1),
        monthly_wage=Decimal("5000"),
        retirement_on=date(2035, 5, 17),
    )
    masked = worker_row(worker, unmasked=False)
    assert (masked["id_number"], masked["retirement_on"]) == (mask_id(number), None)
    assert masked["retirement_year"] == 2035 and "05-17" not in str(masked)
    full = worker_row(worker, unmasked=True)
    assert (full["id_number"], full["retirement_on"]) == (number, "2035-05-17")


def test_the_django_admin_shows_events_masked_too(client, users, history):
    """The admin is no way around the audited reveal: its event list and pages are masked."""
    client.force_login(users[Role.ADMIN])
    event = Event.objects.filter(object_type="core.dutyshift").first()
    pages = [
        client.get("/admin/core/event/"),
        client.get(f"/admin/core/event/{event.pk}/change/"),
    ]
    assert [p.status_code for p in pages] == [200, 200]
    for page in pages:
        html = page.content.decode()
        assert not any(raw in html for raw in history["raw"])
    assert "137****5678" in pages[1].content.decode()


def test_the_django_admin_is_no_id_number_oracle_and_audits_person_changes(client, users, person):
    from wenjiuye.notify.models import Delivery  # noqa: PLC0415

    client.force_login(users[Role.ADMIN])
    prefix = person.id_number[:12]
    # a lookup on the hidden fields is refused (Django answers a disallowed lookup with 400)
    for lookup in (f"id_number__startswith={prefix}", "phone__contains=1380"):
        assert client.get(f"/admin/registry/person/?{lookup}").status_code in (400, 302)
    form = client.get(f"/admin/registry/person/{person.pk}/change/")
    assert form.status_code == 200 and person.id_number not in form.content.decode()
    before = Event.objects.filter(object_type="registry.person", note="admin").count()
    data = {"name": "改名", "gender": person.gender, "birth_date": person.birth_date.isoformat()}
    data |= {"region": person.region_id or "", "_save": "保存"}
    saved = client.post(f"/admin/registry/person/{person.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:500]
    person.refresh_from_db()
    assert person.name == "改名"
    assert Event.objects.filter(object_type="registry.person", note="admin").count() == before + 1
    sms = Delivery.objects.create(channel="sms", target="13812345678", subject="通知", body="")
    listing = client.get("/admin/notify/delivery/").content.decode()
    page = client.get(f"/admin/notify/delivery/{sms.pk}/change/").content.decode()
    assert "13812345678" not in listing + page and "138****5678" in listing
