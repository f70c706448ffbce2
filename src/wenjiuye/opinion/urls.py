from django.urls import path

from wenjiuye.opinion import views

urlpatterns = [
    path("opinion/", views.opinion_list, name="opinion-list"),
    path("opinion/new/", views.opinion_create, name="opinion-create"),
    path("opinion/lexicon/", views.lexicon_page, name="opinion-lexicon"),
    path("opinion/<int:pk>/", views.opinion_detail, name="opinion-detail"),
]
