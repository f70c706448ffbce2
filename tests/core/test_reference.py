"""Loading the city's reference data: regions (CSV), organisation (JSON), everything at once."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import CITY_DIR
from wenjiuye.core.models import (
    Clause,
    ClauseUnit,
    Event,
    Member,
    PolicyParameter,
    Region,
    Unit,
    WorkGroup,
    WorkingGroup,
)
from wenjiuye.core.reference import PACKAGED_CITY_DIR, packaged_policy_files, reference_load
from wenjiuye.core.reference_files import ReferenceDataError
from wenjiuye.core.reference_organisation import organisation_load
from wenjiuye.core.reference_regions import regions_load

REGIONS_CSV = CITY_DIR / "regions.csv"
ORGANISATION_JSON = CITY_DIR / "organisation.json"
HEADER = "code,name,level,parent_code,sort_order\n"

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def events(object_type: str, action: str | None = None):
    qs = Event.objects.filter(object_type=object_type)
    return qs.filter(action=action) if action else qs


# --- Regions ------------------------------------------------------------------------------


def test_packaged_folder_is_the_one_the_fixtures_use():
    assert PACKAGED_CITY_DIR.resolve() == CITY_DIR.resolve()


def test_regions_load_creates_every_row_with_an_audit_event_and_is_idempotent():
    first = regions_load(path=REGIONS_CSV)
    assert first == {"regions": {"created": 14, "updated": 0, "unchanged": 0}}
    assert Region.objects.get(code="410400").parent_id == "410000"
    assert Region.objects.get(code="410471").level == "zone"
    assert events("core.region", Event.Action.CREATE).count() == 14
    assert events("core.region").first().actor_name == "system"

    second = regions_load(path=REGIONS_CSV)
    assert second == {"regions": {"created": 0, "updated": 0, "unchanged": 14}}
    assert events("core.region").count() == 14


def test_regions_load_updates_a_changed_row_and_records_the_change(tmp_path):
    regions_load(path=REGIONS_CSV)
    text = REGIONS_CSV.read_text(encoding="utf-8").replace("410423,鲁山县", "410423,鲁山县(改)")
    result = regions_load(path=write(tmp_path, "regions.csv", text))
    assert result["regions"] == {"created": 0, "updated": 1, "unchanged": 13}
    assert Region.objects.get(code="410423").name == "鲁山县(改)"
    event = events("core.region", Event.Action.UPDATE).get()
    assert event.object_id == "410423"
    assert event.region_code == "410423"
    assert event.changes == {"name": ["鲁山县", "鲁山县(改)"]}


def test_townships_load_later_from_their_own_file_in_any_order(tmp_path):
    regions_load(path=REGIONS_CSV)
    villages = write(
        tmp_path,
        "towns.csv",
        "code,name,level,parent_code\n"
        "410421100001,某村,village,410421100\n"  # child before its parent
        "410421100,某街道,township,410421\n",
    )
    assert regions_load(path=villages)["regions"]["created"] == 2
    assert Region.objects.get(code="410421100001").parent_id == "410421100"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("41042,坏代码,county,410400,1", "区划代码“41042”格式错误"),
        ("4104231,坏代码,county,410400,1", "格式错误"),
        ("410423100,某镇,township,999999,1", "上级区划“999999”既不在文件中也不在数据库中"),
        ("410423100,某镇,hamlet,410423,1", "层级“hamlet”无效"),
        ("410423100,某镇,county,410400,1", "与层级“county”不符"),
        ("410422100,某镇,township,410423,1", "不在上级区划“410423”之内"),
        ("410423100,,township,410423,1", "名称为空"),
        ("410423100,某镇,township,,1", "缺少上级区划代码"),
        ("410423100,某镇,township,410423,x", "排序“x”不是非负整数"),
        ("410402,新华区重复,county,410400,1", "与第 4 行重复"),
    ],
)
def test_a_bad_region_row_is_reported_by_line_and_changes_nothing(tmp_path, row, message):
    # Given a file with the packaged rows (not yet loaded), one good new row and one bad row
    good_new = "410423101,好镇,township,410423,1"
    text = REGIONS_CSV.read_text(encoding="utf-8") + good_new + "\n" + row + "\n"
    bad_line = text.count("\n")
    # When it is loaded
    with pytest.raises(ReferenceDataError) as error:
        regions_load(path=write(tmp_path, "regions.csv", text))
    # Then the error names the bad line and nothing at all was written
    assert f"第 {bad_line} 行" in str(error.value)
    assert message in str(error.value)
    assert "未做任何修改" in str(error.value)
    assert Region.objects.count() == 0
    assert Event.objects.count() == 0


def test_bad_rows_do_not_touch_regions_already_loaded(tmp_path):
    regions_load(path=REGIONS_CSV)
    text = HEADER + "410423,鲁山县(改),county,410400,16\n410423100,某镇,township,888888,1\n"
    with pytest.raises(ReferenceDataError):
        regions_load(path=write(tmp_path, "regions.csv", text))
    assert Region.objects.get(code="410423").name == "鲁山县"
    assert not Region.objects.filter(code="410423100").exists()
    assert events("core.region", Event.Action.UPDATE).count() == 0


def test_every_bad_line_is_listed_in_line_order(tmp_path):
    text = (
        HEADER
        + "410000,河南省,province,,0\n41,坏,city,410000,1\n410400,平顶山市,city,410000,1\n4104x,坏,county,410400,2\n"
    )
    with pytest.raises(ReferenceDataError) as error:
        regions_load(path=write(tmp_path, "regions.csv", text))
    assert [p.split(":")[0] for p in error.value.problems] == ["第 3 行", "第 5 行"]


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    with pytest.raises(ReferenceDataError, match="缺少列 level"):
        regions_load(path=write(tmp_path, "regions.csv", "code,name,parent_code\n410000,河南省,\n"))
    with pytest.raises(ReferenceDataError, match="文件不存在"):
        regions_load(path=tmp_path / "missing.csv")


def test_regions_command_prints_counts_as_json_and_fails_with_status_2(tmp_path):
    out = StringIO()
    call_command("regions", "load", str(REGIONS_CSV), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"regions": {"created": 14, "updated": 0, "unchanged": 0}}

    bad = write(tmp_path, "bad.csv", HEADER + "410423100,某镇,township,999999,1\n")
    with pytest.raises(CommandError) as error:
        call_command("regions", "load", str(bad), "--json", stdout=StringIO())
    assert error.value.returncode == 2
    assert "第 2 行" in str(error.value)


# --- Organisation -------------------------------------------------------------------------

WORKING_GROUPS = [
    ("general", "综合组", None),
    ("layoff_response", "规模裁员应对组", "劳动关系科"),
    ("unemployed_assistance", "失业人员帮扶组", "失业保险科"),
    ("key_region_assistance", "重点地区援助组", "农民工工作科"),
    ("incident_handling", "突发事件处置组", "劳动保障监察局"),
    ("public_opinion", "舆情宣传组", None),
    ("guidance_coordination", "指导服务协调组", None),
]

# Every person the seed names, with the position and title it gives (OCR spacing removed).
ZHAO = ("赵伟星", "就业促进局局长、政策法规科负责人")
GU = ("谷泽坤", "调解仲裁管理科负责人、人力资源流动管理科科长")
GUO = ("郭邦国", "农民工工作科负责人、职业能力建设科科长")
WU = ("吴晓辉", "市失业保险管理中心负责人、局办公室主任")
NAMED_MEMBERS = {
    "unemployed_assistance": [
        ("group_leader", "陈文政", "市人社局党组成员、副局长"),
        ("deputy_leader", *WU),
        ("member", "杨晓芳", "失业保险科科长"),
        ("member", *ZHAO),
        ("member", *GUO),
        ("member", "刘旭燕", "城镇职工养老保险科科长"),
        ("member", "王娟", "市失业保险管理中心副主任"),
    ],
    "layoff_response": [
        ("group_leader", "李晗", "党组成员、副局长"),
        ("deputy_leader", "苗晨光", "劳动关系科负责人"),
        ("member", *WU),
        ("member", "杨晓芳", "失业保险科科长"),
        ("member", *ZHAO),
        ("member", *GU),
        ("member", "王许东", "劳动保障监察局局长"),
        ("member", "刘旭燕", "城镇职工养老保险科科长"),
        ("member", "张磊", "电子政务中心主任"),
        ("member", "王晶", "市人才交流中心市场部负责人"),
        ("member", "赵小红", "市职业介绍服务中心就业服务部部长"),
    ],
    "incident_handling": [
        ("group_leader", "任传毅", "三级调研员"),
        ("member", *ZHAO),
        ("member", *GU),
        ("member", "王许东", "劳动保障监察局局长"),
        ("member", "周闯", "劳动保障监察支队负责人"),
        ("member", "苗晨光", "劳动关系科负责人"),
        ("member", "黄炜", "信访工作科负责人"),
    ],
    "key_region_assistance": [
        ("group_leader", "武风民", "市人社局党组成员、副局长"),
        ("participant", *GUO),
        ("participant", *GU),
    ],
}

# Responsible units named in the seed (责任单位 lists and sub-plans), internal ones first.
SEED_UNITS = {
    "就业促进局": "bureau",
    "信访工作科": "section",
    "政策法规科": "section",
    "人力资源流动管理科": "section",
    "职业能力建设科": "section",
    "农民工工作科": "section",
    "劳动关系科": "section",
    "失业保险科": "section",
    "调解仲裁管理科": "section",
    "劳动保障监察局": "bureau",
    "劳动保障监察支队": "detachment",
    "市企业养老保险中心": "centre",
    "市人才交流中心": "centre",
    "市人事考试中心": "centre",
    "市失业保险管理中心": "centre",
    "城镇职工养老保险科": "section",
    "办公室": "office",
    "电子政务中心": "centre",
    "人事科": "section",
    "纪检监察组": "section",
    "市职业介绍服务中心": "centre",
    "就业创业服务中心": "centre",
    "各县(市、区)人社局": "county_bureau",
    "国资局": "external",
    "工商联": "external",
    "工会": "external",
    "妇联": "external",
    "医疗保障部门": "external",
    "法院": "external",
    "市委宣传部": "external",
    "市网信办": "external",
}

# Clause → requirement IDs, as the brief and the requirements catalogue give them.
GENERAL_CLAUSES = {
    "general.2.1": "M1,M2,M3,M4,M5",
    "general.2.2": "M6,M7,M8,M9,M10",
    "general.3.3": "E1,E2,E3,E4,E5",
    "general.3.4": "E6",
    "general.3.5": "E7",
    "general.3.6": "E8",
    "general.3.7": "E9",
    "general.4.8": "S1",
    "general.5.9": "O1,O2",
    "general.5.10": "O3",
    "general.5.11": "O4",
}


@pytest.fixture
def organisation(regions):
    return organisation_load(path=ORGANISATION_JSON)


def city_group() -> WorkGroup:
    return WorkGroup.objects.get(region_id="410400")


def name_of(unit: Unit | None) -> str | None:
    return unit.name if unit is not None else None


def bureau_of(region_code: str) -> Unit:
    bureau = WorkGroup.objects.get(region_id=region_code).office_location
    assert bureau is not None
    return bureau


def test_city_work_group_has_its_office_head_and_leaders(organisation):
    group = city_group()
    assert group.name == "平顶山市人力资源和社会保障局稳就业(防范大规模裁员和失业风险)工作专班"
    assert name_of(group.office_location) == "就业促进局"
    assert set(group.office_units.values_list("name", flat=True)) == {
        "就业促进局",
        "办公室",
        "政策法规科",
    }
    assert group.duty_24h
    top = Member.objects.filter(work_group=group, working_group=None)
    assert set(top.values_list("position", flat=True)) == {"head", "leader"}
    assert top.get(position="head").name == "局主要负责同志"


def test_seven_working_groups_in_the_seed_order_with_their_lead_units(organisation):
    groups = list(WorkingGroup.objects.filter(work_group=city_group()).order_by("sort_order"))
    assert [
        (g.code, g.name, g.lead_unit.name if g.lead_unit else None) for g in groups
    ] == WORKING_GROUPS
    assistance = WorkingGroup.objects.get(code="unemployed_assistance")
    assert "对各地失业保险政策落实情况进行督促检查" in assistance.duties
    assert list(
        WorkingGroup.objects.get(code="key_region_assistance")
        .units.order_by("name")
        .values_list("name", flat=True)
    ) == sorted(
        [
            "农民工工作科",
            "办公室",
            "人力资源流动管理科",
            "就业促进局",
            "职业能力建设科",
            "劳动关系科",
            "失业保险科",
            "市人才交流中心",
            "市失业保险管理中心",
            "市职业介绍服务中心",
            "就业创业服务中心",
        ]
    )


def test_every_named_member_is_present_with_the_seed_title(organisation):
    for code, expected in NAMED_MEMBERS.items():
        members = Member.objects.filter(working_group__code=code).order_by("sort_order")
        assert [(m.position, m.name, m.title) for m in members] == expected, code
    unit_of = {
        m.name: name_of(m.unit)
        for m in Member.objects.filter(working_group__code="layoff_response")
    }
    assert unit_of["王晶"] == "市人才交流中心"
    assert unit_of["赵伟星"] == "就业促进局"
    zhou = Member.objects.get(working_group__code="incident_handling", name="周闯")
    assert name_of(zhou.unit) == "劳动保障监察支队"
    assert (
        Member.objects.get(working_group__code="unemployed_assistance", name="陈文政").unit is None
    )
    names = set(Member.objects.values_list("name", flat=True))
    assert not any(" " in n or "\u3000" in n for n in names)


def test_responsible_units_of_the_seed_are_all_there_with_their_kind(organisation):
    city_units = Unit.objects.filter(region_id="410400")
    assert city_units.count() >= 25
    for name, kind in SEED_UNITS.items():
        assert Unit.objects.get(name=name).kind == kind, name
    assert Unit.objects.get(name="省人社厅").region_id == "410000"


def test_one_county_work_group_per_county_and_zone(organisation):
    counties = Region.objects.filter(level__in=["county", "zone"])
    assert counties.count() == 12
    for region in counties:
        group = WorkGroup.objects.get(region=region)
        bureau = bureau_of(region.code)
        assert group.duty_24h
        assert bureau.kind == "county_bureau"
        assert bureau.region_id == region.code
        head = group.members.get(position="head")
        assert head.title.startswith(bureau.name)
    assert WorkGroup.objects.count() == 13
    assert bureau_of("410471").name == "平顶山高新技术产业开发区人力资源管理局"
    assert bureau_of("410421").name == "宝丰县人力资源和社会保障局"
    assert not WorkGroup.objects.filter(region_id="410421100").exists()  # townships have none


def test_clauses_carry_their_units_in_seed_order_first_is_lead(organisation):
    for code, ids in GENERAL_CLAUSES.items():
        assert Clause.objects.get(code=code).requirement_ids == ids

    def units(code: str) -> list[str]:
        return [
            cu.unit.name for cu in ClauseUnit.objects.filter(clause__code=code).order_by("order")
        ]

    assert units("general.3.3")[0] == "劳动关系科"
    assert units("general.3.6") == [
        "劳动保障监察局",
        "劳动保障监察支队",  # the seed's 监察支队
        "信访工作科",
        "政策法规科",
        "就业促进局",
        "劳动关系科",
        "调解仲裁管理科",
        "市人事考试中心",
    ]
    assert units("general.5.11")[0] == "纪检监察组"
    assert len(units("general.3.7")) == 18
    assert units("layoff.3.2.1") == ["失业保险科", "各县(市、区)人社局"]
    assert units("layoff.3.3.6") == [
        "办公室",
        "失业保险科",
        "劳动关系科",
        "调解仲裁管理科",
        "政策法规科",
        "电子政务中心",
        "各县(市、区)人社局",
    ]
    assert units("incident.4.2")[0] == "劳动保障监察局"
    assert units("assistance.4.1")[0] == "失业保险科"
    layoff_items = [f"layoff.3.2.{i}" for i in (1, 2, 3)] + [f"layoff.3.3.{i}" for i in range(1, 7)]
    assert Clause.objects.filter(code__in=layoff_items).count() == 9
    assert Clause.objects.count() == 25


def test_every_organisation_record_is_audited(organisation):
    for model in (Unit, WorkGroup, WorkingGroup, Member, Clause):
        label = model._meta.label_lower
        assert events(label, Event.Action.CREATE).count() == model.objects.count(), label
    clause = Clause.objects.get(code="general.4.8")
    created = events("core.clause").get(object_id=str(clause.pk))
    assert created.changes["units"][1][0] == "就业促进局"


def test_organisation_load_twice_changes_nothing(organisation):
    before = Event.objects.count()
    again = organisation_load(path=ORGANISATION_JSON)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again
    assert again["members"]["unchanged"] == Member.objects.count()
    assert Event.objects.count() == before


def test_reload_keeps_a_filled_in_placeholder_but_restores_a_named_member(organisation):
    head = Member.objects.get(work_group=city_group(), position="head")
    head.name = "张三"
    head.save()
    named = Member.objects.get(working_group__code="incident_handling", name="黄炜")
    named.title = "错误职务"
    named.save()

    result = organisation_load(path=ORGANISATION_JSON)

    assert Member.objects.get(pk=head.pk).name == "张三"
    assert Member.objects.get(pk=named.pk).title == "信访工作科负责人"
    assert result["members"]["updated"] == 1
    assert events("core.member", Event.Action.UPDATE).get().changes == {
        "title": ["错误职务", "信访工作科负责人"]
    }


def test_a_changed_clause_unit_list_is_synced_and_audited(organisation, tmp_path):
    doc = json.loads(ORGANISATION_JSON.read_text(encoding="utf-8"))
    clause = next(c for c in doc["clauses"] if c["code"] == "general.5.10")
    clause["units"] = ["失业保险科", "就业促进局"]  # reordered, two dropped
    organisation_load(
        path=write(tmp_path, "organisation.json", json.dumps(doc, ensure_ascii=False))
    )
    rows = ClauseUnit.objects.filter(clause__code="general.5.10").order_by("order")
    assert [r.unit.name for r in rows] == ["失业保险科", "就业促进局"]
    event = events("core.clause", Event.Action.UPDATE).get()
    assert event.changes["units"][1] == ["失业保险科", "就业促进局"]


def test_an_unknown_unit_or_kind_changes_nothing(regions, tmp_path):
    doc = json.loads(ORGANISATION_JSON.read_text(encoding="utf-8"))
    doc["clauses"][0]["units"].append("不存在的科")
    doc["units"][0]["kind"] = "ministry"
    with pytest.raises(ReferenceDataError) as error:
        organisation_load(
            path=write(tmp_path, "organisation.json", json.dumps(doc, ensure_ascii=False))
        )
    text = str(error.value)
    assert "clauses[0].units[15]" in text and "不存在的科" in text
    assert "units[0].kind" in text
    assert Unit.objects.count() == 0
    assert Event.objects.filter(object_type__in=["core.unit", "core.clause"]).count() == 0


def test_organisation_needs_the_regions_first(db):
    with pytest.raises(ReferenceDataError, match="请先加载 regions.csv"):
        organisation_load(path=ORGANISATION_JSON)


def test_every_organisation_record_names_its_source():
    doc = json.loads(ORGANISATION_JSON.read_text(encoding="utf-8"))
    records = [
        *doc["units"],
        doc["work_group"],
        *doc["work_group"]["members"],
        *doc["work_group"]["working_groups"],
        *(m for g in doc["work_group"]["working_groups"] for m in g["members"]),
        doc["county_work_groups"],
        *doc["clauses"],
    ]
    assert all(r.get("source") for r in records)


# --- Everything at once -------------------------------------------------------------------


def test_reference_load_loads_regions_organisation_and_policy_all_or_nothing(db, tmp_path):
    first = reference_load(city_dir=CITY_DIR, policy_files=packaged_policy_files())
    assert first["regions"]["created"] == 14 + 148  # regions.csv and townships.csv
    assert first["working_groups"]["created"] == 7
    assert first["policy_parameters"]["created"] == PolicyParameter.objects.count() > 40
    again = reference_load(city_dir=CITY_DIR, policy_files=packaged_policy_files())
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again

    # A bad policy file rolls back the regions and organisation loaded in the same call.
    city = tmp_path / "city"
    city.mkdir()
    (city / "regions.csv").write_text(
        REGIONS_CSV.read_text(encoding="utf-8") + "410423100,某镇,township,410423,1\n",
        encoding="utf-8",
    )
    (city / "organisation.json").write_text(
        ORGANISATION_JSON.read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad_policy = write(tmp_path, "bad.json", json.dumps({"parameters": [{"key": "Bad Key"}]}))
    with pytest.raises(ReferenceDataError):
        reference_load(city_dir=city, policy_files=[bad_policy])
    assert not Region.objects.filter(code="410423100").exists()


def test_reference_command_defaults_to_the_packaged_city_and_policy(db):
    out = StringIO()
    call_command("reference", "load", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {
        "regions",
        "units",
        "work_groups",
        "working_groups",
        "members",
        "clauses",
        "policy_parameters",
    }
    assert result["work_groups"]["created"] == 13

    text = StringIO()
    call_command("reference", "load", "--policy", str(packaged_policy_files()[0]), stdout=text)
    assert "区划:新增 0,修改 0,未变 162" in text.getvalue()  # 14 + 148 townships


def test_reference_command_reports_a_missing_folder_with_status_2(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("reference", "load", "--city", str(tmp_path / "nowhere"), stdout=StringIO())
    assert error.value.returncode == 2
    assert "目录不存在" in str(error.value)
