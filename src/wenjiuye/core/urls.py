from django.contrib.auth import views as auth_views
from django.urls import path

from wenjiuye.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/<int:pk>/reveal/", views.audit_event_reveal, name="audit-event-reveal"),
    path("policy/", views.policy_page, name="policy"),
]
