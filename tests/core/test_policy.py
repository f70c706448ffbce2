"""Policy parameters: the plan's numbers checked against the seed, lookup by date, change, CLI."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import Event, PolicyParameter
from wenjiuye.core.policy import policy_get, policy_set, policy_value
from wenjiuye.core.reference import PACKAGED_POLICY_DIR, packaged_policy_files
from wenjiuye.core.reference_files import ReferenceDataError
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "pingdingshan-1plus4-plan-2022.txt"
# The plan is kept in the repository (docs/spec/seed/) so that this check can never be skipped.
SEED_CANDIDATES = [
    Path(os.environ.get("WENJIUYE_SEED", ROOT / "docs" / "spec" / "seed" / SEED_NAME))
]

# The seed's own documents (sources whose source_text is quoted from the seed) and the
# product defaults (whose source_text quotes the seed clause they implement). Any other
# source must be a law, written 《…》, and quotes the law.
SEED_DOCUMENTS = (
    "总体预案",
    "失业人员帮扶预案",
    "规模裁员应对预案",
    "突发事件处置预案",
    "重点地区援助预案",
)
PRODUCT_DEFAULT = "产品默认值(可调整)"

# The seed is OCR output. Besides deleting whitespace, only these garbles are undone:
# "挟" is the OCR of "扶" throughout (帮挟 = 帮扶, 挟贫 = 扶贫, 挟持 = 扶持), and the art. 41
# definition reads "二十人能上" for "二十人以上".
OCR_FIXES = {"挟": "扶", "二十人能上": "二十人以上"}


def normalise(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    for wrong, right in OCR_FIXES.items():
        text = text.replace(wrong, right)
    return text


@pytest.fixture(scope="module")
def seed() -> str:
    for path in SEED_CANDIDATES:
        if path.is_file():
            return normalise(path.read_text(encoding="utf-8"))
    pytest.fail(f"seed {SEED_NAME} not found (set WENJIUYE_SEED)")


def packaged_parameters() -> list[dict]:
    out = []
    for path in packaged_policy_files():
        out += json.loads(path.read_text(encoding="utf-8"))["parameters"]
    return out


@pytest.fixture
def loaded(db):
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for path in packaged_policy_files():
        for k, v in policy_load(path=path)["policy_parameters"].items():
            counts[k] += v
    return counts


def in_clause(version: PolicyParameter, requirement: str) -> bool:
    return requirement in version.clause.split(",")


# --- The seed's numbers -------------------------------------------------------------------

# (value, requirement ID, the seed's words around it)
SEED_NUMBERS = [
    (20, "L1", "二十人以上"),
    (0.10, "L1", "百分之十以上"),
    (50, "E3", "涉及50人以上"),
    (50, "L2", "涉及50人以上"),
    (50, "E8", "50人以上群体性事件"),
    (100, "E8", "100人以上的群体事件"),
    (100, "I8", "百人以上群体性事件"),
    (200, "E4", "超过200人"),
    (200, "L2", "200人以上"),
    (48, "E5", "48小时内"),
    (48, "L2", "48小时内"),
    (5, "I3", "不超过5人"),
    (360, "U3", "360元/月"),
    (260, "U3", "260元/月"),
    (180, "U3", "180元/月"),
    (260, "U3", "每月260元的临时生活补助"),
    (3, "U3", "3个月"),
    (12, "U3", "满1年"),
    (6, "U3", "满6个月"),
    (800, "K1", "800人以上"),
    (8, "M5", "8个村级监测点"),
    (7, "K8", "一周内"),
    (7, "S1", "每周"),
    (24, "O2", "24小时值守"),
]


@pytest.mark.parametrize(("value", "requirement", "words"), SEED_NUMBERS)
def test_each_number_of_the_seed_is_a_parameter_with_its_clause(
    seed, loaded, value, requirement, words
):
    assert words in seed
    matches = [
        v
        for v in PolicyParameter.objects.all()
        if v.value == value and in_clause(v, requirement) and words in normalise(v.source_text)
    ]
    assert matches, f"no parameter {value} for {requirement} quoting “{words}”"


def test_the_six_partner_cities(seed, loaded):
    cities = policy_value("key_region.partner_cities", on=date(2023, 1, 1))
    assert policy_get("key_region.partner_cities", on=date(2023, 1, 1)).clause == "K4"
    short = [c.removesuffix("市") for c in cities]
    assert short == ["绍兴", "东莞", "台州", "嘉兴", "威海", "黄石"]
    for city in cities:
        assert city in seed


def test_every_count_hours_and_yuan_amount_in_the_seed_is_a_parameter(seed):
    numbers = {int(n) for n in re.findall(r"(\d+)(?:人|小时|元)", seed)}
    assert numbers == {5, 24, 48, 50, 100, 180, 200, 260, 360, 800}
    values = {p["value"] for p in packaged_parameters() if isinstance(p["value"], int | float)}
    assert numbers <= values


def test_source_text_of_every_seed_parameter_is_the_seed_verbatim(seed):
    for p in packaged_parameters():
        source = p["source"]
        if source.startswith("《"):
            continue  # quotes a law, not the seed
        assert source.startswith(SEED_DOCUMENTS) or source == PRODUCT_DEFAULT, (p["key"], source)
        assert normalise(p["source_text"]) in seed, p["key"]


def test_law_parameters_quote_the_law_they_cite():
    law = {p["key"]: p for p in packaged_parameters() if p["source"].startswith("《")}
    assert "三十日" in law["layoff.art41.notice_days"]["source_text"]
    assert "六个月内重新招用" in law["layoff.art41.rehire_priority_months"]["source_text"]
    assert "三倍" in law["severance.art47.wage_cap_multiple"]["source_text"]
    assert "十二年" in law["severance.art47.capped_max_years"]["source_text"]
    assert "前十二个月的平均工资" in law["severance.art47.wage_base_months"]["source_text"]
    assert "满1年的" in law["ui.benefit.min_contribution_years"]["source_text"]
    for p in law.values():
        assert "劳动合同法" in p["source"] or "失业保险条例" in p["source"]


def test_dates_and_defaults_are_as_the_plan_and_law_give_them(loaded):
    def version(key: str) -> PolicyParameter:
        return PolicyParameter.objects.get(key=key)

    for key in (
        "layoff.art41.min_people",
        "layoff.art41.min_ratio",
        "severance.art47.capped_max_years",
    ):
        assert (version(key).effective_from, version(key).effective_to) == (date(2008, 1, 1), None)
    assert version("layoff.art41.min_ratio").value == 0.10
    assert version("layoff.art41.min_ratio").unit == "比例"
    assert version("layoff.report_city.exceeds_people").effective_from == date(2022, 10, 14)
    assert version("layoff.report_city.exceeds_people").effective_to is None
    assert "严格大于" in version("layoff.report_city.exceeds_people").note
    subsidy = version("unemployment_subsidy.monthly.high")
    assert (subsidy.effective_from, subsidy.effective_to) == (date(2022, 1, 1), date(2022, 12, 31))
    assert "平人社办〔2022〕52号" in subsidy.source
    assert version("ui.benefit.duration_bands").value == [
        {"min_years": 1, "max_months": 12},
        {"min_years": 5, "max_months": 18},
        {"min_years": 10, "max_months": 24},
    ]
    assert version("ui.benefit.duration_bands").effective_from == date(1999, 1, 22)
    defaults = PolicyParameter.objects.filter(source=PRODUCT_DEFAULT)
    assert {v.key: v.value for v in defaults}.items() >= {
        "monitoring.layoff_suspected.min_people_small_firm": 5,
        "monitoring.output_drop.min_ratio": 0.3,
        "monitoring.unregistered_separation.window_days": 60,
        "monitoring.frequent_disputes.min_cases": 3,
        "monitoring.frequent_disputes.window_days": 90,
        "monitoring.wage_arrears.lookback_days": 90,
        "monitoring.si_break.min_insured_last_month": 10,
        "monitoring.region_unemployment_rise.min_points": 0.5,
    }.items()
    monitoring = [v for v in defaults if v.key.startswith("monitoring.")]
    assert all(v.effective_from == date(2000, 1, 1) and v.clause[0] == "M" for v in monitoring)
    assert all(v.clause for v in defaults), "every product default cites the clause it implements"


# --- Lookup and change --------------------------------------------------------------------


def test_lookup_by_date(loaded):
    assert policy_value("unemployment_subsidy.monthly.high", on=date(2022, 6, 1)) == 360
    assert policy_value("unemployment_subsidy.monthly.low", on=date(2022, 12, 31)) == 180
    with pytest.raises(PolicyNotInForce):
        policy_value("unemployment_subsidy.monthly.high", on=date(2023, 1, 1))
    with pytest.raises(PolicyNotInForce):
        policy_value("layoff.early_intervention.min_people", on=date(2022, 10, 13))
    assert policy_value("layoff.early_intervention.min_people", on=date(2022, 10, 14)) == 50
    assert policy_value("layoff.art41.min_people", on=date(2030, 1, 1)) == 20


def test_policy_set_closes_the_old_version_and_audits(loaded, users):
    office = users[Role.CITY_OFFICE]
    new = policy_set(
        actor=office,
        key="layoff.early_intervention.min_people",
        value=30,
        effective_from=date(2024, 1, 1),
        note="测试",
    )
    old = PolicyParameter.objects.get(
        key="layoff.early_intervention.min_people", effective_from=date(2022, 10, 14)
    )
    assert old.effective_to == date(2023, 12, 31)
    assert (new.value, new.effective_to, new.clause) == (30, None, "E3,L2")
    assert policy_value("layoff.early_intervention.min_people", on=date(2023, 12, 31)) == 50
    assert policy_value("layoff.early_intervention.min_people", on=date(2024, 1, 1)) == 30
    audited = Event.objects.filter(object_type="core.policyparameter", actor=office)
    assert set(audited.values_list("action", flat=True)) == {
        Event.Action.UPDATE,
        Event.Action.CREATE,
    }
    assert audited.get(action=Event.Action.UPDATE).changes == {"effective_to": [None, "2023-12-31"]}


def test_policy_set_needs_the_edit_policy_capability(loaded, users):
    with pytest.raises(PermissionDenied):
        policy_set(
            actor=users[Role.LEADER],
            key="incident.max_representatives",
            value=3,
            effective_from=date(2024, 1, 1),
        )
    assert PolicyParameter.objects.filter(key="incident.max_representatives").count() == 1


# --- Loading ------------------------------------------------------------------------------


def test_loading_twice_creates_nothing_new(loaded):
    total = PolicyParameter.objects.count()
    assert loaded == {"created": total, "updated": 0, "unchanged": 0}
    assert (
        Event.objects.filter(object_type="core.policyparameter", action=Event.Action.CREATE).count()
        == total
    )
    for path in packaged_policy_files():
        again = policy_load(path=path)["policy_parameters"]
        assert again["created"] == again["updated"] == 0
    assert PolicyParameter.objects.count() == total
    assert Event.objects.filter(object_type="core.policyparameter").count() == total


def test_a_changed_value_in_the_file_updates_the_version(loaded, tmp_path):
    doc = json.loads((PACKAGED_POLICY_DIR / "henan-2022.json").read_text(encoding="utf-8"))
    entry = next(p for p in doc["parameters"] if p["key"] == "incident.max_representatives")
    entry["value"] = 6
    path = tmp_path / "henan-2022.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = policy_load(path=path)["policy_parameters"]
    assert result["updated"] == 1 and result["created"] == 0
    assert policy_value("incident.max_representatives", on=date(2023, 1, 1)) == 6
    event = Event.objects.get(object_type="core.policyparameter", action=Event.Action.UPDATE)
    assert event.changes == {"value": [5, 6]}


def test_reload_after_policy_set_keeps_the_successor(loaded, users):
    policy_set(
        actor=users[Role.CITY_OFFICE],
        key="duty.watch_hours",
        value=12,
        effective_from=date(2025, 1, 1),
    )
    for path in packaged_policy_files():
        policy_load(path=path)
    assert policy_value("duty.watch_hours", on=date(2024, 12, 31)) == 24
    assert policy_value("duty.watch_hours", on=date(2025, 1, 1)) == 12


def test_a_bad_policy_file_changes_nothing(db, tmp_path):
    good = packaged_parameters()[0]
    bad = [
        good,
        {**good, "key": "x.y", "label": "重复"},
        {**good, "key": "x.y", "label": "重复"},  # same key and date twice
        {**good, "key": "Not A Key"},
        {**good, "key": "a.b", "source_text": ""},
        {**good, "key": "a.c", "value": "三百六十"},
        {**good, "key": "a.d", "effective_from": "2022-13-01"},
        {**good, "key": "a.e", "effective_to": "2000-01-01"},
        {**good, "key": "a.f", "clause": "第一条"},
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"parameters": bad}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as error:
        policy_load(path=path)
    assert len(error.value.problems) == 7
    assert PolicyParameter.objects.count() == 0


def test_overlapping_versions_are_refused(db, tmp_path):
    base = next(p for p in packaged_parameters() if p["key"] == "incident.max_representatives")
    overlapping = [base, {**base, "effective_from": "2023-01-01", "value": 4}]  # base has no end
    path = tmp_path / "overlap.json"
    path.write_text(json.dumps({"parameters": overlapping}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="重叠"):
        policy_load(path=path)
    assert PolicyParameter.objects.count() == 0


# --- Command line -------------------------------------------------------------------------

LIST_FIELDS = {
    "key",
    "label",
    "value",
    "unit",
    "effective_from",
    "effective_to",
    "clause",
    "source",
    "source_text",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def test_policy_list_json_shape_and_filters(loaded):
    everything = json.loads(run("list", "--json"))
    assert len(everything) == PolicyParameter.objects.count()
    assert all(set(row) == LIST_FIELDS for row in everything)

    on_day = json.loads(
        run("list", "--on", "2022-06-01", "--key", "unemployment_subsidy.", "--json")
    )
    assert {r["key"]: r["value"] for r in on_day} == {
        "unemployment_subsidy.monthly.high": 360,
        "unemployment_subsidy.monthly.mid": 260,
        "unemployment_subsidy.monthly.low": 180,
        "unemployment_subsidy.high.min_months": 12,
        "unemployment_subsidy.mid.min_months": 6,
    }
    assert on_day[0]["effective_from"] == "2022-01-01"
    assert on_day[0]["effective_to"] == "2022-12-31"
    assert (
        json.loads(run("list", "--on", "2023-01-01", "--key", "unemployment_subsidy.", "--json"))
        == []
    )
    assert "layoff.art41.min_people = 20 人" in run("list", "--key", "layoff.art41")


def test_policy_set_command(loaded, users):
    result = json.loads(
        run(
            "set",
            "incident.max_representatives",
            "3",
            "--from",
            "2024-03-01",
            "--user",
            "office",
            "--json",
        )
    )
    assert set(result) == LIST_FIELDS
    assert (result["value"], result["effective_from"], result["effective_to"]) == (
        3,
        "2024-03-01",
        None,
    )
    assert policy_value("incident.max_representatives", on=date(2024, 2, 29)) == 5

    cities = '["绍兴市", "东莞市"]'
    run("set", "key_region.partner_cities", cities, "--from", "2024-01-01", "--user", "office")
    assert policy_value("key_region.partner_cities", on=date(2024, 1, 1)) == ["绍兴市", "东莞市"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["incident.max_representatives", "五", "--user", "office"], "不是合法的 JSON"),
        (["incident.max_representatives", "[5]", "--user", "office"], "取值类型应与现行版本一致"),
        (["incident.max_representatives", "3", "--user", "nobody"], "用户“nobody”不存在"),
        (["incident.max_representatives", "3", "--user", "leader"], "没有权限"),
        (["no.such_key", "3", "--user", "office"], "没有生效的版本"),
    ],
)
def test_policy_set_command_errors_exit_2(loaded, users, args, message):
    with pytest.raises(CommandError) as error:
        run("set", *args, "--from", "2024-01-01")
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert PolicyParameter.objects.filter(effective_from=date(2024, 1, 1)).count() == 0
