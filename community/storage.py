"""Where uploaded and generated files live: `STORAGE_URL` read into Django's STORAGES.

Empty (the default): files under MEDIA_ROOT, as on a single server. `s3://BUCKET?...`: an
S3-compatible bucket through django-storages, so a Celery worker on another host writes the data
export that the web server then streams. Either way the code reaches files only through the
storage API (storage.open/save/delete, FileField), never through paths.

    s3://BUCKET?endpoint_url=https://s3.example.org&region=eu-west-1
    s3://ACCESS_KEY:SECRET_KEY@BUCKET?...   (or the usual AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)

Both storages keep every object private (no public ACL, no public URL is ever given out):
resources under `media/`, exports and issued invoices under `private/`.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
# Query parameters a STORAGE_URL may carry, and the S3Storage option each sets.
S3_PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
}


def file_storages(media_root: Path) -> dict:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # Data exports (P12): never served by URL, only streamed to their owner.
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": Path(media_root) / "private", "base_url": None},
        },
        # Issued invoices and credit notes (forums/events/): never served by URL either; their
        # files are named private/invoices/... under MEDIA_ROOT.
        "invoices": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": None},
        },
    }


def storages_from_url(url: str, *, media_root: Path) -> dict:
    """STORAGES["default"], ["exports"] and ["invoices"] for this STORAGE_URL (empty: files)."""
    if not url:
        return file_storages(media_root)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL must look like s3://bucket?endpoint_url=...")
    options = {
        "bucket_name": parts.hostname,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    try:
        query = parse_qs(parts.query, strict_parsing=bool(parts.query))
    except ValueError as error:
        raise ImproperlyConfigured(f"STORAGE_URL: {error}") from error
    for name, values in query.items():
        if name not in S3_PARAMETERS:
            known = ", ".join(S3_PARAMETERS)
            raise ImproperlyConfigured(f"STORAGE_URL: unknown {name!r} (known: {known})")
        options[S3_PARAMETERS[name]] = values[-1]
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "media"}},
        "exports": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": "private"}},
        "invoices": {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": ""}},
    }
