"""Django settings for wenjiuye.

Every setting that differs between a laptop and a production server comes from an
environment variable, read through the helpers below, which fail loudly on bad values.

- ``WENJIUYE_HOME``   the working folder (database, lake, archives, reports); required in
                      production; in development the checkout's ``var/`` (``wenjiuye.home``).
                      Importing these settings writes nothing: the entry points prepare the folder
- ``DATABASE_URL``    default ``sqlite:///$WENJIUYE_HOME/wenjiuye.sqlite3``; ``postgres://…`` for a city
- ``SECRET_KEY``      in development read from ``$WENJIUYE_HOME/secret_key`` (written once by the
                      entry points), a random one for this process when that file is absent;
                      required when ``WENJIUYE_ENV=production``
- ``WENJIUYE_ENV``    ``development`` (default) or ``production``
- ``ALLOWED_HOSTS``   comma-separated; required in production
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wenjiuye.home import SECRET_KEY_FILE, HomeNotSet, resolve_home

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


ENVIRONMENT = env_str("WENJIUYE_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("WENJIUYE_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

try:
    WENJIUYE_HOME = resolve_home()
except HomeNotSet as exc:
    raise ImproperlyConfigured(str(exc)) from exc
# The Parquet lake; by default $WENJIUYE_HOME/lake. For Spark on a cluster, a path every executor
# sees (a shared filesystem, or HDFS/S3 mounted through NFS/FUSE).
WENJIUYE_LAKE = os.environ.get("WENJIUYE_LAKE") or None
# Monitoring engines: DuckDB's memory cap (spills to $WENJIUYE_HOME/tmp beyond it), Spark's master.
DUCKDB_MEMORY_LIMIT = os.environ.get("WENJIUYE_DUCKDB_MEMORY_LIMIT", "4GB")
SPARK_MASTER = os.environ.get("WENJIUYE_SPARK_MASTER", "local[2]")

# Limits on every data file read (wenjiuye.intake.readers): the browser upload (/intake/),
# `wenjiuye ingest` and the layoff roster upload. A file beyond a limit is refused with the reason
# before anything is written; a cell over the cell limit rejects its row (the value echoed in the
# reject report and on the page is cut to 200 characters).
# - an uploaded file (`wenjiuye ingest` reads files on the server's disk of any size, within the
#   other limits): a bureau CSV of a few million rows is 100–500 MB
WENJIUYE_UPLOAD_MAX_BYTES = env_int("WENJIUYE_UPLOAD_MAX_BYTES", 512 * 1024 * 1024)
# - an XLSX (a ZIP of XML parts) uncompressed, all parts together, by the sizes the archive
#   declares and by the bytes it really expands to (checked before any XML is parsed): a full
#   sheet (1,048,576 rows) of about 25 columns
WENJIUYE_UPLOAD_MAX_UNCOMPRESSED = env_int("WENJIUYE_UPLOAD_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)
# - the XLSX shared-strings part, which the reader holds in memory (the distinct texts of the sheet)
WENJIUYE_UPLOAD_MAX_SHARED_STRINGS = env_int(
    "WENJIUYE_UPLOAD_MAX_SHARED_STRINGS", 256 * 1024 * 1024
)
# - how much one XLSX part (of more than 1 MiB) may expand: Excel's sheets expand 5–20 times
WENJIUYE_UPLOAD_MAX_RATIO = env_int("WENJIUYE_UPLOAD_MAX_RATIO", 100)
# - characters in one cell: Excel's own limit (a cell of an .xlsx cannot hold more)
WENJIUYE_UPLOAD_MAX_CELL_CHARS = env_int("WENJIUYE_UPLOAD_MAX_CELL_CHARS", 32_767)
# - rows after the header (an .xlsx sheet has at most 1,048,576 in any case)
WENJIUYE_UPLOAD_MAX_ROWS = env_int("WENJIUYE_UPLOAD_MAX_ROWS", 10_000_000)
# - seconds to open one file and read and check its rows (the database load after them is not cut
#   short): a CSV row takes about 10 µs, an XLSX row 100–300 µs, so 10 million CSV rows or a full
#   sheet fit
WENJIUYE_UPLOAD_MAX_SECONDS = env_int("WENJIUYE_UPLOAD_MAX_SECONDS", 600)
# - a layoff roster (被裁减人员名单) lists one employer's workers and is read into memory
WENJIUYE_ROSTER_MAX_BYTES = env_int("WENJIUYE_ROSTER_MAX_BYTES", 32 * 1024 * 1024)
WENJIUYE_ROSTER_MAX_ROWS = env_int("WENJIUYE_ROSTER_MAX_ROWS", 100_000)


def _secret_key() -> str:
    if "SECRET_KEY" in os.environ:
        return os.environ["SECRET_KEY"]
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when WENJIUYE_ENV=production")
    key_file = WENJIUYE_HOME / SECRET_KEY_FILE
    if key_file.is_file():
        return key_file.read_text().strip()
    return secrets.token_urlsafe(50)  # this process only: sessions end with it


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [
    h.strip()
    for h in env_str("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(
        ","
    )
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when WENJIUYE_ENV=production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "wenjiuye.core",
    "wenjiuye.registry",
    "wenjiuye.intake",
    "wenjiuye.monitoring",
    "wenjiuye.deadlines",
    "wenjiuye.notify",
    "wenjiuye.response",
    "wenjiuye.incidents",
    "wenjiuye.opinion",
    "wenjiuye.assistance",
    "wenjiuye.matching",
    "wenjiuye.programmes",
    "wenjiuye.ops",  # cross-app commands: after every capability app
    "ninja",
    "huey.contrib.djhuey",
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
    "wenjiuye.core.middleware.SecurityHeadersMiddleware",
    "wenjiuye.core.middleware.ErrorPageMiddleware",
    "wenjiuye.core.error_views.MethodNotAllowedPage",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wenjiuye.urls"
WSGI_APPLICATION = "wenjiuye.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wenjiuye.core.context_processors.navigation",
                "wenjiuye.notify.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{WENJIUYE_HOME / 'wenjiuye.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while a batch job writes; a busy timeout instead of
    # "database is locked" errors under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # In production the public demo password signs nobody in (wenjiuye.core.demo_users).
    "wenjiuye.core.demo_users.DemoPasswordRefused",
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
    {"NAME": "wenjiuye.core.demo_users.NotDemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lock-out (django-axes): after AXES_FAILURE_LIMIT failures for one user name
# from one address, further attempts are refused for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Exact searches by ID number by users who may not see personal data (a masked number leaves
# thousands of candidates; a search confirms one): each is audited, and at most this many per
# user in any 60 minutes (counted in the event table, so across processes). Beyond: HTTP 429.
ID_LOOKUPS_PER_HOUR = env_int("WENJIUYE_ID_LOOKUPS_PER_HOUR", 30)

# Sessions end after 30 minutes without activity and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "wenjiuye.core.error_views.csrf_failure"  # a Chinese page, not Django's

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = WENJIUYE_HOME / "static"
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
MEDIA_ROOT = WENJIUYE_HOME / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Background worker and notifications (owned by wenjiuye.deadlines / wenjiuye.notify) ---
# Huey: SQLite storage under WENJIUYE_HOME by default, Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
HUEY: dict[str, object] = (
    {"huey_class": "huey.RedisHuey", "name": "wenjiuye", "url": REDIS_URL, "immediate": False}
    if REDIS_URL
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "wenjiuye",
        "filename": str(WENJIUYE_HOME / "huey.sqlite3"),
        "immediate": False,
    }
)
# The cache holds what every process of the site must share (the rate limit of the public
# registration form): Redis when REDIS_URL is set, else a table of the database (created by
# `migrate`). Never process memory: each server process would count on its own.
CACHES: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wenjiuye_cache",
        }
    )
}
# The worker's pass interval in seconds. The periodic task runs every minute; below 60, each
# worker also re-runs the pass every WENJIUYE_TICK_SECONDS (used by tests and small sites).
WENJIUYE_TICK_SECONDS = env_int("WENJIUYE_TICK_SECONDS", 60)

# Notifications (wenjiuye.notify). E-mail through Django's backends: the console backend in
# development; set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST etc.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wenjiuye@localhost")
# SMS gateway: "file" (JSON lines under $WENJIUYE_HOME/sms/), "console", or a dotted class path
# implementing wenjiuye.notify.channels.SmsBackend.
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", "file")
# WeChat messages to a person (official-account template messages through the city's gateway,
# addressed by mobile number or openid): "file" ($WENJIUYE_HOME/wechat/), "console" or a class path.
NOTIFY_WECHAT_BACKEND = env_str("NOTIFY_WECHAT_BACKEND", "file")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60)
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600)
NOTIFY_WEBHOOK_TIMEOUT = env_int("NOTIFY_WEBHOOK_TIMEOUT", 10)
# Group robots (DingTalk/WeCom): the only host names a robot URL may name, comma-separated. A
# robot URL must also be https on port 443, and every address its host resolves to at send time
# must be public (no loopback, private, link-local, multicast or reserved address); the
# connection goes to the checked address and follows no redirect (wenjiuye.notify.channels).
NOTIFY_WEBHOOK_ALLOWED_HOSTS = env_str(
    "NOTIFY_WEBHOOK_ALLOWED_HOSTS", "oapi.dingtalk.com,qyapi.weixin.qq.com"
).split(",")
# Prefix for links in e-mail, SMS and robot messages, e.g. https://wenjiuye.example.gov.cn
NOTIFY_SITE_URL = env_str("NOTIFY_SITE_URL", "")
NOTIFY_MESSAGE_ID_DOMAIN = env_str("NOTIFY_MESSAGE_ID_DOMAIN", "wenjiuye.local")
