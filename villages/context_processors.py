"""Template context for the navigation, which follows the user's roles."""

from .scoping import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "nav_scope": scope,
        "nav_can_manage": scope.everything or bool(scope.editable_prefixes),
        "nav_is_supervisor": scope.everything or bool(scope.supervisor_prefixes),
    }
