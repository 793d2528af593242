"""Settings for Integrated Care Finder.

One module, every knob read from an environment variable through the small typed
helpers below, so a typo in a deployment fails at start-up with a plain message
instead of silently running with a default. With no environment at all the app
runs locally on an SQLite file (the embedded default); ``DATABASE_URL`` switches
to PostgreSQL, the production database.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A fixed development key is only acceptable while DEBUG is on; a deployment
# without SECRET_KEY must not start with a key that is public in this repo.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY to a long random string, "
        "or set DEBUG=true for a local trial."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin, with the state dashboard as its front page.
    "plans.admin_config.FinderAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",
    "plans",
    "finder",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the top: a database outage below becomes a plain bilingual 503 page.
    "finder.outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session, locale, CSRF and message middleware: it must see every cookie
    # and Vary they add before it keeps a public page.
    "finder.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Above LocaleMiddleware so it runs after it: open data varies on nothing but encoding.
    "finder.open_data.OpenDataHeadersMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Below the CSP middleware, so it can give admin URLs their own policy first.
    "finder.security.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After htmx: refuses public links that give a parameter twice (finder/repeated.py).
    "finder.repeated.RepeatedParameterMiddleware",
    # Records the admin user on every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a plain 403 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "finder.urls"
WSGI_APPLICATION = "finder.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "finder.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
_DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_database_url = env_str("DATABASE_URL", "") or _DEFAULT_SQLITE
if not _database_url.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured(
        "DATABASE_URL must start with postgres:// (production) or sqlite:// (local), "
        f"not {_database_url.split(':', 1)[0]!r}."
    )
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is a single-file embedded default: persistent connections buy nothing,
    # and immediate transactions avoid "database is locked" when a worker writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# US Spanish writes 4.5 and 1,000 (as Medicare.gov en español does), not 4,5 and 1.000.
FORMAT_MODULE_PATH = ["finder.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
# The language lives in the URL and is switched by a link; public pages set no cookie.
LANGUAGE_COOKIE_NAME = "django_language"

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

# Public pages carry no inline script or style, so their policy has no nonce: a page
# kept by a cache stays valid for everyone. The admin's templates use nonces; admin
# URLs get ADMIN_CSP instead (finder/security.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    # The one inline style attribute of the history pages (django-simple-history's
    # `style="border-top: 0"`), allowed by its hash and nothing else.
    "style-src": [
        CSP.SELF,
        CSP.NONCE,
        CSP.UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Nothing in the admin reads the CSRF cookie from JavaScript (its forms carry the token).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The admin lives at a configurable path so it is not at the well-known /admin/.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# Only the admin uses a session or a CSRF token: its cookies are never even sent with a
# public page, which stays anonymous and cacheable for a signed-in reviewer too.
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = f"/{ADMIN_URL}"
# Probes often speak plain HTTP to the process (finder/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS preload is the domain owner's commitment (the preload list covers every subdomain
# and takes months to leave), not a code default: opt in with SECURE_HSTS_PRELOAD=true.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Public page caching (finder/page_cache.py, docs/decisions.md) -----------
# The server-side copy of public pages; off to measure or debug without it.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# On PostgreSQL each process learns the catalog version from a notification instead of
# reading it on every request (plans/version_watch.py). Off in the test suite, whose
# transactions and flushes would outrun it; its own tests turn it on.
CATALOG_VERSION_WATCH = env_bool("CATALOG_VERSION_WATCH", True)
# How long a kept page may live. Correctness does not depend on it (the key carries the
# catalog version and the day); it only bounds memory spent on entries no key reaches.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=1)
# Seconds browsers and shared caches may reuse a page without asking; 0 = revalidate
# each time (a 304 when nothing changed).
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 0, minimum=0)


def cache_from_url(url: str, name: str) -> dict[str, object]:
    """``CACHE_URL``: empty for a copy per process (LocMem); ``redis://host:port/db``,
    ``rediss://…`` or ``unix:///path/redis.sock`` for one Redis shared by every worker and
    app server (Django's own Redis backend)."""
    if not url:
        # Per process: each gunicorn worker keeps its own copies. Nothing needs purging.
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    scheme, _sep, rest = url.partition("://")
    if scheme not in {"redis", "rediss", "unix"} or not rest.strip("/"):
        raise ImproperlyConfigured(
            "CACHE_URL must be empty (a cache per process), redis://host:port/db or "
            f"unix:///path/to/redis.sock, not {url!r}."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        # Keys carry the catalog version: several deployments may share one Redis.
        "KEY_PREFIX": f"{env_str('CACHE_KEY_PREFIX', 'icf')}-{name}",
        "TIMEOUT": PAGE_CACHE_SECONDS,
    }


# The page cache ("default") and the per-version catalog facts (finder/facts.py), on the
# same server with keys of their own.
_cache_url = env_str("CACHE_URL", "").strip()
CACHES = {
    "default": cache_from_url(_cache_url, "pages"),
    "facts": cache_from_url(_cache_url, "facts"),
}

# --- Product --------------------------------------------------------------
# Where "report a problem with this information" links send mail (no personal data asked).
REPORT_EMAIL = env_str("REPORT_EMAIL", "catalog-problems@example.org")
# Where the public CMS files live (tests and importers read them from here).
SHARED_DATA_DIR = Path(env_str("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes reports every successful login and cleanup at INFO; lockouts, the part
    # that matters, are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Account safety (django-axes) -----------------------------------------
# Five wrong passwords for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Background tasks -----------------------------------------------------
# Imports started in the admin run on a task worker (`python manage.py db_worker`), never
# inside a web request. "database" keeps the queue in the app's own database, so a worker
# needs no other service; "immediate" runs each task at once inside the request that
# queued it (tests, or a trial without a worker).
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "").strip().lower() or "database"
if _tasks_backend not in _TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database or immediate, not {env_str('TASKS_BACKEND', '')!r}."
    )
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS[_tasks_backend]}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker looks for tasks once a second in an exclusive transaction and stops
    # when that waits longer than this for another writer (storing a large admin upload
    # takes seconds); SQLite's default is 5 seconds.
    DATABASES["default"]["OPTIONS"]["timeout"] = 30
