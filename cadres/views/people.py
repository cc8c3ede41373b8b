"""Pages about people, posts and term changes."""

urlpatterns: list = []
