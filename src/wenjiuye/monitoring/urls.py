from django.urls import path

from wenjiuye.monitoring import views

urlpatterns = [
    path("lists/<str:ledger>/", views.ledger_page, name="ledger"),
    path("lists/entry/<int:pk>/", views.entry_page, name="ledger-entry"),
    path("monitoring/enterprises/<str:uscc>/", views.enterprise_page, name="monitoring-enterprise"),
    path("monitoring/regions/<str:code>/", views.region_page, name="monitoring-region"),
]
