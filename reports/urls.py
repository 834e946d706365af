"""Web UI routes of the reports app."""

urlpatterns = []
