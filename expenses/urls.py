"""Web UI routes of the expenses app."""

urlpatterns = []
