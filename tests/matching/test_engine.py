"""The matching engine: each hard filter at its boundary, reasons, ranking, both directions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from wenjiuye.matching.engine import match
from wenjiuye.matching.filters import pair_reasons
from wenjiuye.matching.params import MatchParams, params_from_policy_files

POLICY_DIR = Path(__file__).resolve().parents[2] / "src" / "wenjiuye" / "reference" / "policy"
ON = date(2022, 11, 15)  # the partner cities (K4) are in force from 2022-10-14


@pytest.fixture(scope="module")
def params() -> MatchParams:
    return params_from_policy_files(sorted(POLICY_DIR.glob("*.json")), on=ON)


def person(**kw) -> dict:
    base = {
        "person_id": "P1",
        "region_code": "410421",
        "education": "高中",
        "age": 40,
        "desired_job": "电工",
        "skills": "电工",
        "accepts_migration": False,
    }
    return base | kw


def posting(**kw) -> dict:
    base = {
        "posting_id": "V1",
        "region_code": "410421",
        "city": None,
        "education_min": "初中",
        "age_max": 45,
        "posted_on": date(2022, 11, 1),
        "closes_on": date(2022, 12, 1),
        "title": "维修电工",
        "occupation": "电工",
        "description": "负责厂区供配电设备巡检和维修",
        "openings": 2,
    }
    return base | kw


def ranked(params: MatchParams, p: dict, vs: list[dict], on: date = ON) -> list[str]:
    return match([p], vs, params=params, on=on).top_ids()["P1"]


def reason(params: MatchParams, p: dict, v: dict, name: str, on: date = ON) -> dict:
    return next(r for r in pair_reasons(p, v, params=params, on=on) if r["filter"] == name)


def test_parameters_come_from_the_policy_files(params: MatchParams) -> None:
    assert params.top == 10
    assert params.commute_prefix == 4
    assert set(params.partner_cities) == {
        "绍兴市",
        "东莞市",
        "台州市",
        "嘉兴市",
        "威海市",
        "黄石市",
    }
    assert {c["key"] for c in params.cites} >= {
        "matching.education.levels",
        "key_region.partner_cities",
        "matching.top_n",
    }
    # Before the plan (2022-10-14) no partner city is in force.
    early = params_from_policy_files(sorted(POLICY_DIR.glob("*.json")), on=date(2022, 10, 13))
    assert early.partner_cities == ()


def test_age_equal_to_the_maximum_passes_one_more_is_rejected(params: MatchParams) -> None:
    v = posting(age_max=45)
    assert ranked(params, person(age=45), [v]) == ["V1"]
    assert ranked(params, person(age=46), [v]) == []
    assert reason(params, person(age=45), v, "age") == {
        "filter": "age",
        "passed": True,
        "text": "年龄 45 岁 ≤ 上限 45 岁",
    }
    assert reason(params, person(age=46), v, "age")["passed"] is False
    assert ranked(params, person(age=70), [posting(age_max=None)]) == ["V1"]
    assert reason(params, person(age=None), v, "age")["text"] == "本人年龄未知,未按年龄筛选"


def test_education_equal_passes_lower_is_rejected(params: MatchParams) -> None:
    v = posting(education_min="高中")
    assert ranked(params, person(education="高中"), [v]) == ["V1"]
    assert ranked(params, person(education="中专"), [v]) == ["V1"]  # same level
    assert ranked(params, person(education="初中"), [v]) == []
    assert reason(params, person(education="初中"), v, "education") == {
        "filter": "education",
        "passed": False,
        "text": "学历 初中 < 要求 高中",
    }
    assert ranked(params, person(education="研究生"), [posting(education_min="本科")]) == ["V1"]
    # Unknown = no filter, and said so.
    assert ranked(params, person(education=""), [posting(education_min="博士")]) == ["V1"]
    unknown = reason(params, person(education=""), posting(education_min="博士"), "education")
    assert unknown["passed"] and "未按学历筛选" in unknown["text"]
    assert reason(params, person(), posting(education_min="不限"), "education")["text"] == (
        "岗位学历不限"
    )


def test_closing_today_is_open_closed_yesterday_is_not(params: MatchParams) -> None:
    assert ranked(params, person(), [posting(closes_on=ON)]) == ["V1"]
    assert ranked(params, person(), [posting(closes_on=date(2022, 11, 14))]) == []
    assert ranked(params, person(), [posting(posted_on=ON)]) == ["V1"]
    assert ranked(params, person(), [posting(posted_on=date(2022, 11, 16))]) == []
    assert (
        reason(params, person(), posting(closes_on=date(2022, 11, 14)), "open")["passed"] is False
    )
    # No closing date: open for the policy's days after posting.
    days = params.open_days
    posted = date.fromordinal(ON.toordinal() - days)
    assert ranked(params, person(), [posting(posted_on=posted, closes_on=None)]) == ["V1"]
    older = date.fromordinal(ON.toordinal() - days - 1)
    assert ranked(params, person(), [posting(posted_on=older, closes_on=None)]) == []


def test_area_county_commute_and_partner_city(params: MatchParams) -> None:
    same_city = posting(posting_id="V2", region_code="410402")
    other_city = posting(posting_id="V3", region_code="411102")
    partner = posting(posting_id="V4", region_code=None, city="绍兴市")
    vs = [posting(), same_city, other_city, partner]
    assert ranked(params, person(), vs) == ["V1", "V2"]  # own county first (bonus)
    assert ranked(params, person(accepts_migration=True), vs)[:2] == ["V1", "V2"]
    assert set(ranked(params, person(accepts_migration=True), vs)) == {"V1", "V2", "V4"}
    assert reason(params, person(), posting(), "area")["text"].startswith("同县")
    assert reason(params, person(), same_city, "area")["text"].startswith("通勤范围")
    assert reason(params, person(), partner, "area") == {
        "filter": "area",
        "passed": False,
        "text": "劳务协作城市 绍兴市,但本人未表示愿意外出务工",
    }
    assert reason(params, person(), other_city, "area")["passed"] is False
    # A region code below the county (a township) is the same county.
    assert ranked(params, person(region_code="410421100"), [posting()]) == ["V1"]


def test_text_relevance_ranks_and_explains(params: MatchParams) -> None:
    vs = [
        posting(posting_id="COOK", title="厨师", occupation="中式烹调师", description="负责热菜"),
        posting(posting_id="ELEC", posted_on=date(2022, 10, 20)),
        posting(posting_id="WELD", title="电焊工", occupation="焊工", description="钢结构焊接"),
    ]
    result = match([person()], vs, params=params, on=ON)
    assert result.top_ids()["P1"][0] == "ELEC"  # older, but the only relevant one
    best = result.matches(0)[0]
    assert best.rank == 1 and "电工" in best.matched_terms and best.text_score > 0.1
    assert [r["filter"] for r in best.reasons] == ["open", "area", "education", "age", "text"]
    assert all(r["passed"] for r in best.reasons)
    assert "匹配词:电工" in best.reasons[-1]["text"]
    others = result.matches(0)[1:]
    assert [m.text_score for m in others] == [0.0, 0.0]
    assert "无共同关键词" in others[0].reasons[-1]["text"]


def test_both_directions_agree(params: MatchParams) -> None:
    persons = pd.DataFrame(
        [
            person(person_id="A", desired_job="电工", skills=""),
            person(person_id="B", desired_job="厨师", skills="面点制作"),
            person(person_id="C", desired_job="电工", age=50),  # too old for V1
        ]
    )
    vs = [posting(), posting(posting_id="V2", title="厨师", occupation="中式烹调师", age_max=None)]
    by_person = match(persons, vs, params=params, on=ON).top_ids()
    by_vacancy = match(persons, vs, params=params, on=ON, direction="vacancy").top_ids()
    assert by_person == {"A": ["V1", "V2"], "B": ["V2", "V1"], "C": ["V2"]}
    assert by_vacancy["V1"][:1] == ["A"] and "C" not in by_vacancy["V1"]
    assert by_vacancy["V2"][0] == "B" and set(by_vacancy["V2"]) == {"A", "B", "C"}


def test_top_limits_and_chunks_give_the_same_ranking(params: MatchParams) -> None:
    persons = [person(person_id=f"P{i}", age=20 + i % 30) for i in range(40)]
    vs = [posting(posting_id=f"V{j}", age_max=25 + j % 30, title="电工" if j % 3 else "厨师")
          for j in range(300)]  # fmt: skip
    a = match(persons, vs, params=params, on=ON, top=5, chunk=7)
    b = match(persons, vs, params=params, on=ON, top=5, chunk=1000)
    assert a.top_ids() == b.top_ids()
    assert all(len(x) == 5 for x in a.top_ids().values())
    for i in range(40):  # eligible = postings with age_max ≥ age
        age = 20 + i % 30
        assert a.eligible_counts[i] == sum(1 for j in range(300) if 25 + j % 30 >= age)


def test_baselines_use_the_same_filters(params: MatchParams) -> None:
    vs = [
        posting(posting_id="NEW", posted_on=date(2022, 11, 14), title="厨师"),
        posting(posting_id="OLD", posted_on=date(2022, 11, 2)),
        posting(posting_id="OUT", posted_on=date(2022, 11, 15), age_max=30),
    ]
    assert match([person()], vs, params=params, on=ON, method="recent").top_ids()["P1"] == [
        "NEW",
        "OLD",
    ]
    rand = match([person()], vs, params=params, on=ON, method="random", seed=3).top_ids()["P1"]
    assert sorted(rand) == ["NEW", "OLD"]
    with pytest.raises(ValueError):
        match([person()], vs, params=params, on=ON, method="magic")
