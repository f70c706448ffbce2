from django.urls import path

from wenjiuye.registry import views

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise-detail"),
    path("persons/", views.person_list, name="person-list"),
    path("persons/<int:pk>/", views.person_detail, name="person-detail"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
]
