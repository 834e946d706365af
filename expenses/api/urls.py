"""API routes of the expenses app, mounted under /api/v1/."""

urlpatterns = []
