from django.contrib import admin
from django.urls import include, path

from wenjiuye.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("wenjiuye.core.urls")),
    path("", include("wenjiuye.core.duty_urls")),
    path("", include("wenjiuye.registry.urls")),
    # the enterprise file (/enterprises/<uscc>/): composes every part's records of an enterprise
    path("", include("wenjiuye.overview.urls")),
    path("", include("wenjiuye.monitoring.urls")),
    path("", include("wenjiuye.intake.urls")),
    path("", include("wenjiuye.deadlines.urls")),
    path("", include("wenjiuye.notify.urls")),
    path("", include("wenjiuye.response.urls")),
    # opinion first: it serves the opinion actions of an incident's page (incidents/<pk>/…-opinion/)
    path("", include("wenjiuye.opinion.urls")),
    path("", include("wenjiuye.incidents.urls")),
    path("", include("wenjiuye.assistance.urls")),
    path("", include("wenjiuye.assistance.inspection_urls")),
    path("", include("wenjiuye.matching.urls")),
    path("", include("wenjiuye.programmes.urls")),
    path("api/", api.urls),
]
