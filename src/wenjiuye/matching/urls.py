from django.urls import path

from wenjiuye.matching import views

urlpatterns = [
    path("matching/person/<int:pk>/", views.person_matches, name="matching-person"),
    path("matching/person/<int:pk>/push/", views.person_push, name="matching-person-push"),
    path(
        "matching/person/<int:pk>/preference/",
        views.person_preference,
        name="matching-person-preference",
    ),
    path("matching/push/<int:pk>/respond/", views.push_respond, name="matching-push-respond"),
    path(
        "matching/posting/<str:posting_id>/",
        views.posting_candidates,
        name="matching-posting",
    ),
]
