"""API routes of the reports app, mounted under /api/v1/."""

urlpatterns = []
