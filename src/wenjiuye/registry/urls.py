from django.urls import path

from wenjiuye.registry import views

# The enterprise's own page, /enterprises/<uscc>/ ("enterprise-detail"), is its file
# (wenjiuye.overview): it composes the records of every part about the enterprise.
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<str:uscc>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("persons/", views.person_list, name="person-list"),
    path("persons/<int:pk>/", views.person_detail, name="person-detail"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
]
