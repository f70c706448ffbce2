from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: the families of deadline kinds (``selectors.kind_family``) the apps above create, by name.
#: Deadlines know no app above them; the kinds are the strings those apps pass to
#: ``services.deadline_create``.
KIND_NAMES = {
    "layoff.explain": _("提前向工会或全体职工说明情况"),
    "layoff.report_bureau": _("裁减人员方案向人社部门报告"),
    "layoff.retain_first": _("优先留用"),
    "layoff.rehire_priority": _("优先招用被裁减人员"),
    "layoff.early_intervention": _("提前介入、指导依法制定裁员方案"),
    "layoff.report_party_government": _("向当地党委政府报告"),
    "layoff.job_fair": _("组织专场对接招聘会"),
    "layoff.report_city": _("向市人社局报告规模裁员"),
    "layoff.report_province": _("向省人社厅报告规模裁员"),
    "layoff.roster_referral": _("外县裁员名册人员纳入帮扶台账"),
    "incident.report": _("报告群体性事件"),
    "incident.demand": _("办理群体性事件诉求"),
    "opinion.verify_report": _("核实转办舆情并报告"),
    "opinion.report_city": _("向市人社局报告裁员舆情"),
    "assistance.pending_review": _("确认网上失业登记"),
    "assistance.contact": _("联系失业人员"),
    "assistance.one_week": _("一周内解决就业问题"),
    "assistance.follow_up": _("就业后跟踪回访"),
    "inspection.reinspect": _("复查县(市、区)帮扶工作"),
}

#: a deadline's state in lists (``selectors.STATES``; "open": every one not closed)
STATE_NAMES = {
    "open": _("未办结"),
    "overdue": _("已逾期"),
    "soon": _("即将到期"),
    "later": _("待办"),
    "done": _("已完成"),
    "cancelled": _("已撤销"),
}


class DeadlinesConfig(AppConfig):
    name = "wenjiuye.deadlines"
    label = "deadlines"
    verbose_name = _("时限与督办")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.core.history import register_field  # noqa: PLC0415
        from wenjiuye.deadlines.models import DeadlineStep  # noqa: PLC0415
        from wenjiuye.deadlines.selectors import kind_family  # noqa: PLC0415

        labels.register("deadline_kind", KIND_NAMES)
        labels.register("deadline_kind", lambda kind: KIND_NAMES.get(kind_family(str(kind))))
        labels.register("deadline_kind", dict(DeadlineStep.Kind.choices))  # a step's kind
        labels.register("deadline_status", STATE_NAMES)
        labels.register("deadline_tier", dict(DeadlineStep.Tier.choices))
        # what a deadline's events record of a step that fired (services.fire_step)
        d = "deadlines.deadline"
        register_field(d, "kind", "deadline_kind")
        register_field(d, "tier", "deadline_tier", _("通知对象"))
        register_field(d, "recipients", "user", _("已通知"))
        register_field(d, "step", name=_("提醒督办步骤"))
        register_field(d, "seq", name=_("级次"))
