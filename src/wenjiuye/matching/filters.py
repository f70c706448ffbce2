"""The hard filters of a person and a posting (open, area, education, age), twice: vectorised
over whole arrays for ranking (:func:`eligible`), and for one pair with the reason of each
(:func:`pair_reasons`). The two are the same rules; the module docstring of
``matching.engine`` states them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np

from wenjiuye.matching.cells import as_day, as_flag, as_number, as_text
from wenjiuye.matching.params import MatchParams


def eligible(
    p_county: Any,
    p_city: Any,
    p_mig: Any,
    p_edu: Any,
    p_age: Any,
    v_county: Any,
    v_city: Any,
    v_partner: Any,
    v_edu: Any,
    v_age: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(eligible, same county), broadcast over the shapes given."""
    same = p_county == v_county
    ok = same | (p_city == v_city) | (p_mig & v_partner) | (p_county < 0)
    ok &= (p_edu < 0) | (v_edu <= p_edu)
    ok &= (p_age < 0) | (p_age <= v_age)
    return ok, same


def pair_reasons(
    person: Mapping[str, Any], vacancy: Mapping[str, Any], *, params: MatchParams, on: date
) -> list[dict[str, Any]]:
    """Each hard filter for one person and one posting: ``{"filter", "passed", "text"}``.

    The same rules as :func:`eligible`, the vectorised filters of ``match``; a pair is eligible
    when every entry has ``passed``.
    """
    out: list[dict[str, Any]] = []
    # open
    posted, closes = as_day(vacancy.get("posted_on")), as_day(vacancy.get("closes_on"))
    last: date | None = closes
    if closes is None and posted is not None:
        last = posted + timedelta(days=params.open_days)
        ok = posted <= on <= last
        text = f"发布于 {posted},无截止日期,按发布后 {params.open_days} 天内在招计"
    else:
        ok = posted is not None and last is not None and posted <= on <= last
        text = f"在招:发布 {posted} ≤ {on} ≤ 截止 {last}"
    if not ok:
        text = f"不在招:发布 {posted},截止 {last},匹配日 {on}"
    out.append({"filter": "open", "passed": ok, "text": text})
    # area
    p_code = as_text(person.get("region_code"))
    v_code = as_text(vacancy.get("region_code"))
    v_city = as_text(vacancy.get("city"))
    mig = as_flag(person.get("accepts_migration"))
    n = params.commute_prefix
    p_ok = len(p_code) >= 6 and p_code[:6].isdigit()
    v_ok = len(v_code) >= 6 and v_code[:6].isdigit()
    if not p_ok:
        ok, text = True, "本人常住地未知,未按地域筛选"
    elif v_ok and p_code[:6] == v_code[:6]:
        ok, text = True, f"同县:岗位 {v_code[:6]},本人常住 {p_code[:6]}"
    elif v_ok and p_code[:n] == v_code[:n]:
        ok, text = True, f"通勤范围(区划代码前 {n} 位相同):岗位 {v_code[:6]},本人常住 {p_code[:6]}"
    elif not v_ok and params.is_partner(v_city):
        ok = mig
        text = (
            f"劳务协作城市 {v_city},本人愿意外出务工"
            if mig
            else f"劳务协作城市 {v_city},但本人未表示愿意外出务工"
        )
    else:
        ok, text = False, f"不在通勤范围:岗位 {v_code or v_city or '未知'},本人常住 {p_code[:6]}"
    out.append({"filter": "area", "passed": ok, "text": text})
    # education
    p_edu, v_edu = as_text(person.get("education")), as_text(vacancy.get("education_min"))
    pr, vr = params.education_rank(p_edu), params.education_rank(v_edu)
    if vr is None:
        ok = True
        text = (
            "岗位学历不限"
            if v_edu in ("", "不限", "学历不限")
            else f"岗位学历要求“{v_edu}”无法识别,未按学历筛选"
        )
    elif pr is None:
        ok, text = True, f"本人学历未知({p_edu or '空'}),未按学历筛选"
    else:
        ok = pr >= vr
        text = f"学历 {p_edu} {'≥' if ok else '<'} 要求 {v_edu}"
    out.append({"filter": "education", "passed": ok, "text": text})
    # age
    age, age_max = as_number(person.get("age")), as_number(vacancy.get("age_max"))
    if age_max is None:
        ok, text = True, "岗位无年龄上限"
    elif age is None:
        ok, text = True, "本人年龄未知,未按年龄筛选"
    else:
        ok = int(age) <= int(age_max)
        text = f"年龄 {int(age)} 岁 {'≤' if ok else '>'} 上限 {int(age_max)} 岁"
    out.append({"filter": "age", "passed": ok, "text": text})
    return out
