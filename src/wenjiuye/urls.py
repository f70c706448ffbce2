from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("wenjiuye.core.urls")),
    path("", include("wenjiuye.registry.urls")),
    path("", include("wenjiuye.monitoring.urls")),
    path("", include("wenjiuye.intake.urls")),
]
