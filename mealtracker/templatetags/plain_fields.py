"""`{{ field|as_plain_field }}`: crispy-forms' Bootstrap 5 field (label, input or select, errors, help text) written
in Python for the plain inputs and selects of the filter panels. crispy renders each field through five nested
templates, a fifth of the Reports and expense list pages' time; the markup is the same (held by a test against
`as_crispy_field`), and any other kind of field is left to crispy."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What crispy's Bootstrap 5 field template renders through other branches (or other templates).
_LEFT_TO_CRISPY = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput,
                   forms.MultiWidget)  # fmt: skip


def _plain(field) -> bool:
    widget = field.field.widget
    return not (
        field.is_hidden
        or isinstance(widget, _LEFT_TO_CRISPY)
        or hasattr(widget, "widget")  # a wrapper such as the admin's related-field widget
        or field.use_fieldset
        or getattr(field.form, "helper", None) is not None
    )


def _add_classes(widget, wanted: str) -> None:
    """The classes crispy's `{% crispy_field %}` adds to the widget: its own name, then Bootstrap's."""
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if not css_class:
        css_class = class_name
    elif css_class.find(class_name) == -1:  # crispy's own test: the name anywhere in the string
        css_class += f" {class_name}"
    present = css_class.split()
    for name in wanted.split():
        if name not in present:
            css_class += f" {name}"
            present.append(name)
    widget.attrs["class"] = css_class


@register.filter
def as_plain_field(field):
    if not _plain(field):
        return as_crispy_field(field)
    widget = field.field.widget
    errors = field.errors
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _add_classes(widget, f"{kind} is-invalid" if errors else kind)
    wrapper_class = f"mb-3 {field.css_classes()}" if field.css_classes() else "mb-3"
    parts = [format_html('<div id="div_{}" class="{}">', field.auto_id, wrapper_class)]
    if field.label:
        required = field.field.required
        label_for = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
        parts.append(
            format_html(
                '<label{} class="form-label{}">{}{}</label>',
                label_for,
                " requiredField" if required else "",
                field.label,
                mark_safe('<span class="asteriskField">*</span>') if required else "",  # nosec B308 B703
            )
        )
    parts.append(conditional_escape(str(field)))
    if errors:
        parts.append(format_html('<div id="{}_error" class="invalid-feedback">', errors.field_id))
        parts.extend(
            format_html('<p id="error_{}_{}"><strong>{}</strong></p>', number, field.auto_id, error)
            for number, error in enumerate(errors, start=1)
        )
        parts.append("</div>")
    if field.help_text:
        help_id = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
        # crispy writes help text as it is (`|safe`): it is the form's own text, never the user's.
        parts.append(format_html('<div {}class="form-text">{}</div>', help_id, mark_safe(field.help_text)))  # noqa: S308  # nosec B308 B703
    parts.append("</div>")
    # Every part above is escaped or our own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
