from django.urls import path

from wenjiuye.deadlines import views

urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadline-list"),
    path("deadlines/overdue/", views.deadline_overdue, name="deadline-overdue"),
    path("deadlines/<int:pk>/", views.deadline_detail, name="deadline-detail"),
    path(
        "deadlines/<int:pk>/complete/",
        views.deadline_close,
        {"action": "complete"},
        name="deadline-complete",
    ),
    path(
        "deadlines/<int:pk>/cancel/",
        views.deadline_close,
        {"action": "cancel"},
        name="deadline-cancel",
    ),
]
