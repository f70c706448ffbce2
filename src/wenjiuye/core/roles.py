"""Roles and what each may do.

A role says *what* a user may do; the user's region scope says *where*. The capability
table is the single place that decides; services and views ask :func:`can`.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_OFFICE = "city_office", _("市稳就业工作专班办公室")
    GROUP_MEMBER = "group_member", _("工作组成员")
    COUNTY_OFFICER = "county_officer", _("县(市、区)人社局工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    LEADER = "leader", _("领导(只读)")
    AUDITOR = "auditor", _("审计员")
    ADMIN = "admin", _("系统管理员")


class Cap(StrEnum):
    READ = "read"  # read business data in scope
    WRITE = "write"  # the bureau's operational work in scope: enterprises, layoff reports, visits,
    # incidents, opinion, programmes, ledgers, duty, deadlines, benefit decisions, budgets
    CASE_WORK = "case_work"  # the assistance ledger in scope: cases, contacts, follow-ups,
    # registrations, job pushes (the grid worker's whole job)
    VIEW_PERSONAL = "view_personal"  # see unmasked ID numbers and phones (each view audited)
    READ_AUDIT = "read_audit"  # read the audit log
    EDIT_POLICY = "edit_policy"  # change policy parameters
    EDIT_REFERENCE = "edit_reference"  # regions, organisation, users


CAP_LABELS: dict[Cap, str | Promise] = {
    Cap.READ: _("查看"),
    Cap.WRITE: _("新增和修改"),
    Cap.CASE_WORK: _("失业人员帮扶台账"),
    Cap.VIEW_PERSONAL: _("查看完整个人信息"),
    Cap.READ_AUDIT: _("查看审计日志"),
    Cap.EDIT_POLICY: _("调整政策参数"),
    Cap.EDIT_REFERENCE: _("维护基础数据"),
}

#: City-wide reference data (the opinion lexicon, bureau files covering the whole city) needs the
#: capability on the city's own region code (``scope.require_city``): city roles only.
CAPABILITIES: dict[str, frozenset[Cap]] = {
    Role.CITY_OFFICE: frozenset(
        {Cap.READ, Cap.WRITE, Cap.CASE_WORK, Cap.VIEW_PERSONAL, Cap.EDIT_POLICY}
    ),
    Role.GROUP_MEMBER: frozenset({Cap.READ, Cap.WRITE, Cap.CASE_WORK}),
    Role.COUNTY_OFFICER: frozenset({Cap.READ, Cap.WRITE, Cap.CASE_WORK, Cap.VIEW_PERSONAL}),
    # The grid worker's job is their grid's cases, contacts, follow-ups and registrations: no
    # layoff reviews, incidents, duty shifts, visits, programmes or reference data.
    Role.GRID_WORKER: frozenset({Cap.READ, Cap.CASE_WORK, Cap.VIEW_PERSONAL}),
    Role.LEADER: frozenset({Cap.READ}),
    Role.AUDITOR: frozenset({Cap.READ, Cap.READ_AUDIT}),
    Role.ADMIN: frozenset(
        {
            Cap.READ,
            Cap.WRITE,
            Cap.CASE_WORK,
            Cap.VIEW_PERSONAL,
            Cap.READ_AUDIT,
            Cap.EDIT_POLICY,
            Cap.EDIT_REFERENCE,
        }
    ),
}


def role_can(role: str, cap: Cap) -> bool:
    return cap in CAPABILITIES.get(role, frozenset())
