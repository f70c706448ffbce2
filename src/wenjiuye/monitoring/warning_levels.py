"""Output 6, ``warnings`` (M11): every flag with its graded level Ⅰ..Ⅳ."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.crossmatches import CrossMatches
from wenjiuye.monitoring.ibis_helpers import period_label
from wenjiuye.monitoring.params import LEVEL_NAMES
from wenjiuye.monitoring.region_rules import RegionRules

CODE_NAMES_ZH: dict[str, str] = {
    "layoff_suspected": "疑似规模裁员",
    "si_arrears": "欠缴社保",
    "si_break": "断保",
    "wage_arrears": "欠薪",
    "frequent_disputes": "劳动争议频发",
    "stoppage": "停产停工",
    "bankruptcy": "破产",
    "output_drop": "产值下降",
    "export_drop": "出口额下降",
    "new_employment_falling": "新增就业持续下滑",
    "unemployment_rising": "失业率快速攀升",
    "layoff_enterprises_rising": "规模裁员企业增多",
    "returned_unemployed_rising": "返乡未就业人数持续上升",
    "registered_but_contributing": "登记失业期间仍正常缴费",
    "benefit_while_contributing": "领取失业待遇期间仍正常缴费",
    "unregistered_separation": "离职后未再就业也未失业登记",
    "at_risk_worker": "所在企业疑似规模裁员",
}


class Warnings(RegionRules, CrossMatches):
    """The enterprise flags, region flags and cross-matches as one graded list."""

    def warnings(self, period: str | None = None) -> ir.Table:
        """M11: every flag with its graded level Ⅰ..Ⅳ (red, orange, yellow, blue)."""
        ef = self._enterprise_flags
        rf = self._region_flags
        cm = self._crossmatches
        common = ["subject_type", "subject_id", "region_code", "uscc", "person_id", "pidx"]
        rest = ["code", "level", "evidence", "reason_zh", "params"]
        a = ef.select(
            subject_type=ibis.literal("enterprise"),
            subject_id=ef.uscc,
            region_code=ef.region_code,
            uscc=ef.uscc,
            person_id=ibis.null("string"),
            pidx=ef.pidx,
            **{c: ef[c] for c in rest},
        )
        b = rf.select(
            subject_type=rf.region_level,
            subject_id=rf.point_id.fill_null(rf.region_code),
            region_code=rf.region_code,
            uscc=ibis.null("string"),
            person_id=ibis.null("string"),
            pidx=rf.pidx,
            **{c: rf[c] for c in rest},
        )
        c = cm.select(
            subject_type=ibis.literal("person"),
            subject_id=cm.person_id,
            region_code=cm.region_code,
            uscc=cm.uscc,
            person_id=cm.person_id,
            pidx=cm.pidx,
            **{c: cm[c] for c in rest},
        )
        w = a.union(b, distinct=False).union(c, distinct=False)
        names = {k: v[0] for k, v in LEVEL_NAMES.items()}
        colours_zh = {k: v[1] for k, v in LEVEL_NAMES.items()}
        colours = {k: v[2] for k, v in LEVEL_NAMES.items()}
        out = w.select(
            *common[:5],
            period=period_label(w.pidx),
            code=w.code,
            code_zh=w.code.substitute(CODE_NAMES_ZH, else_=w.code),
            level=w.level,
            level_name=w.level.substitute(names, else_=ibis.null("string")),
            colour_zh=w.level.substitute(colours_zh, else_=ibis.null("string")),
            colour=w.level.substitute(colours, else_=ibis.null("string")),
            reason_zh=w.reason_zh,
            evidence=w.evidence,
            params=w.params,
            _pidx=w.pidx,
        )
        return self._finish(out, period, ["level", "subject_type", "subject_id", "code", "uscc"])
