"""Pairing (结对帮扶, U2): an enterprise, institution or office paired with one person or with
several to help them into work. Each write checks role and scope, validates, and audits the change.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, save_audited, snapshot
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.programmes.models import Pair
from wenjiuye.programmes.services import require_person
from wenjiuye.registry.models import Enterprise, Person


@transaction.atomic
def pair_create(
    *,
    actor: User,
    helper_kind: str,
    mode: str,
    persons: list[Person],
    region: Region,
    starts_on: date,
    helper_enterprise: Enterprise | None = None,
    helper_name: str = "",
    helper_contact: str = "",
    ends_on: date | None = None,
    note: str = "",
) -> Pair:
    require(actor, Cap.WRITE, region.code)
    if helper_kind not in Pair.HelperKind.values:
        raise ValidationError(_("未知帮扶方类型"))
    if mode not in Pair.Mode.values:
        raise ValidationError(_("未知结对方式"))
    if helper_kind == Pair.HelperKind.ENTERPRISE:
        if helper_enterprise is None:
            raise ValidationError(_("企业结对须选择帮扶企业"))
        helper_name = helper_name.strip() or helper_enterprise.name
    elif helper_enterprise is not None:
        raise ValidationError(_("事业单位或机关结对不能选择企业"))
    if not helper_name.strip():
        raise ValidationError(_("请填写帮扶单位"))
    unique = {p.pk: p for p in persons}
    if mode == Pair.Mode.ONE_TO_ONE and len(unique) != 1:
        raise ValidationError(
            _("“一对一”结对须且只能有1名帮扶对象,现有 %(n)d 名") % {"n": len(unique)}
        )
    if mode == Pair.Mode.ONE_TO_MANY and len(unique) < 2:
        raise ValidationError(
            _("“一对多”结对应有2名及以上帮扶对象,现有 %(n)d 名") % {"n": len(unique)}
        )
    for person in unique.values():
        require_person(actor, person)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于结对日期"))
    pair = Pair(
        helper_kind=helper_kind,
        helper_enterprise=helper_enterprise,
        helper_name=helper_name.strip(),
        helper_contact=helper_contact.strip(),
        mode=mode,
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=actor,
    )
    pair.full_clean()
    pair.save()
    pair.persons.set(list(unique.values()))
    record_event(
        actor=actor,
        action=Event.Action.CREATE,
        obj=pair,
        region_code=region.code,
        changes={**diff({}, snapshot(pair)), "persons": [None, sorted(unique)]},
    )
    return pair


@transaction.atomic
def pair_end(*, actor: User, pair: Pair, ends_on: date, note: str = "") -> Pair:
    require(actor, Cap.WRITE, pair.region_id)
    if pair.ends_on is not None:
        raise ValidationError(_("该结对已于 %(d)s 结束") % {"d": pair.ends_on})
    if ends_on < pair.starts_on:
        raise ValidationError(_("结束日期不能早于结对日期"))
    before = snapshot(pair)
    pair.ends_on = ends_on
    save_audited(
        actor=actor,
        obj=pair,
        before=before,
        fields=list(before),
        region_code=pair.region_id,
        note=note,
    )
    return pair
