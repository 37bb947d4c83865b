"""Settings for the Xingqing street-and-community governance system.

Every setting that differs between a laptop and production comes from the environment. Defaults are
for development only: with DJANGO_DEBUG off the process refuses to start without DJANGO_SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "axes",
    "csp",
    "governance",
    "streets",
    "communities",
    "grids",
    "service_stations",
    "assessments",
    "accounts",
    "admissions",
    "meetings",
    "governance.district",  # composes the apps: district-wide pages and the demo data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "governance.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that can answer an error, so that every /api/ error is JSON.
    "governance.middleware.ApiJsonErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "governance.middleware.DefaultLanguageMiddleware",
    # Before anything looks a value up in the database (session, token, filters): PostgreSQL refuses NUL.
    "governance.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "governance.middleware.ProjectErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the authenticated user and every other middleware's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"

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
                "governance.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "governance.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query the planner costs high before running it: for this system's short
    # counting queries over a grown district that compilation was most of their time (a grid-workers count at
    # x10: ~300 of 370 ms, issue 14), and no query here runs long enough to earn it back. DATABASE_JIT=1 keeps it.
    if os.environ.get("DATABASE_JIT", "0") != "1":
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "governance.backends.ModelBackend",  # Django's, reading the permissions in one query
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: Simplified Chinese by default, English available; Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not env_bool("DJANGO_TESTING", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security. With DEBUG off these pass `manage.py check --deploy`; DJANGO_SECURE_SSL_REDIRECT=0 lets
# an intranet deployment that terminates TLS elsewhere turn the redirect off explicitly.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(8 * 3600)))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lock-out after repeated failed logins (login page, admin and token creation all authenticate
# through Django's authenticate(), which axes watches).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, REMOTE_ADDR is the proxy: name the header it sets and how many proxies there are,
# so that the client's own address is locked (and logged, and throttled), not the proxy's. Unset, only
# REMOTE_ADDR counts, which is right when nothing stands in front of gunicorn. django-ipware reads these.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", "REMOTE_ADDR"))
AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_IPWARE_PROXY_COUNT"]) if os.environ.get("AXES_IPWARE_PROXY_COUNT") \
    else None
AXES_IPWARE_PROXY_TRUSTED_IPS = tuple(env_list("AXES_IPWARE_PROXY_TRUSTED_IPS", "")) or None

# Request bodies: forms (Django) and the API's JSON and form parsers (governance/parsers.py) refuse more.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_MAX_BODY_BYTES", str(1024 * 1024)))

# The cache holds the API throttles' counters: shared by every gunicorn worker only when it is Redis.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["DJANGO_CACHE_URL"]}
    if os.environ.get("DJANGO_CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Each user's permissions, scope and role kept in that cache across requests (governance/authz_cache.py),
# invalidated by generations every change bumps. Only with a cache every process shares (Redis): with local
# memory, a grant revoked in one worker (or a Celery task) would not reach another's copy.
AUTHZ_CACHE = env_bool("GOVERNANCE_AUTHZ_CACHE", bool(os.environ.get("DJANGO_CACHE_URL")))

# District-wide figures (the findings' counts, the quota totals) kept in that cache under the data generation
# that every write moves on (governance/derived.py): right in every process with local memory too, since the
# generation is read from the database. The TTL bounds how long a write that bypasses Django (psql) goes unseen.
DERIVED_CACHE = env_bool("GOVERNANCE_DERIVED_CACHE", True)
DERIVED_CACHE_TTL = int(os.environ.get("GOVERNANCE_DERIVED_CACHE_TTL", "300"))

# Content-Security-Policy (django-csp): scripts and styles only from this site's own files, nothing from
# any other origin, no inline script anywhere. The API docs pages add inline styles and a blob: worker
# (Swagger UI and ReDoc build their styles at run time), see governance/api_urls.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Spreadsheet import in the admin needs the change permission on the model, export the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# REST API (DESIGN.md section 5).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.authentication.TokenAuthentication",  # DRF's, in one prepared query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["governance.permissions.ScopedModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "governance.pagination.GovernancePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "governance.filter_values.StrictFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "governance.schema.VersionedAutoSchema",
    "EXCEPTION_HANDLER": "governance.api.exception_handler",
    # JSON only (DESIGN.md section 5), bounded in size and depth: form encodings read "" as null and so
    # answered bodies the schema calls invalid; they now get 415 like any other unsupported media type.
    "DEFAULT_PARSER_CLASSES": ["governance.parsers.BoundedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_CLASSES": ["governance.throttling.ApiRateThrottle"],
    # Every endpoint per user (or anonymous client IP); the token endpoint (governance/auth.py) per client IP,
    # whatever usernames it tries, and per username.
    "DEFAULT_THROTTLE_RATES": {
        "api": os.environ.get("API_RATE", "1200/min"),
        "token_ip": os.environ.get("API_TOKEN_RATE_IP", "30/min"),
        "token_user": os.environ.get("API_TOKEN_RATE_USER", "10/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "兴庆区街道社区治理系统 API",
    "DESCRIPTION": "Xingqing District street-and-community governance system: the REST API for other "
    "district systems. Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the errors it answers (governance/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.schema.document_error_responses",
    ],
    # Several models have a field called "kind"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "PostKindEnum": "governance.models.PostKind",
        "DepartmentKindEnum": "governance.models.Department.Kind",
        "StreetOfficeKindEnum": "streets.models.StreetOffice.Kind",
        "PartyOrganizationKindEnum": "communities.models.PartyOrganization.Kind",
        "AdmissionLevelEnum": "admissions.models.Level",
        "TaskKindEnum": "admissions.models.TaskKind",
        "TaskAssignmentStatusEnum": "admissions.models.TaskAssignment.Status",
        "MeetingKindEnum": "meetings.models.MeetingKind",
        "MeetingDecisionStatusEnum": "meetings.models.MeetingDecision.Status",
        "FourListKindEnum": "meetings.models.FourListKind",
        "StationedUnitLevelEnum": "governance.models.StationedUnit.Level",
        "GridEventLevelEnum": "grids.models.Level",
        "GridUnitKindEnum": "grids.models.GridUnit.Kind",
        "GridChangeKindEnum": "grids.models.GridChangeRequest.Kind",
        "LedgerEntryKindEnum": "grids.models.LedgerEntry.Kind",
    },
}

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Nothing lost when a worker dies (governance/celery.py): a message stays with the broker until its task is
# done, a killed pool process requeues its task, and Redis hands an unacknowledged message to another
# worker only after the visibility timeout, which must be longer than any task may run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "1800"))  # seconds, hard
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 60) if CELERY_TASK_TIME_LIMIT > 120 else None
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))  # seconds
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT, or Redis redelivers a running task."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for messages whose worker died (older than the visibility timeout).
    "unacked_restore_interval": int(os.environ.get("CELERY_RESTORE_SWEEP_SECONDS", "60")),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "governance.security": {"handlers": ["console"], "level": "WARNING", "propagate": True},
        # Policy deadlines coming up (assessments/tasks.py: score_deadline_reminder_task), from beat.
        "governance.reminders": {"handlers": ["console"], "level": "INFO", "propagate": True},
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
        # 403s and 404s are logged once, by governance.security, with user, path and reason.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# E-mail, for reminders (service stations' overdue cases); unset EMAIL_HOST means in-app notifications only.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@xingqing.gov.cn")
# Uploaded files (grid events' photos): outside the database, served only through scoped views.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
GRIDS_EVENT_PHOTO_MAX_BYTES = int(os.environ.get("GRIDS_EVENT_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
