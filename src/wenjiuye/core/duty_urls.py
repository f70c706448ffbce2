"""URLs of the duty roster (值班表, O2); included by the project with the namespace "duty"."""

from django.urls import path

from wenjiuye.core import duty_views as views

app_name = "duty"

urlpatterns = [
    path("duty/", views.duty_list, name="list"),
    path("duty/new/", views.duty_create, name="create"),
    path("duty/<int:pk>/", views.duty_detail, name="detail"),
    path("duty/<int:pk>/reveal/", views.duty_reveal, name="reveal"),
    path("duty/<int:pk>/handover/", views.duty_handover, name="handover"),
    path("duty/<int:pk>/delete/", views.duty_delete, name="delete"),
]
