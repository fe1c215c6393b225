from django import template

from ..selectors import is_reviewer

register = template.Library()


@register.simple_tag(takes_context=True)
def reviews_for_me(context):
    """Whether the signed-in person sits on an evaluation committee (for the menu);
    asked once per request."""
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return False
    if not hasattr(request, "_is_reviewer"):
        request._is_reviewer = is_reviewer(user)
    return request._is_reviewer
