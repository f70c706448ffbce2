from django.urls import path

from wenjiuye.notify import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox-open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("notifications/webhooks/", views.webhook_page, name="webhooks"),
]
