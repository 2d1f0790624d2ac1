"""Settings for The Contact Centre Community.

Every deploy-time value comes from an environment variable. The defaults are for a developer's
machine: SQLite and files under var/, a Celery broker that needs no server, emails written to
var/mail/. DEBUG is off unless the environment turns it on (`make run` and the tests do), and
with DEBUG off the site refuses to start without a real SECRET_KEY.
"""

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

from community.storage import storages_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Off by default: a deploy that forgets DEBUG=0 must not run on the development SECRET_KEY below,
# which is in the repository and would let anyone forge every signed link.
DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="The Contact Centre Community")
SITE_SHORT_NAME = env.str("SITE_SHORT_NAME", default="CC Community")  # under a home-screen icon
DPO_EMAIL = env.str("DPO_EMAIL", default="dpo@example.org")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "forums",
    "forums.events",
    "privacy",
    "privacy.admin_app.AdminConfig",  # django.contrib.admin, need to know built in (P7)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "cookie_consent",
    "csp",
    "django_celery_beat",
    "health_check",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that sets a cookie, so it sees theirs (P20).
    "privacy.desk.middleware.UndeclaredCookieMiddleware",
    "privacy.stats.middleware.VisitCountMiddleware",
    "privacy.cookies.middleware.ConsentCookieMiddleware",
    "cookie_consent.middleware.CleanCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "forums.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "forums.middleware.StaffSecondFactorMiddleware",
    "privacy.policies.middleware.TermsAcceptanceMiddleware",
    "community.middleware.RateLimitUnavailableMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "libraries": {"frame": "community.frame"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.site",
                "privacy.cookies.context_processors.banner_context",
            ],
        },
    },
]

# Database: SQLite under var/ by default (DATABASE_URL unset or empty); DATABASE_URL=postgres://...
# for PostgreSQL.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (community/postgresql/).
    DATABASES["default"]["ENGINE"] = "community.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Web, worker and beat share the file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests with a real Celery worker thread need the same waiting: an in-memory test database
    # uses SQLite's shared cache, whose table locks fail at once instead.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Page views' counts (visit statistics, topic views) wait in each process this long at most
# before they are sent to Redis together (community/tallies.py).
TALLIES_SEND_SECONDS = 1.0

# Redis is the cache and the Celery broker when REDIS_URL is set. "stats" holds the visit
# counters (privacy/stats/) apart from "default", so a flood of them cannot evict rate limits.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="ccc")
if REDIS_URL:
    _redis_cache = {
        # django-redis's; the site runs on without Redis (community/cache.py).
        "BACKEND": "community.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # An unreachable Redis costs a second at most, not a hung page.
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    CACHES = {
        "default": {**_redis_cache, "KEY_PREFIX": CACHE_KEY_PREFIX},
        "stats": {**_redis_cache, "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:stats"},
    }
else:
    # One cache for the web server, the worker and beat under `make run`: an in-process cache
    # would give each its own counters, rate limits and visitors' page cache. Files rather than
    # a database table: nothing to create, and no query added to every page. Their `add` and
    # `incr` read, then write, so two processes racing on one key may lose a count or both take
    # a lock; on one developer's machine that is rare and harmless (Redis's are atomic).
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache" / alias,
            # "stats" needs room for a few days of visit counters (privacy/stats/).
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
        for alias in ("default", "stats")
    }
# Settings every page reads (the cookie groups, the banner's wording, the terms in force, the
# declared cookie names): each process keeps a copy of the default cache's value for a few
# seconds (community.cache.NearCache).
# The parts of every page that only a deploy changes (links, the footer): rendered once in each
# process (templates/base.html's {% cache %} blocks).
CACHES["frame"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "frame"}
CACHES["near"] = {
    "BACKEND": "community.cache.NearCache",
    "LOCATION": "default",
    "OPTIONS": {"HOLD": 5},
}

AUTH_USER_MODEL = "forums.User"
AUTHENTICATION_BACKENDS = [
    "forums.backends.ModelBackend",
    "forums.backends.AuthenticationBackend",
]
# Argon2 for new passwords; a password stored with an older hasher is re-hashed with Argon2 when
# its member next signs in (Django does it on a successful check).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_overview"

# django-allauth
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "forums.forms.SignupForm"
ACCOUNT_FORMS = {"login": "forums.account_forms.LoginForm"}
ACCOUNT_ADAPTER = "forums.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# The verification email carries a code, typed into the page the new member was left on, which
# then logs them in and takes them to the `next` they joined from. A code (not a link) is what
# allauth requires for joining with a passkey, which has no password to log in with afterwards.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# "Send a new code" on the code page, twice at most (and within the confirm_email rate limit).
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = [
    "admin",
    "administrator",
    "staff",
    "moderator",
    "moderators",
    "privacy",
    "dpo",
    "support",
    "root",
    "system",
    "sysop",
    "webmaster",
    "postmaster",
    "noreply",
    "no-reply",
    "security",
    "help",
    "info",
    "abuse",
    "former-member",
    "anonymous",
    "accounts",
    "search",
    "community",
]
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    # Both email an address a visitor types (a verification, or a reset link or "no account"
    # notice), so they are limited like our confirmations: per client and per address.
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    # A member's email page emails the addresses they add, and sends the verification again on
    # request: a few a day, not one every few minutes for ever.
    "manage_email": "10/h/user,20/d/user",
    "confirm_email": "1/3m/key,5/d/key",
    # The site's own forms open to visitors use the same limiter (allauth.core.ratelimit).
    "feedback": "10/h/ip",
    "resource_signup": "30/h/ip",
    # Forms that email an address a visitor typed (privacy.emails.limit_confirmations): per
    # client and per address, so they can flood neither many inboxes nor one.
    "newsletter_confirmation": "10/h/ip,3/d/key",
    "data_request_confirmation": "10/h/ip,3/d/key",
    "event_registration": "10/h/ip,3/d/key",
    # Wrong passwords or codes on a member's erasure form before it pauses (privacy.requests).
    "erase_account": "5/15m/user",
}
# When the cache cannot be reached, these rate limits refuse (community.middleware) instead of
# letting everything through: sign-in, password reset and the forms that send an email.
RATE_LIMITS_FAIL_CLOSED = [
    "login",
    "login_failed",
    "reset_password",
    "reset_password_from_key",
    "newsletter_confirmation",
    "data_request_confirmation",
    "event_registration",
]
# 0: the client's address is the connection's. Behind N proxies that each add to
# X-Forwarded-For, N; more than there are would let a client choose its own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True  # "Sign in with a passkey" on the login page
MFA_PASSKEY_SIGNUP_ENABLED = True  # "Join with a passkey": no password at all
# Browsers allow WebAuthn on http://localhost only; a development server elsewhere needs this.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = SITE_NAME

# Email: every message goes to var/mail/ unless EMAIL_URL (smtp://user:pass@host:587) is set.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

LANGUAGE_CODE = "en-gb"
# Our own wording for allauth's pages and messages (sentence case), over its English.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# Sponsored resources ("default") and data exports ("exports", P12): private files under
# MEDIA_ROOT, or in an S3-compatible bucket when STORAGE_URL says so (community/storage.py).
STORAGE_URL = env.str("STORAGE_URL", default="")
STORAGES = {
    **storages_from_url(STORAGE_URL, media_root=MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# A member's export is built without staff (P12); off: staff produce it from the admin.
DATA_REQUESTS_SELF_SERVICE_EXPORT = env.bool("DATA_REQUESTS_SELF_SERVICE_EXPORT", default=True)
# One person's requests (privacy.requests.limits): a full copy of a member's data at most
# this often, and this many requests open for staff at a time (each has a one-month deadline).
DATA_REQUESTS_EXPORT_EVERY_HOURS = env.int("DATA_REQUESTS_EXPORT_EVERY_HOURS", default=24)
DATA_REQUESTS_OPEN_PER_PERSON = env.int("DATA_REQUESTS_OPEN_PER_PERSON", default=3)

# Security: strict in production, relaxed only where local http needs it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Read from the cache, written through to the database; the database alone while Redis is down.
# The signed-in member is kept beside the session and read with it (forums/sessions.py).
SESSION_ENGINE = "forums.sessions"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): no inline script, nothing from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Cookie consent (django-cookie-consent with privacy/cookies/, P19-P22): opt-in, so nothing
# optional is set before a choice. Its LogItem names nobody: CookieConsentReceipt is the proof.
COOKIE_CONSENT_NAME = "cookie_consent"
COOKIE_CONSENT_MAX_AGE = 60 * 60 * 24 * 365
COOKIE_CONSENT_SECURE = not DEBUG
COOKIE_CONSENT_HTTPONLY = True
COOKIE_CONSENT_SAMESITE = "Lax"
COOKIE_CONSENT_OPT_OUT = False
COOKIE_CONSENT_CACHE_BACKEND = "near"
COOKIE_CONSENT_LOG_ENABLED = False  # so the library keeps no log that would need a retention rule

# Optional third-party scripts (empty: none), each loaded only after consent to its cookie group
# ("analytics", "social") and allowed by the Content-Security-Policy only when configured.
ANALYTICS_SCRIPT_URL = env.str("ANALYTICS_SCRIPT_URL", default="")
SOCIAL_SHARE_SCRIPT_URL = env.str("SOCIAL_SHARE_SCRIPT_URL", default="")
for _script in (urlparse(ANALYTICS_SCRIPT_URL), urlparse(SOCIAL_SHARE_SCRIPT_URL)):
    if _script.scheme == "https" and _script.netloc:
        for _directive in ("script-src", "connect-src", "frame-src"):
            CONTENT_SECURITY_POLICY["DIRECTIVES"].setdefault(_directive, ["'self'"]).append(
                f"https://{_script.netloc}"
            )

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local file system.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    # Publishing to a Redis that is unreachable, or reachable but hung, gives up within seconds
    # (kombu waits forever without socket_timeout); BRPOP's own timeout is 1 s.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
else:
    _queue_dir = VAR_DIR / "celery"
    (_queue_dir / "control").mkdir(parents=True, exist_ok=True)  # kombu does not create them
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(_queue_dir / "control"),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task killed with its worker runs again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that sends a task while the broker is down answers within seconds (two attempts with
# the timeouts above); a sweep sends the task later (community.celery.enqueue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Retention periods in days (P17), one per rule of the personal-data registry (privacy/registry.py).
RETENTION_IP_ADDRESS_DAYS = env.int("RETENTION_IP_ADDRESS_DAYS", default=90)
RETENTION_SIGN_IN_DAYS = env.int("RETENTION_SIGN_IN_DAYS", default=365)
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env.int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", default=7)
RETENTION_INACTIVE_ACCOUNT_DAYS = env.int("RETENTION_INACTIVE_ACCOUNT_DAYS", default=3 * 365)
RETENTION_INACTIVE_WARNING_DAYS = env.int("RETENTION_INACTIVE_WARNING_DAYS", default=30)
RETENTION_DATA_EXPORT_DAYS = env.int("RETENTION_DATA_EXPORT_DAYS", default=3)
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", default=30)
RETENTION_COOKIE_RECEIPT_DAYS = env.int("RETENTION_COOKIE_RECEIPT_DAYS", default=2 * 365)
RETENTION_NEWSLETTER_DELIVERY_DAYS = env.int("RETENTION_NEWSLETTER_DELIVERY_DAYS", default=365)
RETENTION_OPERATIONAL_RECORD_DAYS = env.int("RETENTION_OPERATIONAL_RECORD_DAYS", default=6 * 365)
# Unread markers (forums.reading): how far a member read a topic they have not opened again.
RETENTION_TOPIC_READ_DAYS = env.int("RETENTION_TOPIC_READ_DAYS", default=365)
# Sponsored resources (P8, P23) and feedback (P16).
RETENTION_LEAD_WITHOUT_CONSENT_DAYS = env.int("RETENTION_LEAD_WITHOUT_CONSENT_DAYS", default=365)
RETENTION_LEAD_DAYS = env.int("RETENTION_LEAD_DAYS", default=2 * 365)
RETENTION_DISCLOSURE_DAYS = env.int("RETENTION_DISCLOSURE_DAYS", default=6 * 365)
RETENTION_FEEDBACK_DAYS = env.int("RETENTION_FEEDBACK_DAYS", default=2 * 365)
# Rows that hold an address or a complaint and would otherwise never be due (issue 11). A
# visitor's address in the consent ledger, after their withdrawal: longer than a newsletter
# confirmation link lasts (RETENTION_UNCONFIRMED_DAYS), so a link sent before cannot revive it.
RETENTION_CONSENT_ADDRESS_DAYS = env.int("RETENTION_CONSENT_ADDRESS_DAYS", default=90)
RETENTION_OPEN_FEEDBACK_DAYS = env.int("RETENTION_OPEN_FEEDBACK_DAYS", default=365)
RETENTION_OPEN_REPORT_DAYS = env.int("RETENTION_OPEN_REPORT_DAYS", default=365)
RETENTION_UNVERIFIED_EMAIL_DAYS = env.int("RETENTION_UNVERIFIED_EMAIL_DAYS", default=30)
RETENTION_SPONSOR_CONTACT_DAYS = env.int("RETENTION_SPONSOR_CONTACT_DAYS", default=365)
SPONSORED_RESOURCE_LINK_HOURS = env.int("SPONSORED_RESOURCE_LINK_HOURS", default=24)
SPONSORED_RESOURCE_MAX_UPLOAD_MB = env.int("SPONSORED_RESOURCE_MAX_UPLOAD_MB", default=200)

# Events (forums/events/): the currency of new ticket types; how long a visitor has to confirm
# their address, and someone on the waiting list to claim a freed seat; how long attendee
# records and, sooner, access and dietary needs (health data) are kept after an event ends.
EVENTS_CURRENCY = env.str("EVENTS_CURRENCY", default="GBP")
EVENTS_CONFIRM_HOURS = env.int("EVENTS_CONFIRM_HOURS", default=24)
EVENTS_OFFER_HOURS = env.int("EVENTS_OFFER_HOURS", default=24)
EVENTS_ATTENDEE_RETENTION_DAYS = env.int("EVENTS_ATTENDEE_RETENTION_DAYS", default=90)
EVENTS_NEEDS_RETENTION_DAYS = env.int("EVENTS_NEEDS_RETENTION_DAYS", default=7)

# Paid tickets (forums/events/: orders, payments, invoices). django-payments selects the provider
# by variant: "stripe" (Stripe Checkout, the card form on Stripe's page; its webhook, signed with
# STRIPE_WEBHOOK_SECRET, goes to /payments/process/stripe/) and "paypal" when their keys are set;
# "default", the library's DummyProvider, only when no real provider is and DEBUG is on (or
# PAYMENT_TEST_PROVIDER=1): a page that lets the buyer choose the outcome ("test payment: no
# money moves"), for `make run` and the tests. No provider at all: paid tickets are not sold.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
PAYPAL_CLIENT_ID = env.str("PAYPAL_CLIENT_ID", default="")
PAYPAL_SECRET = env.str("PAYPAL_SECRET", default="")
PAYPAL_ENDPOINT = env.str("PAYPAL_ENDPOINT", default="https://api.sandbox.paypal.com")
PAYMENT_VARIANTS = {}
if STRIPE_SECRET_KEY:
    if not STRIPE_WEBHOOK_SECRET:
        raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is needed with STRIPE_SECRET_KEY.")
    PAYMENT_VARIANTS["stripe"] = (
        "forums.events.providers.StripeCheckout",
        {"api_key": STRIPE_SECRET_KEY, "endpoint_secret": STRIPE_WEBHOOK_SECRET},
    )
if PAYPAL_CLIENT_ID:
    PAYMENT_VARIANTS["paypal"] = (
        "payments.paypal.PaypalProvider",
        {"client_id": PAYPAL_CLIENT_ID, "secret": PAYPAL_SECRET, "endpoint": PAYPAL_ENDPOINT},
    )
# The test provider lets anyone choose "paid": never in production unless asked for by name.
PAYMENT_TEST_PROVIDER = env.bool("PAYMENT_TEST_PROVIDER", default=DEBUG)
if not PAYMENT_VARIANTS and PAYMENT_TEST_PROVIDER:
    PAYMENT_VARIANTS["default"] = ("payments.dummy.DummyProvider", {})
PAYMENT_MODEL = "events.Payment"
# The address the provider sends the buyer back to, and its webhooks: SITE_URL's.
_site_url = urlparse(env.str("SITE_URL", default="http://127.0.0.1:8000"))
PAYMENT_HOST = _site_url.netloc
PAYMENT_USES_SSL = _site_url.scheme == "https"
# An order not paid within this many minutes lapses and frees its seats (a beat job).
EVENTS_ORDER_EXPIRY_MINUTES = env.int("EVENTS_ORDER_EXPIRY_MINUTES", default=30)
# Tax added to ticket prices, as a fraction (0.20 for 20% VAT); 0: no tax line.
EVENTS_TAX_RATE = Decimal(env.str("EVENTS_TAX_RATE", default="0"))
# The seller on every invoice (UK: name, address, and VAT number when registered).
INVOICE_SELLER_NAME = env.str("INVOICE_SELLER_NAME", default=SITE_NAME)
INVOICE_SELLER_ADDRESS = env.str(
    "INVOICE_SELLER_ADDRESS", default="1 Example Street\nLondon\nEC1A 1AA\nUnited Kingdom"
).replace("\\n", "\n")
INVOICE_SELLER_VAT_NUMBER = env.str("INVOICE_SELLER_VAT_NUMBER", default="")
INVOICE_SELLER_EMAIL = env.str("INVOICE_SELLER_EMAIL", default=DPO_EMAIL)
# Accounting records (P18): orders, invoices and credit notes are kept this many years after the
# end of the financial year of their last payment or refund (6: the UK rule; Germany keeps
# invoices 8), then deleted by the retention job, erasure or not. The financial year ends on the
# last day of FINANCIAL_YEAR_END_MONTH (12: the calendar year). The retention job counts in days:
# the years, and one day for each leap day they can hold, so the period is never short.
FINANCIAL_YEAR_END_MONTH = env.int("FINANCIAL_YEAR_END_MONTH", default=12)
RETENTION_ACCOUNTING_YEARS = env.int("RETENTION_ACCOUNTING_YEARS", default=6)
RETENTION_ACCOUNTING_DAYS = 365 * RETENTION_ACCOUNTING_YEARS + (RETENTION_ACCOUNTING_YEARS + 3) // 4
# Orders never paid (lapsed or abandoned) hold a name and an address: gone after this.
RETENTION_UNPAID_ORDER_DAYS = env.int("RETENTION_UNPAID_ORDER_DAYS", default=30)

# One JSON object per line in production (for a log collector), plain lines in development;
# either way without email or IP addresses (community/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "community.logs.RedactPersonalData"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_personal_data"],
            **({} if DEBUG else {"formatter": "json"}),
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Error reports to Sentry, only if a DSN is given, and without personal data (community/errors.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from community.errors import start_reporting

    start_reporting(SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))

# Referring sites the visit statistics name (subdomains included); every other one is counted
# as "other", so made-up Referer headers cannot add counters without bound
# (privacy/stats/middleware.py).
STATS_REFERRER_HOSTS = env.list(
    "STATS_REFERRER_HOSTS",
    default=[
        "google.com",
        "bing.com",
        "duckduckgo.com",
        "yahoo.com",
        "ecosia.org",
        "linkedin.com",
        "lnkd.in",
        "facebook.com",
        "x.com",
        "t.co",
        "twitter.com",
        "reddit.com",
        "youtube.com",
    ],
)

# Forums
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # for links in emails
FORUMS_POSTS_PER_MINUTE = env.int("FORUMS_POSTS_PER_MINUTE", default=5)
# New members (joined less than FORUMS_NEW_MEMBER_DAYS ago, or with fewer than
# FORUMS_NEW_MEMBER_POSTS posts) start topics and reply at most this often in an hour: a
# spammer's account is new, a regular's is not.
FORUMS_NEW_MEMBER_POSTS_PER_HOUR = env.int("FORUMS_NEW_MEMBER_POSTS_PER_HOUR", default=5)
FORUMS_NEW_MEMBER_DAYS = env.int("FORUMS_NEW_MEMBER_DAYS", default=2)
FORUMS_NEW_MEMBER_POSTS = env.int("FORUMS_NEW_MEMBER_POSTS", default=5)

# Anti-spam without tracking (community/antispam.py): forms for free text sent back sooner than
# this after they were shown are refused with a message; a form open longer than the maximum is
# shown again with a fresh stamp.
ANTISPAM_MIN_SECONDS = env.float("ANTISPAM_MIN_SECONDS", default=3)
ANTISPAM_MAX_AGE_SECONDS = env.int("ANTISPAM_MAX_AGE_SECONDS", default=24 * 3600)
# One member's reports: how many a day, and how long before reporting a post again once the
# moderators have closed their last report on it.
FORUMS_REPORTS_PER_DAY = env.int("FORUMS_REPORTS_PER_DAY", default=20)
FORUMS_REPORT_AGAIN_DAYS = env.int("FORUMS_REPORT_AGAIN_DAYS", default=7)
# How many members one post can tell with @username (edits included): a post naming 500 members
# emails the first ten who may read it, not 500.
MENTIONS_PER_POST = env.int("MENTIONS_PER_POST", default=10)
