from django.urls import path

from wenjiuye.assistance import today_views, views

urlpatterns = [
    path("assistance/", views.case_list, name="assistance-cases"),
    path("assistance/cases/<int:pk>/", views.case_detail, name="assistance-case"),
    path("assistance/cases/<int:pk>/reveal/", views.case_reveal, name="assistance-case-reveal"),
    path("assistance/cases/<int:pk>/status/", views.case_status, name="assistance-case-status"),
    path("assistance/cases/<int:pk>/contacts/", views.case_contact, name="assistance-case-contact"),
    path(
        "assistance/cases/<int:pk>/benefits/", views.case_benefits, name="assistance-case-benefits"
    ),
    path("assistance/tasks/<int:pk>/done/", views.task_done, name="assistance-task-done"),
    path("assistance/today/", today_views.today_page, name="assistance-today"),
    path("assistance/one-week/", views.one_week, name="assistance-one-week"),
    path("assistance/payments/", views.payments_page, name="assistance-payments"),
    path("assistance/pending/", views.pending_list, name="assistance-pending"),
    path("assistance/pending/<int:pk>/", views.pending_decide, name="assistance-pending-decide"),
    path("public/register/", views.public_register, name="public-register"),
    path("public/townships/", views.public_townships, name="public-townships"),
    path("public/subsidies/", views.public_subsidies, name="public-subsidies"),
]
