from django.urls import path

from wenjiuye.response import views

urlpatterns = [
    path("response/layoffs/", views.layoff_list, name="response-layoff-list"),
    path("response/layoffs/new/", views.layoff_create, name="response-layoff-create"),
    path("response/layoffs/<int:pk>/", views.layoff_detail, name="response-layoff-detail"),
    path("response/layoffs/<int:pk>/edit/", views.layoff_edit, name="response-layoff-edit"),
    path(
        "response/layoffs/<int:pk>/transition/",
        views.layoff_transition,
        name="response-layoff-transition",
    ),
    path(
        "response/layoffs/<int:pk>/roster/",
        views.layoff_roster_import,
        name="response-layoff-roster-import",
    ),
    path("response/layoffs/<int:pk>/reveal/", views.layoff_reveal, name="response-layoff-reveal"),
    path(
        "response/layoffs/<int:pk>/attachments/",
        views.layoff_attachment_add,
        name="response-layoff-attachment-add",
    ),
    path(
        "response/layoffs/<int:pk>/attachments/<int:attachment>/",
        views.layoff_attachment,
        name="response-layoff-attachment",
    ),
    path("response/referrals/<int:pk>/", views.referral, name="response-referral"),
    path("response/severance/", views.severance_page, name="response-severance"),
    path("response/layoff-check/", views.layoff_check_page, name="response-layoff-check"),
    path("response/visits/", views.visit_list, name="response-visit-list"),
    path("response/visits/new/", views.visit_create, name="response-visit-create"),
    path("response/visits/<int:pk>/", views.visit_detail, name="response-visit-detail"),
]
