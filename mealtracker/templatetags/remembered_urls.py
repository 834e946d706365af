"""`{% url %}` that reverses a route without arguments once per process (a template builtin, so every template's
`{% url %}` is this one). A page names fifty-odd such routes (the navigation, the tab bar, menus), and Django
reverses each from the URL patterns on every render: a tenth of a short page's time."""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _reversed(view_name: str, current_app: str | None, script_prefix: str, urlconf) -> str:
    return reverse(view_name, urlconf=urlconf, current_app=current_app)


@receiver(setting_changed)
def _forget_reversed(*, setting: str, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = _reversed(view_name, current_app, get_script_prefix(), get_urlconf())
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
