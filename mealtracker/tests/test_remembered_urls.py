"""`{% url %}` and `{% icon %}` made once per process still follow the script prefix and the static storage."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_a_route_without_arguments_follows_the_script_prefix():
    try:
        set_script_prefix("/dev/")
        assert _render("{% url 'home' %}") == "/dev/"
        set_script_prefix("/")
        assert _render("{% url 'home' %}") == "/"
    finally:
        clear_script_prefix()


def test_routes_with_arguments_and_as_still_work():
    assert _render("{% url 'expense_detail' pk %}", pk=7) == "/expenses/7/"
    assert _render("{% url 'expense_list' as there %}[{{ there }}]") == "[/expenses/]"
    assert _render("{% url 'no_such_route' as there %}[{{ there }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no_such_route' %}")


def test_icons_follow_the_static_storage():
    text = "{% load ui %}{% icon 'receipt' 'me-1' %}"
    with override_settings(STATIC_URL="/assets/"):
        assert 'href="/assets/vendor/bootstrap-icons/sprite.svg#receipt"' in _render(text)
    with override_settings(STATIC_URL="/other/"):
        assert 'href="/other/vendor/bootstrap-icons/sprite.svg#receipt"' in _render(text)
    with pytest.raises(TemplateSyntaxError):
        _render("{% load ui %}{% icon 'no-such-icon' %}")
