"""`{% load frame %}`: parts of a page that are the same for every request but for a few values
(the CSRF token, the page's own address, a form's anti-spam stamp), rendered once per process and
filled in per request.

    {% filled "cookie-banner" cookie_bar.json cookie_bar.text.wording
       fill csrf_token here=request.get_full_path %}
      ... {% csrf_token %} ... <input type="hidden" name="next" value="{{ here }}"> ...
    {% endfilled %}

(one line in a template: a tag cannot span lines).

The first render binds each hole after `fill` (`csrf_token`, `here`) to a marker and keeps the
result in CACHES["frame"] under the fragment's name and the values after it (as Django's
`{% cache %}` does); every render then puts this request's values, escaped as the template would
have escaped them, where the markers are. A value that changes what the fragment shows must be
among the values the fragment is kept under; a hole must only be printed (`{{ here }}`,
`{% csrf_token %}`), never tested or filtered, since the first render saw only its marker.

A value the fragment does not print from the context (a form field's, say) can be a hole after
`issued`: the first render finds it by its value, so it must be one nothing else on the page can
equal, like a signed stamp: `issued stamp=form.form_started.value`.

Why: the cookie banner is on every first visit and a topic's reply form on every member's topic
page, and each costs more to render than much of the page around it, yet they differ only by
those values.
"""

from django import template
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()
ISSUED_MIN_LENGTH = 20


class FilledNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list, holes: dict, issued: dict):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        # Each: a hole's name -> the FilterExpression of its value on this request.
        self.holes = holes
        self.issued = issued

    @cached_property
    def markers(self) -> dict[str, str]:
        """A marker per hole: letters, digits and dashes, which escaping and URL-encoding leave
        as they are, with a secret part, so that nothing a member writes can pass for one."""
        secret = salted_hmac("community.frame", self.name).hexdigest()[:24]
        holes = {**self.holes, **self.issued}
        return {hole: f"hole-{hole.replace('_', '-')}-{secret}" for hole in holes}

    def render(self, context) -> SafeString:
        frame = caches["frame"]
        key = make_template_fragment_key(
            self.name, [value.resolve(context) for value in self.vary_on]
        )
        values = {
            hole: conditional_escape(value.resolve(context))
            for hole, value in {**self.holes, **self.issued}.items()
        }
        if any(len(values[hole]) < ISSUED_MIN_LENGTH for hole in self.issued):
            return self.nodelist.render(context)  # too short to be found only where it is
        html = frame.get(key)
        if html is None:
            with context.push({hole: self.markers[hole] for hole in self.holes}):
                html = self.nodelist.render(context)
            for hole in self.issued:
                html = html.replace(values[hole], self.markers[hole])
            frame.set(key, html, None)
        for hole, value in values.items():
            html = html.replace(self.markers[hole], value)
        return SafeString(html)


@register.tag
def filled(parser, token):
    """{% filled "name" [value ...] fill hole [hole=value ...] [issued hole=value ...] %}
    ... {% endfilled %}"""
    bits = token.split_contents()
    if "fill" not in bits or len(bits) < 4:
        raise template.TemplateSyntaxError(
            f"{bits[0]} needs a name, the values it is kept under, then 'fill' and its holes."
        )
    at = bits.index("fill")
    holes, issued, kind = {}, {}, None
    for bit in bits[at + 1 :]:
        if bit == "issued":
            kind = issued
            continue
        hole, _, value = bit.partition("=")
        (kind if kind is not None else holes)[hole] = parser.compile_filter(value or hole)
    nodelist = parser.parse(("endfilled",))
    parser.delete_first_token()
    return FilledNode(
        nodelist,
        bits[1].strip("\"'"),
        [parser.compile_filter(bit) for bit in bits[2:at]],
        holes,
        issued,
    )
