"""One error policy (core.errors): each refusal has one status, and pages, the API and the command
line answer it the same way; a plain ValueError is a bug, not a 400."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from wenjiuye.core.errors import (
    DomainError,
    LimitReached,
    PolicyNotInForce,
    error_detail,
    error_messages,
    status_of,
)
from wenjiuye.core.models import Region, RegionLevel
from wenjiuye.registry.id_lookup import IdLookupLimited


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (PolicyNotInForce("x"), 409),
        (IdLookupLimited(30), 429),
        (LimitReached("x"), 429),
        (PermissionDenied("x"), 403),
        (Http404("x"), 404),
        (ObjectDoesNotExist("x"), 404),
        (ValidationError("x"), 400),
        (DomainError("x"), 400),
        (ValueError("x"), None),
        (KeyError("x"), None),
        (LookupError("x"), None),
    ],
)
def test_each_refusal_has_one_status_and_a_bug_has_none(exc, status) -> None:
    assert status_of(exc) == status


def test_messages_of_a_validation_error_a_refusal_and_a_form() -> None:
    assert error_messages(ValidationError({"a": ["一"], "b": ["二", "三"]})) == ["一", "二", "三"]
    assert error_messages(ValidationError(["一", "二"])) == ["一", "二"]
    assert error_messages(DomainError("不行")) == ["不行"]

    class Form(forms.Form):
        name = forms.CharField(label="姓名")

        def clean(self):
            raise ValidationError("整体错误")

    form = Form(data={})
    assert not form.is_valid()
    assert error_messages(form) == ["姓名:这个字段是必填项。", "整体错误"]
    assert error_detail(ValidationError({"a": ["一"]})) == {"a": ["一"]}
    assert error_detail(DomainError("不行")) == "不行"


@pytest.mark.django_db
def test_a_missing_policy_is_409_on_a_page_and_in_the_api(client, users) -> None:
    """The severance calculator needs its parameters: with none loaded, both faces say 409 and
    name the key, instead of a 400 or a 500."""
    from wenjiuye.core.roles import Role  # noqa: PLC0415

    client.force_login(users[Role.CITY_OFFICE])
    api = client.get(
        "/api/response/severance",
        {
            "start": "2015-03-01",
            "end": "2022-06-30",
            "monthly_wage": "5000",
            "local_average_wage": "6000",
        },
    )
    assert api.status_code == 409, api.content
    assert "政策参数" in api.json()["detail"]


@pytest.mark.django_db
def test_region_county_is_the_one_answer() -> None:
    city = Region.objects.create(code="419900", name="市", level=RegionLevel.CITY)
    county = Region.objects.create(code="419901", name="县", level=RegionLevel.COUNTY, parent=city)
    town = Region.objects.create(
        code="419901001", name="镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    assert town.county == county and county.county == county and city.county is None
