from django.urls import path

from wenjiuye.intake import views

urlpatterns = [
    path("intake/", views.upload, name="intake-upload"),
    path("intake/batches/<int:pk>/report/", views.reject_report, name="intake-report"),
]
