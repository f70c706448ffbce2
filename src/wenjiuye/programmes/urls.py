from django.urls import path

from wenjiuye.programmes import views

urlpatterns = [
    path("programmes/", views.home, name="programmes-home"),
    path("programmes/courses/", views.course_list, name="programmes-course-list"),
    path("programmes/courses/<int:pk>/", views.course_detail, name="programmes-course-detail"),
    path("programmes/fairs/", views.fair_list, name="programmes-fair-list"),
    path("programmes/fairs/<int:pk>/", views.fair_detail, name="programmes-fair-detail"),
    path("programmes/positions/", views.position_list, name="programmes-position-list"),
    path(
        "programmes/positions/<int:pk>/",
        views.position_detail,
        name="programmes-position-detail",
    ),
    path("programmes/pairs/", views.pair_list, name="programmes-pair-list"),
    path("programmes/pairs/<int:pk>/", views.pair_detail, name="programmes-pair-detail"),
]
