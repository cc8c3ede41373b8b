"""Template context for the navigation, which follows the user's roles."""

from core.rights import Right, scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "nav_scope": scope,
        "nav_can_manage": scope.anywhere(Right.EDIT),
        "nav_is_supervisor": scope.anywhere(Right.SUPERVISE),
    }
