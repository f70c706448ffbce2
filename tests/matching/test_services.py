"""Matching on the store: inputs from intake and the registry, pushes (SMS through notify),
responses, scope (404 out of scope, 403 without the capability), pages, API and command."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from tests.factories import OWN_COUNTY
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.intake.models import JobPosting
from wenjiuye.matching import services
from wenjiuye.matching.models import Push
from wenjiuye.registry.models import Person

ON = date(2022, 11, 15)


def test_inputs_come_from_registration_and_registry(world):
    table = services.persons_table(Person.objects.filter(name="张电工"), on=ON)
    row = table.iloc[0].to_dict()
    assert row["person_id"] == str(world["张电工"].pk)
    assert row["region_code"] == OWN_COUNTY and row["education"] == "中专"
    assert row["age"] == 42 and row["desired_job"] == "电工" and row["accepts_migration"] is False
    assert set(services.people_to_help(on=ON)) == set(world.values())
    assert set(services.people_to_help(on=date(2022, 8, 31))) == set()


@pytest.mark.django_db
def test_vacancies_for_person_ranked_with_reasons(world, users):
    office = users[Role.CITY_OFFICE]
    matches, result = services.vacancies_for_person(user=office, person=world["张电工"], on=ON)
    assert [m.posting_id for m in matches] == ["GW1", "GW3", "GW2"]  # no partner city
    assert matches[0].reasons[1]["text"].startswith("同县")
    assert {c["key"] for c in result.params.cites} >= {"matching.top_n"}
    services.preference_set(actor=office, person=world["张电工"], accepts_migration=True)
    matches, _ = services.vacancies_for_person(user=office, person=world["张电工"], on=ON)
    assert "GW4" in [m.posting_id for m in matches]


def test_candidates_are_limited_to_the_users_county(world, users):
    posting = JobPosting.objects.get(posting_id="GW1")
    county = users[Role.COUNTY_OFFICER]
    office = users[Role.CITY_OFFICE]
    mine, _ = services.candidates_for_posting(user=county, posting=posting, on=ON)
    assert [m.person_id for m in mine] == [str(world["张电工"].pk)]  # 李厨师: 初中 < 中专
    city, _ = services.candidates_for_posting(user=office, posting=posting, on=ON)
    assert str(world["王叶县"].pk) in [m.person_id for m in city]
    with pytest.raises(Http404):
        services.posting_get(user=county, posting_id="GW3")  # 叶县's posting
    assert services.posting_get(user=county, posting_id="GW4").city == "绍兴市"


def test_push_sends_an_sms_through_notify_and_is_audited(world, users, settings, tmp_path):
    from wenjiuye.notify.models import Delivery  # noqa: PLC0415
    from wenjiuye.notify.services import deliveries_process  # noqa: PLC0415

    county = users[Role.COUNTY_OFFICER]
    push = services.push_create(
        actor=county, person=world["张电工"], posting_id="GW1", channel="sms", note="电话确认"
    )
    delivery = Delivery.objects.get(pk=int(push.delivery_id))
    assert delivery.channel == "sms" and delivery.target == "13800000001"
    assert "电工" in delivery.subject
    assert push.title == "电工" and push.response == Push.Response.PENDING
    assert Event.objects.filter(object_type="matching.push", object_id=str(push.pk)).exists()
    # By WeChat: through the personal-message gateway (file backend here), addressed by phone.
    settings.NOTIFY_WECHAT_BACKEND = "file"
    settings.WENJIUYE_HOME = tmp_path
    wechat = services.push_create(
        actor=county, person=world["张电工"], posting_id="GW1", channel="wechat"
    )
    deliveries_process()  # what the worker does after the commit
    sent = Delivery.objects.get(pk=int(wechat.delivery_id))
    assert (sent.channel, sent.target, sent.status) == ("wechat", "13800000001", "sent")
    (log,) = (tmp_path / "wechat").glob("*.jsonl")
    line = json.loads(log.read_text(encoding="utf-8"))
    assert line["to"] == "13800000001" and "电工" in line["body"] and line["id"] == str(sent.uuid)
    # By phone: recorded, nothing sent.
    call = services.push_create(
        actor=county, person=world["张电工"], posting_id="GW2", channel="phone_call"
    )
    assert call.delivery_id == ""
    # Refusals: no phone for SMS, unknown posting, bad channel — nothing written.
    before = Push.objects.count()
    with pytest.raises(ValidationError, match="没有手机号"):
        services.push_create(actor=county, person=world["李厨师"], posting_id="GW2", channel="sms")
    with pytest.raises(ValidationError, match="岗位不存在"):
        services.push_create(actor=county, person=world["张电工"], posting_id="NO", channel="sms")
    with pytest.raises(ValidationError, match="不支持"):
        services.push_create(actor=county, person=world["张电工"], posting_id="GW1", channel="fax")
    assert Push.objects.count() == before


def test_push_scope_and_capability(world, users):
    with pytest.raises(PermissionDenied):  # 叶县's person, 宝丰 officer
        services.push_create(
            actor=users[Role.COUNTY_OFFICER], person=world["王叶县"], posting_id="GW3",
            channel="notice",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # read-only leader
        services.push_create(
            actor=users[Role.LEADER], person=world["张电工"], posting_id="GW1", channel="notice"
        )


def test_push_respond(world, users):
    county = users[Role.COUNTY_OFFICER]
    push = services.push_create(
        actor=county, person=world["张电工"], posting_id="GW1", channel="notice"
    )
    services.push_respond(actor=county, push=push, response="interviewed", note="周三面试")
    push.refresh_from_db()
    assert push.response == "interviewed" and push.responded_at is not None
    assert push.note == "周三面试"
    with pytest.raises(ValidationError):
        services.push_respond(actor=county, push=push, response="maybe")
    with pytest.raises(PermissionDenied):
        services.push_respond(actor=users[Role.LEADER], push=push, response="hired")


def test_pages_scope_masking_and_push_button(world, users, client):
    county = users[Role.COUNTY_OFFICER]
    client.force_login(county)
    person = world["张电工"]
    page = client.get(f"/matching/person/{person.pk}/?on=2022-11-15")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index('data-posting="GW1"') < html.index('data-posting="GW3"')
    assert person.id_number not in html and "同县" in html and "推送" in html
    assert client.get(f"/matching/person/{world['王叶县'].pk}/").status_code == 404
    r = client.post(
        f"/matching/person/{person.pk}/push/", {"posting_id": "GW1", "channel": "phone_call"}
    )
    assert r.status_code == 302 and Push.objects.filter(person=person).count() == 1
    assert (
        client.post(f"/matching/person/{person.pk}/push/", {"posting_id": "GW1"}).status_code == 400
    )
    push = Push.objects.get(person=person)
    r = client.post(f"/matching/push/{push.pk}/respond/", {"response": "hired"})
    assert r.status_code == 302
    page = client.get("/matching/posting/GW1/?on=2022-11-15")
    html = page.content.decode()
    assert page.status_code == 200 and "张电工" in html and "王叶县" not in html
    assert person.id_number not in html and "13800000001" not in html
    assert client.get("/matching/posting/GW3/").status_code == 404
    client.force_login(users[Role.LEADER])
    r = client.post(f"/matching/person/{person.pk}/push/", {"posting_id": "GW1", "channel": "sms"})
    assert r.status_code == 403


def test_api(world, users, client):
    client.force_login(users[Role.COUNTY_OFFICER])
    person = world["张电工"]
    r = client.get(f"/api/matching/person/{person.pk}/?on=2022-11-15&top=2")
    assert r.status_code == 200
    body = r.json()
    assert [m["posting_id"] for m in body["matches"]] == ["GW1", "GW3"]
    assert body["matches"][0]["reasons"][0]["filter"] == "open"
    r = client.get("/api/matching/posting/GW1/?on=2022-11-15")
    cands = r.json()["candidates"]
    assert cands[0]["name"] == "张电工" and "*" in cands[0]["id_number"]
    r = client.post(
        "/api/matching/pushes/",
        {"person_id": person.pk, "posting_id": "GW2", "channel": "notice"},
        content_type="application/json",
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    r = client.post(
        f"/api/matching/pushes/{pid}/respond/", {"response": "declined"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["response"] == "declined"
    r = client.post(
        "/api/matching/pushes/",
        {"person_id": person.pk, "posting_id": "GW2", "channel": "fax"},
        content_type="application/json",
    )
    assert r.status_code == 400
    r = client.get(f"/api/matching/person/{world['王叶县'].pk}/")
    assert r.status_code == 404
    assert [p["id"] for p in client.get("/api/matching/pushes/").json()] == [pid]


def test_command_json_both_ways(world):
    out = io.StringIO()
    call_command(
        "match", "--person", world["张电工"].id_number, "--on", "2022-11-15", "--json", stdout=out
    )
    doc = json.loads(out.getvalue())
    assert [m["posting_id"] for m in doc["matches"]] == ["GW1", "GW3", "GW2"]
    assert world["张电工"].id_number not in out.getvalue()
    out = io.StringIO()
    call_command("match", "--posting", "GW1", "--top", "1", "--on", "2022-11-15", "--json",
                 stdout=out, stderr=io.StringIO())  # fmt: skip
    doc = json.loads(out.getvalue())
    assert [c["name"] for c in doc["candidates"]] == ["张电工"]
    with pytest.raises(CommandError):
        call_command("match", "--posting", "NOPE", stdout=io.StringIO())
    out = io.StringIO()
    call_command("match", "--person", str(world["李厨师"].pk), "--on", "2022-11-15", stdout=out)
    assert "厨师" in out.getvalue() or "GW2" in out.getvalue()
