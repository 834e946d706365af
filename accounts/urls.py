"""Web UI routes of the accounts app."""

urlpatterns = []
