"""One settings module, configured by the environment.

Environment variables (all optional for the demo):

- ``SEMAINE_ENV``: ``demo`` (default) or ``production``. Production refuses to start without
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on HTTPS-only cookies and HSTS.
- ``SEMAINE_DATA_DIR``: folder for the SQLite database, uploads and keys (default ``./data``).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/semaine`` (default: SQLite in the data folder).
- ``SECRET_KEY``, ``ALLOWED_HOSTS`` (comma separated), ``CSRF_TRUSTED_ORIGINS``.
- ``EMAIL_URL``-like settings: ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``, ``DEFAULT_FROM_EMAIL``; without ``EMAIL_HOST`` the
  e-mails are written to the console. ``SEMAINE_EMAIL_ATTEMPTS`` (4) and
  ``SEMAINE_EMAIL_RETRY_SECONDS`` (60): how often, and after how long, an e-mail that could not
  be sent is tried again.
- ``SEMAINE_THEME``: ``dsfr`` (State-run deployments) or ``neutral`` (collectivités).
- ``SEMAINE_SITE_URL``: the public address used in e-mails (default http://127.0.0.1:8000).
- ``SEMAINE_CACHE_URL``: a Redis server for the shared cache (default: a database table).
- ``SEMAINE_MAP_TILES``, ``SEMAINE_MAP_ATTRIBUTION``: the map's tile server.
- ``SEMAINE_RETENTION_MONTHS``: personal data of registrations is anonymised this many months
  after the event (12); ``SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS`` / ``…_PER_EMAIL``: registration
  attempts per hour (30 / 5).
- ``SEMAINE_TRUSTED_PROXIES``: the reverse proxies (load balancer, CDN) in front of the platform,
  comma-separated addresses or CIDR ranges (default: none). Every limit per address (sign-ins,
  registrations, data requests) counts the client's address: the connection's peer, or, when
  that peer is a trusted proxy, the right-most address of ``X-Forwarded-For`` that no trusted
  proxy added. Without it, behind a proxy every visitor shares the proxy's address.
- ``SEMAINE_LOGIN_FAILURE_LIMIT``: failed sign-ins to one account from one address before it is
  locked for 15 minutes (5); ``SEMAINE_LOGIN_ADDRESS_LIMIT``: failed sign-ins from one address,
  whatever the accounts, before every sign-in from it is refused for
  ``SEMAINE_LOGIN_ADDRESS_PERIOD`` seconds (30 per 900).
- ``SEMAINE_CHECKIN_OPENS_BEFORE`` / ``SEMAINE_CHECKIN_CLOSES_AFTER``: the welcome desk records
  presences from so many hours before a slot starts until so many hours after it ends (default:
  from the start of the slot's day to the end of its last day, Paris time).
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_float(name: str) -> float | None:
    """A number of the environment, or None when unset or empty."""
    value = os.environ.get(name, "").strip()
    return float(value) if value else None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SEMAINE_ENV = os.environ.get("SEMAINE_ENV", "demo")
PRODUCTION = SEMAINE_ENV == "production"
DATA_DIR = Path(os.environ.get("SEMAINE_DATA_DIR", Path.cwd() / "data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when SEMAINE_ENV=production.")
    # Demo and development: one random key kept in the data folder.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SEMAINE_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SEMAINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
THEME = os.environ.get("SEMAINE_THEME", "dsfr")

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
    "semaine.opendata",
    "semaine.ledger",
    "semaine.ui",
]

MIDDLEWARE = [
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
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60, conn_health_checks=True
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
CACHE_URL = os.environ.get("SEMAINE_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get(
                "SEMAINE_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
            ),
            "LOCATION": "semaine_cache",
            # Pages of a large programme: keep many (the default, 300, would cull constantly).
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SEMAINE_CACHE_MAX_ENTRIES", "50000"))},
        }
    }

#: Open-data files (exports of each edition, large calendar feeds), built by the worker and
#: served from here: on shared storage when several machines serve the site.
SEMAINE_OPENDATA_DIR = Path(os.environ.get("SEMAINE_OPENDATA_DIR", DATA_DIR / "opendata")).resolve()
#: Seconds a queued build keeps later changes from queueing another (a lost queue entry is made
#: up for by the periodic job).
SEMAINE_OPENDATA_QUEUE_TIMEOUT = 600
#: Most events of a filtered export, computed in the request; a larger selection is refused
#: with a link to the edition's whole file.
SEMAINE_EXPORT_MAX_FILTERED_EVENTS = int(os.environ.get("SEMAINE_EXPORT_MAX_FILTERED_EVENTS", "5000"))
#: Calendar feeds of more events than this are built by the worker and served as files.
SEMAINE_FEED_INLINE_MAX_EVENTS = int(os.environ.get("SEMAINE_FEED_INLINE_MAX_EVENTS", "2000"))

#: Memory each process gives to its copies of cached anonymous pages (semaine.core.cache).
SEMAINE_PAGE_MEMORY_BYTES = int(os.environ.get("SEMAINE_PAGE_MEMORY_MB", "32")) * 1024 * 1024
#: How long a process trusts the content generation it read before reading it again (seconds).
SEMAINE_PAGE_GENERATION_TTL = float(os.environ.get("SEMAINE_PAGE_GENERATION_TTL", "0.1"))

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
AXES_FAILURE_LIMIT = int(os.environ.get("SEMAINE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("SEMAINE_AXES", True)
AXES_CLIENT_IP_CALLABLE = "semaine.core.ratelimit.client_address"
# Password spraying: failed sign-ins from one address over any accounts (semaine.accounts.backends).
SEMAINE_LOGIN_ADDRESS_LIMIT = int(os.environ.get("SEMAINE_LOGIN_ADDRESS_LIMIT", "30"))
SEMAINE_LOGIN_ADDRESS_PERIOD = int(os.environ.get("SEMAINE_LOGIN_ADDRESS_PERIOD", "900"))

# The reverse proxies whose X-Forwarded-For is believed (semaine.core.ratelimit.client_address).
SEMAINE_TRUSTED_PROXIES = os.environ.get("SEMAINE_TRUSTED_PROXIES", "").strip()
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
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A server that stops answering fails the try (it is retried) instead of holding the worker.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
elif os.environ.get("SEMAINE_EMAIL_DIR"):
    # The demo writes each e-mail as a file to read (data/e-mails/).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["SEMAINE_EMAIL_DIR"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Semaine de l'innovation publique <ne-pas-repondre@semaine.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An e-mail that cannot be sent is tried this many times in all, waiting 1, 5, 25… times
# SEMAINE_EMAIL_RETRY_SECONDS between tries, then shown as not sent (see accounts/outbox.py).
SEMAINE_EMAIL_ATTEMPTS = int(os.environ.get("SEMAINE_EMAIL_ATTEMPTS", "4"))
SEMAINE_EMAIL_RETRY_SECONDS = int(os.environ.get("SEMAINE_EMAIL_RETRY_SECONDS", "60"))

# Background work: Django's tasks framework, stored in the database, run by `semaine worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SEMAINE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The public ledger (see ledger/): its origin line, key, sealing interval and witnesses.
# The private key comes from SEMAINE_LEDGER_KEY ("PRIVATE+KEY+…") or is created on first use in
# DATA_DIR/ledger/; a new key needs a new origin (a new log).
LEDGER_ORIGIN = os.environ.get("SEMAINE_LEDGER_ORIGIN", "semaine.localhost/ledger")
LEDGER_KEY = os.environ.get("SEMAINE_LEDGER_KEY", "")
LEDGER_KEY_FILE = DATA_DIR / "ledger" / "log.key"
LEDGER_INTERVAL = int(os.environ.get("SEMAINE_LEDGER_INTERVAL", "60"))
#: "URL VERIFIER-KEY" pairs separated by commas: witnesses asked to cosign every checkpoint
LEDGER_WITNESSES = [
    tuple(item.split()) for item in os.environ.get("SEMAINE_LEDGER_WITNESSES", "").split(",") if item.strip()
]

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Map tiles: any XYZ tile server (OpenStreetMap by default, IGN's Plan IGN for State sites).
# The map works without tiles (tests, offline demo): markers and clusters still show.
MAP_TILES_URL = os.environ.get(
    "SEMAINE_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = os.environ.get(
    "SEMAINE_MAP_ATTRIBUTION", "© les contributeurs d’OpenStreetMap"
)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

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
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when SEMAINE_ENV=production.")

FORMS_URLFIELD_ASSUME_HTTPS = True
# Registrations: attempts per hour from one address and for one e-mail; personal data of past
# events is anonymised after this many months.
SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS = int(os.environ.get("SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS", "30"))
SEMAINE_REGISTRATION_LIMIT_PER_EMAIL = int(os.environ.get("SEMAINE_REGISTRATION_LIMIT_PER_EMAIL", "5"))
SEMAINE_RETENTION_MONTHS = int(os.environ.get("SEMAINE_RETENTION_MONTHS", "12"))
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
    "root": {"handlers": ["console"], "level": os.environ.get("SEMAINE_LOG_LEVEL", "WARNING")},
}
#: Requests an organiser's API token may send per period (seconds), then 429 with Retry-After.
SEMAINE_API_RATE_LIMIT = int(os.environ.get("SEMAINE_API_RATE_LIMIT", "120"))
SEMAINE_API_RATE_PERIOD = int(os.environ.get("SEMAINE_API_RATE_PERIOD", "60"))
