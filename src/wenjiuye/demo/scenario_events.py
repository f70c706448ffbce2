"""The scenario's mass incidents (one closed after its review, one escalated as more people
gathered, one just reported) and public opinion (unverified, verified late, linked to the
escalated incident, a spreading layoff item reported to the city)."""

from __future__ import annotations

from wenjiuye.core.models import Region, Unit, User
from wenjiuye.core.policy import policy_value
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete
from wenjiuye.demo.scenario_base import Scene, enterprises_in, flagged_enterprises, made_up_person
from wenjiuye.incidents import services as incidents
from wenjiuye.incidents.models import Demand, Incident
from wenjiuye.opinion import services as opinion
from wenjiuye.opinion.evaluation import REPORT_CITY_KIND, VERIFY_KIND, city_region
from wenjiuye.opinion.models import OpinionItem
from wenjiuye.registry.models import Enterprise
from wenjiuye.response.models import LayoffReport

IS = Incident.Status


def record(scene: Scene) -> None:
    _closed_incident(scene)
    scene.incident = _escalated_incident(scene)
    _new_incident(scene)
    _opinion(scene)


# --- incidents -----------------------------------------------------------------------------------


def _enterprise_of_report(state: str, county: str) -> Enterprise | None:
    report = LayoffReport.objects.filter(status=state, region_id=county).first()
    return report.enterprise if report else None


def _unit(county: str) -> Unit | None:
    """Who a demand is referred to: the labour inspectorate, else the county's bureau."""
    return (
        Unit.objects.filter(name__contains="劳动保障监察").order_by("pk").first()
        or Unit.objects.filter(region_id=county).order_by("pk").first()
    )


def _reports_done(incident: Incident, actor: User, *, only: tuple[str, ...] = ()) -> None:
    """The incident's reports made in time (all of them, or only those to ``only``)."""
    for deadline in deadlines_for(incident).filter(
        status=Deadline.Status.OPEN, kind__startswith=incidents.REPORT_KIND
    ):
        recipient = deadline.kind.removeprefix(incidents.REPORT_KIND)
        if not only or recipient in only:
            incidents.report_deadline_done(
                actor=actor, incident=incident, deadline=deadline, note=f"已电话报告{recipient}"
            )


def _representatives(scene: Scene, actor: User, incident: Incident, n: int) -> None:
    for i in range(n):
        who = made_up_person(scene, incident.region_id[:6], ages=(30, 55))
        incidents.representative_add(
            actor=actor,
            incident=incident,
            name=who["name"],
            id_number=who["id_number"],
            phone=who["phone"],
            note="职工推选代表" if i else "职工推选代表(牵头)",
        )


def _closed_incident(scene: Scene) -> Incident:
    """Three weeks ago in the yexian officer's county: a gathering over unpaid wages, handled,
    reviewed and closed."""
    actor = scene.users["yexian"]
    county = scene.county_of("yexian")
    region = Region.objects.get(pk=county)
    enterprise = _enterprise_of_report(LayoffReport.Status.REVIEWED, county) or next(
        iter(enterprises_in(county)), None
    )
    name = enterprise.name if enterprise else region.name
    incident = incidents.incident_create(
        actor=actor,
        region=region,
        occurred_at=scene.at(20, 9, 0),
        at=scene.at(20, 9, 30),
        place=f"{name}厂区大门",
        cause=Incident.Cause.PAY,
        people=35,
        enterprise=enterprise,
        summary="部分职工因两个月工资未按时发放在厂区门口聚集",
    )
    _reports_done(incident, actor)
    _representatives(scene, actor, incident, 3)
    incidents.demand_add(
        actor=actor,
        incident=incident,
        text="要求企业明确拖欠工资的发放时间",
        handling=Demand.Handling.ON_SPOT,
        result="企业负责人当场承诺五日内足额发放",
        at=scene.at(20, 10, 30),
    )
    referred = incidents.demand_add(
        actor=actor,
        incident=incident,
        text="要求核查企业是否足额缴纳社会保险费",
        handling=Demand.Handling.REFERRED,
        unit=_unit(county),
        time_limit_days=15,
        at=scene.at(20, 11, 0),
    )
    incidents.demand_answer(
        actor=actor,
        demand=referred,
        result="经核查,企业欠缴两个月社会保险费,已责令限期补缴",
        at=scene.at(12, 16, 0),
    )
    incidents.report_add(
        actor=actor,
        incident=incident,
        text="现场已劝离,职工代表与企业协商中",
        at=scene.at(20, 12, 0),
    )
    for status, days, hour in ((IS.UNDER_CONTROL, 20, 15), (IS.RESOLVED, 18, 10)):
        incident = incidents.incident_set_status(
            actor=actor, incident=incident, status=status, at=scene.at(days, hour)
        )
    incidents.report_add(
        actor=actor, incident=incident, text="工资已全部发放,事件化解", at=scene.at(18, 11, 0)
    )
    incident = incidents.incident_review(
        actor=actor,
        incident=incident,
        causes="企业资金链紧张,未提前与职工沟通发薪安排",
        problems="欠薪预警信息未及时推送到属地",
        lessons="对欠薪预警企业建立周调度,提前介入协调",
        at=scene.at(15, 10),
    )
    incident = incidents.incident_close(actor=actor, incident=incident, at=scene.at(14, 10))
    scene.count("incidents")
    scene.count(f"incidents.{incident.status}")
    return incident


def _escalated_incident(scene: Scene) -> Incident:
    """Yesterday in the baofeng officer's county, over a planned layoff: 40 people, then 120 —
    the report to the city, the province, the city committee and government is owed at once;
    the local ones were made, the others are overdue and escalated by the worker."""
    actor = scene.users["baofeng"]
    county = scene.county_of("baofeng")
    region = Region.objects.get(pk=county)
    enterprise = _enterprise_of_report(LayoffReport.Status.DRAFT, county) or next(
        iter(enterprises_in(county)), None
    )
    name = enterprise.name if enterprise else region.name
    incident = incidents.incident_create(
        actor=actor,
        region=region,
        occurred_at=scene.at(1, 8, 0),
        at=scene.at(1, 8, 30),
        place=f"{name}办公楼前",
        cause=Incident.Cause.LAYOFF,
        people=40,
        enterprise=enterprise,
        summary="职工听说企业将裁员,聚集要求说明情况",
    )
    _reports_done(incident, actor, only=("当地党委政府", "上级人力资源社会保障部门", "局党组"))
    incident = incidents.incident_set_people(
        actor=actor, incident=incident, people=120, at=scene.at(1, 10, 0)
    )
    incident = incidents.incident_call(
        actor=actor, incident=incident, service="police", at=scene.at(1, 10, 15)
    )
    _representatives(scene, actor, incident, 2)
    incidents.demand_add(
        actor=actor,
        incident=incident,
        text="要求企业公开裁员方案并依法支付经济补偿",
        handling=Demand.Handling.REFERRED,
        unit=_unit(county),
        time_limit_days=10,
        at=scene.at(1, 11, 0),
    )
    incidents.report_add(
        actor=actor,
        incident=incident,
        text="聚集人数增至120人,公安已到场维持秩序,企业负责人正在与职工代表对话",
        at=scene.at(1, 11, 30),
    )
    incident = incidents.incident_set_status(
        actor=actor, incident=incident, status=IS.UNDER_CONTROL, at=scene.at(1, 16, 0)
    )
    scene.count("incidents")
    scene.count("incidents.escalated")
    scene.count(f"incidents.{incident.status}")
    return incident


def _new_incident(scene: Scene) -> Incident:
    """This morning, reported by the city office: a small gathering over overtime, its reports
    made at once."""
    actor = scene.users["office"]
    report = LayoffReport.objects.filter(status=LayoffReport.Status.SUBMITTED).first()
    enterprise = report.enterprise if report else None
    region = enterprise.region.county if enterprise else None
    if region is None:
        region = Region.objects.get(pk=scene.county_of("yexian"))
    incident = incidents.incident_create(
        actor=actor,
        region=region,
        occurred_at=scene.at(0, 8, 0),
        at=scene.at(0, 8, 20),
        place=f"{enterprise.name if enterprise else region.name}车间",
        cause=Incident.Cause.HOURS,
        people=12,
        enterprise=enterprise,
        summary="部分职工反映连续加班、休息时间得不到保障",
    )
    _reports_done(incident, actor)
    scene.count("incidents")
    scene.count(f"incidents.{incident.status}")
    return incident


# --- public opinion ------------------------------------------------------------------------------


def _item(scene: Scene, actor: User, **values: object) -> OpinionItem:
    item, created = opinion.opinion_create(actor=actor, **values)  # type: ignore[arg-type]
    assert created
    scene.count("opinion_items")
    return item


def _done(actor: User, item: OpinionItem, kind: str, note: str) -> None:
    for deadline in deadlines_for(item).filter(kind=kind, status=Deadline.Status.OPEN):
        deadline_complete(deadline=deadline, actor=actor, note=note)


def _opinion(scene: Scene) -> None:
    office, member = scene.users["office"], scene.users["member"]
    yexian, baofeng = scene.users["yexian"], scene.users["baofeng"]
    # spreading fast from this many reposts on (the policy's number, read, not assumed)
    spreading = int(policy_value("opinion.spreading.min_reposts", on=scene.as_of))
    arrears = next(iter(flagged_enterprises("wage_arrears")), None)
    # 1. transferred by the province to the city five days ago, still not verified: overdue,
    #    escalated to whoever kept the city's duty that day (the member), then the office
    subject = arrears.name if arrears else "某建筑企业"
    _item(
        scene,
        office,
        title=f"网传{subject}拖欠农民工工资",
        text=f"有网民发帖称{subject}拖欠农民工工资三个月,多人讨薪未果。",
        source=OpinionItem.Source.PROVINCE,
        region=city_region(),
        guid=f"demo-province-{scene.as_of.isoformat()}-1",
        published_at=scene.at(6, 21, 0),
        at=scene.at(5, 9, 0),
    )
    scene.tick_then(scene.at(3, 14, 0))
    # 2. transferred by the city to the yexian officer's county; verified a day late
    county = Region.objects.get(pk=scene.county_of("yexian"))
    local = next(iter(enterprises_in(county.code)), None)
    name = local.name if local else county.name
    late = _item(
        scene,
        office,
        title=f"{name}被指放假待岗、停产",
        text=f"网帖称{name}近期停产,职工放假待岗,工资只发基本生活费。",
        source=OpinionItem.Source.CITY,
        region=county,
        guid=f"demo-city-{scene.as_of.isoformat()}-1",
        published_at=scene.at(4, 18, 0),
        at=scene.at(3, 9, 0),
    )

    def verified() -> None:
        opinion.opinion_update(actor=yexian, item=late, status=OpinionItem.Status.REPORTED)
        _done(yexian, late, VERIFY_KIND, "已核实:企业检修停产一周,工资按规定发放,已报告市局")
        scene.count("opinion_items.verified")

    scene.tick_then(scene.at(1, 10, 0), verified)
    # 3. about the escalated incident, taken up by the baofeng officer
    if scene.incident is not None:
        item = _item(
            scene,
            baofeng,
            title=f"{scene.incident.region.name}一企业职工聚集讨说法",
            text=f"{scene.incident.place}有职工聚集维权,现场拉横幅。",
            source=OpinionItem.Source.MANUAL,
            region=scene.incident.region,
            reposts=spreading // 3,
            at=scene.at(1, 12, 0),
        )
        opinion.opinion_update(actor=baofeng, item=item, status=OpinionItem.Status.VERIFYING)
        opinion.opinion_link_incident(actor=baofeng, item=item, incident=scene.incident)
        scene.count("opinion_items.linked")
    # 4. a layoff item spreading fast about the enterprise that laid off: reported to the city
    report = LayoffReport.objects.filter(status=LayoffReport.Status.IMPLEMENTED).first()
    if report is not None:
        item = _item(
            scene,
            member,
            title=f"{report.enterprise.name}大规模裁员?",
            text=f"多个账号转发称{report.enterprise.name}裁员,被裁职工担心经济补偿。",
            source=OpinionItem.Source.MANUAL,
            reposts=spreading + spreading // 2,
            at=scene.at(2, 9, 0),
        )
        _done(member, item, REPORT_CITY_KIND, "已报告市人社局,企业已依法报告裁员方案并实施")
        opinion.opinion_update(actor=member, item=item, status=OpinionItem.Status.CLOSED)
        scene.count("opinion_items.verified")
    # 5. noticed this morning, not yet looked at
    _item(
        scene,
        yexian,
        title=f"{county.name}多家企业反映招工难",
        text="本地论坛有企业主反映普工岗位招工难、用工缺口较大。",
        source=OpinionItem.Source.MANUAL,
        region=county,
        at=scene.at(0, 8, 30),
    )
    scene.count("opinion_items.unverified", 2)
