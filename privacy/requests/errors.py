class RequestError(Exception):
    """A change that the request's state or the rules do not allow; the message says why."""
