"""The one settings module, configured by environment variables: see docs/configuration.md."""

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None, *, former: str = "") -> str | None:
    """The environment variable ``name`` if it is set (even empty); else its ``former`` name, the
    one that deployments configured before (a standard Django name, or an earlier SEMAINE_* one);
    else ``default``."""
    value = os.environ.get(name)
    if value is None and former:
        value = os.environ.get(former)
    return default if value is None else value


def env_bool(name: str, default: bool = False, *, former: str = "") -> bool:
    value = env(name, former=former)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, former: str = "") -> int:
    return int(env(name, str(default), former=former))


def env_float(name: str) -> float | None:
    """A number of the environment, or None when unset or empty."""
    value = (env(name) or "").strip()
    return float(value) if value else None


def env_list(name: str, default: str = "", *, former: str = "") -> list[str]:
    return [item.strip() for item in env(name, default, former=former).split(",") if item.strip()]


SEMAINE_ENV = env("SEMAINE_ENV", "demo")
PRODUCTION = SEMAINE_ENV == "production"
DATA_DIR = Path(env("SEMAINE_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def _secret_key() -> str:
    key = env("SEMAINE_SECRET_KEY", former="SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SEMAINE_SECRET_KEY must be set when SEMAINE_ENV=production.")
    # Demo and development: one random key kept in the data folder.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SEMAINE_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "SEMAINE_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver",
    former="ALLOWED_HOSTS",
)
CSRF_TRUSTED_ORIGINS = env_list("SEMAINE_CSRF_TRUSTED_ORIGINS", former="CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SEMAINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
#: The design systems of ui/templates/ui/themes/.
THEMES = ("dsfr",)
THEME = env("SEMAINE_THEME", "dsfr")
if THEME not in THEMES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SEMAINE_THEME: {THEME!r} is not a theme (known: {', '.join(THEMES)}).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "dsfr",
    "widget_tweaks",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "ninja",
    "semaine.core",
    "semaine.accounts",
    "semaine.territory",
    "semaine.organisers",
    "semaine.agenda",
    "semaine.registrations",
    "semaine.hackathons",
    "semaine.consultations",
    "semaine.opendata",
    "semaine.ledger",
    "semaine.interop",
    "semaine.api",
    "semaine.ui",
    "semaine.web",
]

MIDDLEWARE = [
    "semaine.core.ratelimit.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "semaine.urls"
WSGI_APPLICATION = "semaine.wsgi.application"
ASGI_APPLICATION = "semaine.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "semaine.ui.context_processors.site",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'semaine.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env("SEMAINE_DATABASE_URL", DEFAULT_SQLITE, former="DATABASE_URL"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server: psycopg then prepares the statements a process runs
    # repeatedly, and PostgreSQL stops re-planning the agenda's queries on every request.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "SEMAINE_DB_SERVER_SIDE_BINDING", True
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while the other writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process: nothing lives in one process's memory between requests.
# By default the cache is a table of the database. With many visitors, point SEMAINE_CACHE_URL
# at a Redis server shared by the web processes (redis://host:6379/0; `pip install semaine[redis]`).
CACHE_URL = env("SEMAINE_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": env(
                "SEMAINE_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
            ),
            "LOCATION": "semaine_cache",
            # Pages of a large programme: keep many (the default, 300, would cull constantly).
            "OPTIONS": {"MAX_ENTRIES": env_int("SEMAINE_CACHE_MAX_ENTRIES", 50000)},
        }
    }

#: Open-data files (exports of each edition, large calendar feeds), built by the worker and
#: served from here: on shared storage when several machines serve the site.
SEMAINE_OPENDATA_DIR = Path(env("SEMAINE_OPENDATA_DIR", DATA_DIR / "opendata")).resolve()
#: Seconds a queued build keeps later changes from queueing another (a lost queue entry is made
#: up for by the periodic job).
SEMAINE_OPENDATA_QUEUE_TIMEOUT = 600
#: Most events of a filtered export, computed in the request; a larger selection is refused
#: with a link to the edition's whole file.
SEMAINE_EXPORT_MAX_FILTERED_EVENTS = env_int("SEMAINE_EXPORT_MAX_FILTERED_EVENTS", 5000)
#: Calendar feeds of more events than this are built by the worker and served as files.
SEMAINE_FEED_INLINE_MAX_EVENTS = env_int("SEMAINE_FEED_INLINE_MAX_EVENTS", 2000)

#: Memory each process gives to its copies of cached anonymous pages (semaine.core.cache).
SEMAINE_PAGE_MEMORY_BYTES = env_int("SEMAINE_PAGE_MEMORY_MB", 32) * 1024 * 1024
#: How long a process trusts the content generation it read before reading it again (seconds).
SEMAINE_PAGE_GENERATION_TTL = float(env("SEMAINE_PAGE_GENERATION_TTL", "0.1"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "semaine.accounts.backends.AddressThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:dashboard"
LOGOUT_REDIRECT_URL = "ui:home"

# Sign-in attempts: five failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("SEMAINE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("SEMAINE_AXES", True)
AXES_CLIENT_IP_CALLABLE = "semaine.core.ratelimit.client_address"
# Password spraying: failed sign-ins from one address over any accounts (semaine.accounts.backends).
SEMAINE_LOGIN_ADDRESS_LIMIT = env_int("SEMAINE_LOGIN_ADDRESS_LIMIT", 30)
SEMAINE_LOGIN_ADDRESS_PERIOD = env_int("SEMAINE_LOGIN_ADDRESS_PERIOD", 900)

# The reverse proxies whose X-Forwarded-For is believed (semaine.core.ratelimit.client_address).
SEMAINE_TRUSTED_PROXIES = env("SEMAINE_TRUSTED_PROXIES", "").strip()
for _proxy in filter(None, (item.strip() for item in SEMAINE_TRUSTED_PROXIES.split(","))):
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SEMAINE_TRUSTED_PROXIES: {_proxy!r} is neither an address nor a CIDR range."
        ) from _error

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
SERVE_MEDIA = env_bool("SEMAINE_SERVE_MEDIA", not PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the static files are served straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SEMAINE_IMAGE_MAX_BYTES = 5 * 1024 * 1024

# E-mail: console unless an SMTP host is given.
_email_host = env("SEMAINE_EMAIL_HOST", "", former="EMAIL_HOST")
_email_dir = env("SEMAINE_EMAIL_DIR", "")
if _email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email_host
    EMAIL_PORT = env_int("SEMAINE_EMAIL_PORT", 587, former="EMAIL_PORT")
    EMAIL_HOST_USER = env("SEMAINE_EMAIL_HOST_USER", "", former="EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("SEMAINE_EMAIL_HOST_PASSWORD", "", former="EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("SEMAINE_EMAIL_USE_TLS", True, former="EMAIL_USE_TLS")
    # A server that stops answering fails the try (it is retried) instead of holding the worker.
    EMAIL_TIMEOUT = env_int("SEMAINE_EMAIL_TIMEOUT", 30, former="EMAIL_TIMEOUT")
elif _email_dir:
    # The demo writes each e-mail as a file to read (data/e-mails/).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email_dir
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env(
    "SEMAINE_DEFAULT_FROM_EMAIL",
    "Semaine de l'innovation publique <ne-pas-repondre@semaine.localhost>",
    former="DEFAULT_FROM_EMAIL",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An e-mail that cannot be sent is tried this many times in all, waiting 1, 5, 25… times
# SEMAINE_EMAIL_RETRY_SECONDS between tries, then shown as not sent (see accounts/outbox.py).
SEMAINE_EMAIL_ATTEMPTS = env_int("SEMAINE_EMAIL_ATTEMPTS", 4)
SEMAINE_EMAIL_RETRY_SECONDS = env_int("SEMAINE_EMAIL_RETRY_SECONDS", 60)

# Background work: Django's tasks framework, stored in the database, run by `semaine worker`.
TASKS = {
    "default": {
        "BACKEND": env("SEMAINE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# `semaine serve` (gunicorn): where it listens, its processes, the threads of each, and the seconds
# after which a process that stopped answering is restarted (its command-line options win).
SEMAINE_BIND = env("SEMAINE_BIND", "0.0.0.0:8000")
SEMAINE_WEB_CONCURRENCY = env_int("SEMAINE_WEB_CONCURRENCY", 3, former="WEB_CONCURRENCY")
SEMAINE_THREADS = env_int("SEMAINE_THREADS", 8)
SEMAINE_TIMEOUT = env_int("SEMAINE_TIMEOUT", 60)

# The public ledger (see ledger/): its origin line, key, sealing interval and witnesses.
# The private key comes from SEMAINE_LEDGER_KEY ("PRIVATE+KEY+…") or is created on first use in
# DATA_DIR/ledger/; a new key needs a new origin (a new log).
LEDGER_ORIGIN = env("SEMAINE_LEDGER_ORIGIN", "semaine.localhost/ledger")
LEDGER_KEY = env("SEMAINE_LEDGER_KEY", "")
LEDGER_KEY_FILE = DATA_DIR / "ledger" / "log.key"
LEDGER_INTERVAL = env_int("SEMAINE_LEDGER_INTERVAL", 60)
#: "URL VERIFIER-KEY" pairs separated by commas: witnesses asked to cosign every checkpoint
LEDGER_WITNESSES = [
    tuple(item.split()) for item in env("SEMAINE_LEDGER_WITNESSES", "").split(",") if item.strip()
]

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Map tiles: none by default, so that no visitor's browser asks a third party for anything; the
# maps then draw the départements' outlines under the markers. Any XYZ tile server can be set
# (IGN's Géoplateforme for State sites, or the operator's own).
MAP_TILES_URL = env("SEMAINE_MAP_TILES_URL", "", former="SEMAINE_MAP_TILES")
MAP_TILES_ATTRIBUTION = env("SEMAINE_MAP_TILES_ATTRIBUTION", "", former="SEMAINE_MAP_ATTRIBUTION")
# Venues are placed on the map by their address (the Base Adresse Nationale's search), from the
# background worker only; empty: at the centre of their commune, from the shipped data.
GEOCODER_URL = env(
    "SEMAINE_GEOCODER_URL", "https://api-adresse.data.gouv.fr/search/" if PRODUCTION else ""
)


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *filter(None, [_origin(MAP_TILES_URL)])],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SEMAINE_SECURE_SSL_REDIRECT", True, former="SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env_int(
        "SEMAINE_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, former="SECURE_HSTS_SECONDS"
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SEMAINE_SECURE_HSTS_PRELOAD", True, former="SECURE_HSTS_PRELOAD")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SEMAINE_ALLOWED_HOSTS must be set when SEMAINE_ENV=production.")

FORMS_URLFIELD_ASSUME_HTTPS = True
# Registrations: attempts per hour from one address and for one e-mail; personal data of past
# events is anonymised after this many months.
SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS = env_int("SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS", 30)
SEMAINE_REGISTRATION_LIMIT_PER_EMAIL = env_int("SEMAINE_REGISTRATION_LIMIT_PER_EMAIL", 5)
SEMAINE_RETENTION_MONTHS = env_int("SEMAINE_RETENTION_MONTHS", 12)
# The welcome desk records presences from this many hours before a slot starts (unset: from the
# start of its day, Paris time) until this many hours after it ends (unset: the end of its day).
SEMAINE_CHECKIN_OPENS_BEFORE = env_float("SEMAINE_CHECKIN_OPENS_BEFORE")
SEMAINE_CHECKIN_CLOSES_AFTER = env_float("SEMAINE_CHECKIN_CLOSES_AFTER")

DSFR_MARK_OPTIONAL_FIELDS = True
DSFR_USE_INTEGRITY_CHECKSUMS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SEMAINE_LOG_LEVEL", "WARNING")},
}
#: Requests an organiser's API token may send per period (seconds), then 429 with Retry-After.
SEMAINE_API_RATE_LIMIT = env_int("SEMAINE_API_RATE_LIMIT", 120)
SEMAINE_API_RATE_PERIOD = env_int("SEMAINE_API_RATE_PERIOD", 60)
