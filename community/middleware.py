"""Refusing a sensitive form whose rate limit cannot be checked (see community/cache.py)."""

from django.shortcuts import render

from .cache import RateLimitUnavailable

RETRY_AFTER = 60  # seconds: a Redis restart or failover usually takes less


class RateLimitUnavailableMiddleware:
    """Sign-in, password reset and the forms that send confirmation emails fail closed while the
    cache is down, with a page that says why; every other rate limit lets the request through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimitUnavailable):
            return None
        response = render(request, "429_unavailable.html", status=429)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
