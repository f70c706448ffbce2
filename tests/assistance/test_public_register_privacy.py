"""The public registration form (no login) tells nobody whether an ID number is already known:
a new registration, one already waiting for review and one already on the ledger get the same
page and status. Its rate limit is kept in the shared cache, so it holds across clients and
server processes (not in a process's memory)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.test import Client
from django.urls import reverse

from tests.assistance.test_pages import form
from tests.factories import OWN_COUNTY, make_id
from wenjiuye.assistance import services, views
from wenjiuye.assistance.models import PendingRegistration

URL = "/public/register/"


def _post(client: Client, id_number: str, name: str = "王五", ip: str = "203.0.113.5"):
    return client.post(URL, form(id_number=id_number, name=name), REMOTE_ADDR=ip)


def test_answers_do_not_tell_whether_a_number_is_known(policy, make_person):
    on_ledger = make_person(61)
    services.case_open(person=on_ledger, source="registration", registered_on=date(2022, 9, 1))
    waiting = make_id(OWN_COUNTY, "19860606", 62)
    _post(Client(), waiting, ip="203.0.113.1")
    new = make_id(OWN_COUNTY, "19870707", 63)

    answers = {
        "new": _post(Client(), new),
        "waiting": _post(Client(), waiting),
        "on_ledger": _post(Client(), on_ledger.id_number),
    }
    assert {k: r.status_code for k, r in answers.items()} == dict.fromkeys(answers, 200)
    texts = {k: r.content.decode() for k, r in answers.items()}
    for text in texts.values():
        assert 'data-testid="register-done"' in text
        assert "等待所在县(市、区)人社部门确认" in text
        for leak in ("已有在册", "等待审核", "请勿重复", "已提交网上登记"):
            assert leak not in text
    # The pages differ only by the masked number the person typed.
    masked = {"new": new, "waiting": waiting, "on_ledger": on_ledger.id_number}
    normalised = {k: text.replace(views.mask_id(masked[k]), "#") for k, text in texts.items()}
    assert normalised["new"] == normalised["waiting"] == normalised["on_ledger"]
    # The duplicates saved nothing: one waiting registration each for the two new numbers.
    assert sorted(PendingRegistration.objects.values_list("id_number", flat=True)) == sorted(
        [waiting, new]
    )


def test_a_bad_id_number_is_still_explained(policy, regions):
    bad = make_id(OWN_COUNTY, "19870707", 64)[:17] + "Z"
    response = _post(Client(), bad)
    assert response.status_code == 400 and "公民身份号码有误" in response.content.decode()


def test_the_cache_is_shared_not_process_memory():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }


def _forget_process_state() -> None:
    """What a new server process would not have: the cache connections of this one, and any
    process-memory cache."""
    caches.close_all()
    for alias in list(settings.CACHES):
        del caches[alias]
    locmem._caches.clear()
    locmem._expire_info.clear()


@pytest.fixture
def limit(monkeypatch) -> int:
    monkeypatch.setattr(views, "REGISTER_RATE", 3)
    return 3


def test_rate_limit_holds_across_clients_and_processes(policy, regions, limit):
    ip = "198.51.100.7"
    first = Client()
    for serial in range(limit):
        response = _post(first, make_id(OWN_COUNTY, "19900101", 100 + serial), ip=ip)
        assert response.status_code == 200
    _forget_process_state()
    second = Client()  # no cookies of the first
    refused = _post(second, make_id(OWN_COUNTY, "19900101", 120), ip=ip)
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert PendingRegistration.objects.count() == limit
    # Another address is not affected.
    assert (
        _post(Client(), make_id(OWN_COUNTY, "19900101", 121), ip="198.51.100.8").status_code == 200
    )


def test_register_page_still_answers_get(client, regions):
    assert client.get(reverse("public-register")).status_code == 200


def test_the_form_tells_why_what_and_how_long_before_anything_is_given(client, regions):
    """PIPL arts. 14 and 17: purpose, scope, retention and rights are told before collection."""
    html = client.get(reverse("public-register")).content.decode()
    notice = html[
        html.index('data-testid="pipl-notice"') : html.index('data-testid="register-form"')
    ]
    for words in ("处理者", "目的和依据", "范围", "保存期限", "您的权利", "敏感个人信息"):
        assert words in notice
