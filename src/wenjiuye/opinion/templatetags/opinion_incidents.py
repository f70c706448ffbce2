"""``{% incident_opinion incident %}``: the public-opinion panel of an incident's page (I6), its
linked items and the suggested ones, with the link and unlink controls when ``may_write`` is true
in the page's context. The incident page loads it by name: incidents import nothing of opinion."""

from __future__ import annotations

from typing import Any

from django import template

from wenjiuye.incidents.models import Incident
from wenjiuye.opinion.forms import OpinionLinkForm
from wenjiuye.opinion.selectors import linked_opinion, suggested_opinion

register = template.Library()


@register.inclusion_tag("opinion/incident_panel.html", takes_context=True)
def incident_opinion(context: template.Context, incident: Incident) -> dict[str, Any]:
    user = context["request"].user
    return {
        "incident": incident,
        "may_write": context.get("may_write", False),
        "opinion_items": linked_opinion(user=user, incident=incident),
        "opinion_suggestions": suggested_opinion(user=user, incident=incident),
        "form": OpinionLinkForm(),
    }
