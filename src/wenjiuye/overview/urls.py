from django.urls import path

from wenjiuye.overview import views

urlpatterns = [
    path("enterprises/<str:uscc>/", views.enterprise_page, name="enterprise-detail"),
]
