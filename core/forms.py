"""The base of every web form: NL Design System (Utrecht) classes on widgets, accessible
error marking, and a service's `Invalid` errors put next to the fields they name."""

from django import forms


class AccessibleForm(forms.Form):
    """Utrecht CSS classes on widgets; aria-invalid/aria-describedby on fields with errors.

    `service_required` is the service's own {field: message} dict of the fields it requires
    (e.g. `placement.services.DECLINE_REQUIRED`): those fields become required here too, with
    the service's message, so the label says "(verplicht)" exactly where the service refuses
    an empty value and every missing field is reported at once, next to the field."""

    service_required: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
