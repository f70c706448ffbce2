"""The data contract (docs/spec/data-contract.md) as data: kinds, columns, Chinese headers, types.

A file's kind is told by the user or detected from its header: the kind whose required
columns are all present (by English or Chinese name) and which matches the most columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: str  # str, uscc, person_id, region, period, date, count, amount, flag, enum, phone
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # accepted value -> canonical value
    aliases: tuple[str, ...] = ()


def _enum(*pairs: tuple[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, zh in pairs:
        out[canonical] = canonical
        out[zh] = canonical
    return out


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    columns: tuple[Column, ...]
    one_of: tuple[str, ...] = ()  # at least one of these columns must be present and filled

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def header_map(self) -> dict[str, str]:
        """Every accepted header spelling -> canonical column name."""
        out: dict[str, str] = {}
        for c in self.columns:
            for spelling in (c.name, c.zh, *c.aliases):
                out[normalise_header(spelling)] = c.name
        return out


def normalise_header(text: str) -> str:
    return (
        text.strip()
        .lstrip("\ufeff")
        .strip()
        .lower()
        .replace(" ", "")
        .replace("(", "(")
        .replace(")", ")")
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "enterprises",
            "企业",
            (
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column("name", "单位名称", "str", True),
                Column("region_code", "行政区划代码", "region", True),
                Column("industry", "行业代码", "str"),
                Column("employees", "职工总数", "count"),
                Column("export_oriented", "外贸企业", "flag"),
            ),
        ),
        Kind(
            "si_contributions",
            "社保缴费",
            (
                Column("period", "费款所属期", "period", True),
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column("person_id", "公民身份号码", "person_id", True),
                Column("base", "缴费基数", "amount", True),
                Column(
                    "status", "缴费状态", "enum", True, _enum(("paid", "已缴"), ("arrears", "欠缴"))
                ),
                Column("name", "姓名", "str"),
            ),
        ),
        Kind(
            "employment_filings",
            "用工备案",
            (
                Column("person_id", "公民身份号码", "person_id", True),
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column(
                    "kind",
                    "备案类型",
                    "enum",
                    True,
                    _enum(("hire", "录用"), ("separation", "解除终止")),
                ),
                Column("date", "日期", "date", True),
                Column("reason", "原因", "str"),
            ),
        ),
        Kind(
            "unemployment_registrations",
            "失业登记",
            (
                Column("person_id", "公民身份号码", "person_id", True),
                Column("name", "姓名", "str", True),
                Column(
                    "region_code",
                    "常住地",
                    "region",
                    True,
                    aliases=("常住地区划代码", "行政区划代码"),
                ),
                Column("registered_on", "登记日期", "date", True),
                Column("phone", "联系电话", "phone", aliases=("手机号", "电话")),
                Column("reason", "失业原因", "str", aliases=("原因",)),
                Column("education", "学历", "str"),
                Column("skills", "技能", "str"),
                Column("health", "身体状况", "str"),
                Column("wants_training", "培训意愿", "flag"),
                Column("desired_job", "求职意向", "str"),
                Column("ended_on", "注销日期", "date"),
                Column("end_reason", "注销原因", "str"),
            ),
        ),
        Kind(
            "benefit_payments",
            "待遇发放",
            (
                Column("person_id", "公民身份号码", "person_id", True),
                Column("period", "发放所属期", "period", True, aliases=("所属期", "期间")),
                Column(
                    "kind",
                    "待遇类型",
                    "enum",
                    True,
                    _enum(
                        ("ui_benefit", "失业保险金"),
                        ("subsidy", "失业补助金"),
                        ("temp_allowance", "临时生活补助"),
                    ),
                ),
                Column("amount", "金额", "amount", True, aliases=("发放金额",)),
            ),
        ),
        Kind(
            "job_postings",
            "岗位",
            (
                Column("posting_id", "岗位编号", "str", True),
                Column("employer_name", "招聘单位", "str", True, aliases=("单位名称",)),
                Column("title", "岗位名称", "str", True),
                Column("region_code", "行政区划代码", "region", aliases=("工作地区划代码",)),
                Column("city", "城市", "str", aliases=("工作城市",)),
                Column("openings", "招聘人数", "count", True),
                Column("posted_on", "发布日期", "date", True),
                Column("uscc", "统一社会信用代码", "uscc"),
                Column("occupation", "职业", "str"),
                Column("salary_min", "最低月薪", "amount", aliases=("薪酬下限",)),
                Column("salary_max", "最高月薪", "amount", aliases=("薪酬上限",)),
                Column("education_min", "学历要求", "str"),
                Column("age_max", "年龄上限", "count"),
                Column("closes_on", "截止日期", "date"),
                Column("description", "岗位描述", "str"),
            ),
            one_of=("region_code", "city"),
        ),
        Kind(
            "labour_cases",
            "劳动案件",
            (
                Column("case_id", "案件编号", "str", True),
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column(
                    "kind",
                    "案件类型",
                    "enum",
                    True,
                    _enum(
                        ("wage_arrears", "欠薪"),
                        ("dispute", "劳动争议"),
                        ("complaint", "投诉举报"),
                        ("petition", "信访"),
                    ),
                ),
                Column("people", "涉及人数", "count", True),
                Column("filed_on", "立案日期", "date", True, aliases=("受理日期",)),
                Column("closed_on", "结案日期", "date"),
                Column("summary", "案情摘要", "str", aliases=("摘要",)),
            ),
        ),
        Kind(
            "enterprise_events",
            "企业状态变化",
            (
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column("date", "日期", "date", True),
                Column(
                    "kind",
                    "事件类型",
                    "enum",
                    True,
                    _enum(
                        ("stoppage", "停产停工"),
                        ("resumed", "复工复产"),
                        ("bankruptcy", "破产"),
                        ("relocation", "搬迁"),
                    ),
                ),
                Column("note", "备注", "str"),
            ),
        ),
        Kind(
            "enterprise_operations",
            "企业经营数据",
            (
                Column("period", "所属期", "period", True, aliases=("统计期",)),
                Column("uscc", "统一社会信用代码", "uscc", True),
                Column("output_value", "产值", "amount"),
                Column("export_value", "出口额", "amount"),
                Column("orders_index", "订单指数", "amount"),
                Column("electricity", "用电量", "amount"),
            ),
            one_of=("output_value", "export_value", "orders_index", "electricity"),
        ),
        Kind(
            "monitoring_point_reports",
            "村级监测点报告",
            (
                Column("point_id", "监测点编号", "str", True),
                Column("region_code", "行政区划代码", "region", True),
                Column("period", "所属期", "period", True),
                Column("outbound", "外出务工人数", "count", True),
                Column("returned", "返乡人数", "count", True),
                Column("returned_unemployed", "返乡未就业人数", "count", True),
            ),
        ),
    ]
}


def detect_kind(headers: list[str]) -> str | None:
    """The kind whose required columns the header has, preferring the most matched columns."""
    normalised = {normalise_header(h) for h in headers}
    best: tuple[int, str] | None = None
    for kind in KINDS.values():
        mapping = kind.header_map()
        present = {mapping[h] for h in normalised if h in mapping}
        if not all(c.name in present for c in kind.required):
            continue
        if kind.one_of and not present.intersection(kind.one_of):
            continue
        score = len(present)
        if best is None or score > best[0]:
            best = (score, kind.name)
    return best[1] if best else None
