"""The forms on a page as a browser sees them: fields, their defaults, and what a submit sends."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs a browser never sends, or that a test cannot fill with text.
NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "textarea", "select", "button"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> dict[str, list[str]]:
        """What submitting the form untouched sends (with its first named button)."""
        data: dict[str, list[str]] = {}
        button = next((f for f in self.fields if f.kind in ("submit", "button")), None)
        if button:
            data[button.name] = [button.value]
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                if f.options:
                    data.setdefault(f.name, []).append(f.value or f.options[0])
            elif f.kind not in NOT_SENT:
                data.setdefault(f.name, []).append(f.value)
        return data

    def names(self) -> list[str]:
        """Every field a client can send, once each (buttons included: they carry a value)."""
        return list(dict.fromkeys(f.name for f in self.fields if f.kind != "file"))


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = HtmlForm(attrs.get("action", ""), attrs.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or (tag != "option" and not attrs.get("name")):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append(
                Field(
                    attrs["name"],
                    kind,
                    attrs.get("value", default),
                    checked="checked" in attrs,
                    required="required" in attrs,
                )
            )
        elif tag == "button":
            kind = attrs.get("type", "submit").lower()
            if kind == "submit":
                self._form.fields.append(Field(attrs["name"], "button", attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(attrs["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea> (Django writes one).
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select.options.append(value)
            if self._option["selected"] and not self._select.value:
                self._select.value = value
            self._option = None


def forms_in(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
