"""URLs of the county inspection (U8); included by the project under the namespace
``inspection``."""

from django.urls import path

from wenjiuye.assistance import inspection_views as views

app_name = "inspection"

urlpatterns = [
    path("assistance/inspection/", views.table, name="table"),
    path("assistance/inspection/export.xlsx", views.xlsx, name="xlsx"),
    path("assistance/inspection/<str:county_code>/", views.detail, name="detail"),
]
