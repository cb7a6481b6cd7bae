"""The base of every web form: NL Design System (Utrecht) classes on widgets, accessible
error marking, and a service's `Invalid` errors put next to the fields they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import form_fields_bound


class AccessibleForm(forms.Form):
    """Utrecht CSS classes on widgets; aria-invalid/aria-describedby on fields with errors.

    `service_required` is the service's own {field: message} dict of the fields it requires
    (e.g. `placement.services.DECLINE_REQUIRED`): those fields become required here too, with
    the service's message, so the label says "(verplicht)" exactly where the service refuses
    an empty value and every missing field is reported at once, next to the field."""

    service_required: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_fields_bound(self.fields)  # issue 14: every free text has a maximum length
        for name, message in self.service_required.items():
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages = {**self.fields[name].error_messages, "required": message}
        for field in self.fields.values():
            if field.required and not isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                field.widget.attrs["aria-required"] = "true"  # radios carry the native `required`
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "utrecht-textarea")
                widget.attrs.setdefault("rows", 4)
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "utrecht-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "utrecht-checkbox")
            else:
                widget.attrs.setdefault("class", "utrecht-textbox")

    def _mark(self, name):
        if name in self.fields:
            bound = self[name]
            self.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{bound.auto_id}-error"}
            )

    def full_clean(self):
        super().full_clean()
        for name in list(self._errors or {}):
            self._mark(name)

    def add_error(self, field, error):
        super().add_error(field, error)
        if field:
            self._mark(field)

    def apply_invalid(self, error, aliases=None):
        """Put a service's Invalid errors next to the fields they name."""
        aliases = aliases or {}
        for param in error.invalid_params or [{"name": "", "reason": str(error.detail)}]:
            name = aliases.get(param["name"], param["name"])
            candidates = [name, name.split(".")[-1]]
            target = next((c for c in candidates if c in self.fields), None)
            if target is None and name.startswith("guardians."):
                _prefix, index, attr = name.split(".")
                target = f"guardian_{int(index) + 1}_{attr}"
                target = target if target in self.fields else None
            self.add_error(target, param["reason"])


class SearchableSelect(forms.TextInput):
    """A text box with a `<datalist>` of the allowed names: typing part of a name narrows
    the list (native, keyboard- and screen-reader-operable, no script). The server decides
    (`SearchableChoiceField`): an unknown name is an error next to the field."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.queryset = None  # set by the field; evaluated afresh at every render
        self.name_field = "name"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-options"
        context["widget"]["attrs"]["list"] = list_id
        context["list_id"] = list_id
        return context

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        context = self.get_context(name, value, attrs)
        box = super().render(name, value, attrs={**(attrs or {}), "list": context["list_id"]}, renderer=renderer)
        names = self.queryset.all().values_list(self.name_field, flat=True) if self.queryset is not None else []
        options = format_html_join("", '<option value="{}"></option>', ((n,) for n in names))
        return format_html('{}<datalist id="{}">{}</datalist>', box, context["list_id"], options)


class SearchableChoiceField(forms.Field):
    """One object of `queryset` chosen by its name (or code) in a `SearchableSelect`."""

    widget = SearchableSelect
    default_error_messages = {
        "unknown": _("Deze naam staat niet in de lijst. Typ een deel van de naam en kies uit de lijst."),
    }

    def __init__(self, *, queryset, name_field="name", code_field="code", **kwargs):
        self.queryset, self.name_field, self.code_field = queryset, name_field, code_field
        super().__init__(**kwargs)
        self.widget.queryset, self.widget.name_field = queryset, name_field

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return getattr(value, self.name_field)
        if isinstance(value, int):
            found = self.queryset.filter(pk=value).first()
            return getattr(found, self.name_field) if found else ""
        return value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in (None, ""):
            return None
        if isinstance(value, self.queryset.model):
            return value
        found = (
            self.queryset.filter(**{f"{self.name_field}__iexact": value}).first()
            or self.queryset.filter(**{f"{self.code_field}__iexact": value}).first()
        )
        if found is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return found
