from django.urls import path

from wenjiuye.opinion import views

urlpatterns = [
    path("opinion/", views.opinion_list, name="opinion-list"),
    path("opinion/new/", views.opinion_create, name="opinion-create"),
    path("opinion/lexicon/", views.lexicon_page, name="opinion-lexicon"),
    path("opinion/ingest/", views.opinion_ingest, name="opinion-ingest"),
    path("opinion/<int:pk>/", views.opinion_detail, name="opinion-detail"),
    path("opinion/<int:pk>/link/", views.opinion_link, name="opinion-link"),
    path("opinion/<int:pk>/unlink/", views.opinion_unlink, name="opinion-unlink"),
    # on an incident's page (mounted before the incidents' own actions: wenjiuye.urls)
    path(
        "incidents/<int:pk>/link-opinion/",
        views.incident_link_opinion,
        name="incident-link-opinion",
    ),
    path(
        "incidents/<int:pk>/unlink-opinion/",
        views.incident_unlink_opinion,
        name="incident-unlink-opinion",
    ),
]
