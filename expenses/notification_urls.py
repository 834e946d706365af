"""Web routes of notifications, their preferences and unsubscribe link, and comments."""

from django.urls import path

from expenses.views import notifications

urlpatterns = [
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/preferences/", notifications.notification_preferences, name="notification_preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notifications_unsubscribe_view,
        name="notifications_unsubscribe",
    ),
    path("expenses/<int:pk>/comments/", notifications.expense_comment_add, name="expense_comment_add"),
    path("expense-reports/<int:pk>/comments/", notifications.report_comment_add, name="report_comment_add"),
]
