"""Settings, read from the environment (django-environ).

DJANGO_ENV=production turns DEBUG off and requires SECRET_KEY and ALLOWED_HOSTS; cookies
are then secure and HSTS is on, and it refuses to start with DEBUG on or with weak keys
(config/production.py). DATABASE_URL and REDIS_URL are always required here: the
`config.devstack` launcher sets them to embedded servers when they are not given.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # issue 13 (prod)

from config import production
from core import logs, sentry  # Issue 13 (observe)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=production.DEV_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Keys for encrypting personal data (BSN, names, birth date, address, guardians' contact
# details, uploaded files) at rest. Several keys may be given, comma separated; the first
# encrypts, all decrypt (rotate with `manage.py rotate_encryption_keys`).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=[] if PRODUCTION else [production.DEV_FIELD_ENCRYPTION_KEY],
)
# Key for the keyed hashes (blind indexes) that find the same youth again (BSN, family
# name + birth date). Separate from the encryption keys and stable: rotating those never
# changes a hash. Changing this one needs `rotate_encryption_keys --reindex`.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="" if PRODUCTION else production.DEV_BLIND_INDEX_KEY)

# Two-factor authentication (django-otp, accounts/two_factor.py): required for coordinators,
# providers, behavioural scientists, administrators and staff, and for every member of an
# organisation whose policy asks for it. Only in development may the demo users of
# `seed_demo` skip it (TWO_FACTOR_DEMO_EXEMPT=true); production refuses the setting.
TWO_FACTOR_DEMO_EXEMPT = env.bool("TWO_FACTOR_DEMO_EXEMPT", default=False)

# Production refuses DEBUG, a missing, development or weak SECRET_KEY, missing, development
# or weak field-encryption and blind-index keys and the demo exemption from two-factor authentication
# (config/production.py).
if PRODUCTION:
    production.refuse_weak_production_settings(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        field_keys=FIELD_ENCRYPTION_KEYS,
        blind_index_key=BLIND_INDEX_KEY,
        two_factor_demo_exempt=TWO_FACTOR_DEMO_EXEMPT,
    )

INSTALLED_APPS = [
    "accounts.apps.TwoFactorAdminConfig",  # django.contrib.admin, its site asking for the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",  # the name itself: pytest-django's live server serves static files only then
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "pgtrigger",
    "axes",
    "csp",
    "core",
    "accounts",
    "capacity",
    "intake.apps.IntakeConfig",
    "placement",
    "reporting",
    "planning",  # issue 16: what-if replays, what to contract
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.unavailable.DatabaseUnavailableMiddleware",  # Issue 13 (faults): PostgreSQL down -> 503
    "core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AccessLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:  # static files from `collectstatic`, served by WhiteNoise
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
# Issue 13 (observe): the request id first (core/request_id.py), Prometheus' request metrics
# around everything (django-prometheus; its DB and cache wrappers are not used).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.request_id.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = environ.Env.db_url_config(url)
    config["HOST"] = unquote(config.get("HOST") or "")  # socket directories come %-encoded
    # Issue 13 (prod): persistent connections in production (a new connection per request
    # made /api/v1/me 1.78x slower), checked before reuse so a restarted database or a
    # failover costs one retry, not an error. Development and tests keep one per request.
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
    config["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    return config


DATABASES = {"default": _database(env.str("DATABASE_URL"))}
# The application role is DATABASE_URL's user. DATABASE_OWNER_URL (the owner role, same
# database) is only for `migrate`/`flush` (core.db_roles); never give it to web/worker/beat.
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
DATABASE_OWNER = _database(env.str("DATABASE_OWNER_URL")) if env.str("DATABASE_OWNER_URL", default="") else None
# Reporting may read from a replica (reporting issue); the router is a no-op without one.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database(env.str("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # Issue 13 (scaleout): a replica that is down is noticed in seconds, not a TCP timeout.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
# Issue 13 (scaleout): reports read from the primary while the replica is unreachable or
# lags more than this many seconds (reporting/router.py); checked at most every N seconds.
REPORTING_REPLICA_MAX_LAG_SECONDS = env.float("REPORTING_REPLICA_MAX_LAG_SECONDS", default=30.0)
REPORTING_REPLICA_CHECK_SECONDS = env.float("REPORTING_REPLICA_CHECK_SECONDS", default=2.0)
REPORTING_REPLICA_CATCH_UP_SECONDS = env.float("REPORTING_REPLICA_CATCH_UP_SECONDS", default=0.25)
# Proxies (addresses or networks) whose X-Forwarded-For the access log believes (NEN 7513
# source address); empty: the log records REMOTE_ADDR.
ACCESS_LOG_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(proxy, strict=False)) for proxy in env.list("ACCESS_LOG_TRUSTED_PROXIES", default=[])
]
DATABASE_ROUTERS = ["reporting.router.ReportingReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Issue 13 (oidc): organisation login with OpenID Connect (mozilla-django-oidc), one
# configuration per organisation in the admin (accounts.OidcConfiguration, accounts/oidc.py).
# No user is ever created by it; the library's single-provider OIDC_OP_* settings are unused.
AUTHENTICATION_BACKENDS += ["accounts.oidc.OrganisationOIDCBackend"]
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT_SECONDS", default=5.0)  # each call to a login service
OIDC_VERIFY_SSL = True
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)  # discovery + JWKS
OIDC_CLOCK_LEEWAY_SECONDS = env.int("OIDC_CLOCK_LEEWAY_SECONDS", default=30)  # ID token exp/iat
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_exempt"  # organisation logins: no password lockout

# Lockout after repeated failures (django-axes): 5 wrong passwords lock that username
# from that address only, so an outsider elsewhere cannot keep the real user out (and one
# user's typos do not lock the colleagues behind the same address). The cool-off doubles
# with every further lockout of the pair within AXES_PROGRESSIVE_WINDOW_HOURS, up to
# AXES_COOLOFF_MAX_MINUTES (accounts/lockout.py cool_off).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_BASE = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_COOLOFF_MAX = timedelta(minutes=env.int("AXES_COOLOFF_MAX_MINUTES", default=24 * 60))
AXES_PROGRESSIVE_WINDOW = timedelta(hours=env.int("AXES_PROGRESSIVE_WINDOW_HOURS", default=24))
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Every failure is kept (AccessFailureLog) so repeated lockouts can be counted; each
# attempt expires by its own cool-off (not by the current request's).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Behind a proxy set AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER so the
# address is the client's, not the proxy's.

# Sessions: at most 8 hours after login, and 30 minutes without a request
# (accounts/middleware.py SessionTimeoutMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

OTP_TOTP_ISSUER = "Regie op plaatsing"
# Recovery codes handed out when an authenticator app is set up (each works once).
TWO_FACTOR_RECOVERY_CODES = 10

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Issue 13 (prod): of node_modules only the files the pages use (core/staticfiles.py), so
# `collectstatic` in production never meets a vendor file we do not serve (the Utrecht
# tokens' background-image-icon.css names a pijltje.svg the package does not ship).
VENDOR_STATIC_FILES = {
    "vendor/htmx/htmx.min.js": BASE_DIR / "node_modules/htmx.org/dist/htmx.min.js",
    "vendor/utrecht/index.css": BASE_DIR / "node_modules/@utrecht/component-library-css/dist/index.css",
    "vendor/utrecht-tokens/index.css": BASE_DIR / "node_modules/@utrecht/design-tokens/dist/index.css",
    "vendor/chartjs/chart.umd.js": BASE_DIR / "node_modules/chart.js/dist/chart.umd.js",
    "vendor/chartjs/chart.umd.js.map": BASE_DIR / "node_modules/chart.js/dist/chart.umd.js.map",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "core.staticfiles.AppDirectoriesFinder",  # without bundles no page serves (ReDoc)
    "core.staticfiles.VendorFileFinder",
]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
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
# Issue 13 (prod): WhiteNoise precompresses (gzip + brotli) what collectstatic collects,
# except source maps (only a browser's developer tools fetch them; brotli on the API docs'
# maps took much of collectstatic's time) and what is compressed already.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Pages name static files through the manifest (hashed names, cached for a year); the
# unhashed copies would only double the image and the compression time.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Uploaded documents live outside the web root and are served only through views that
# check permission and write the access log.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "private")))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

# E-mail: SMTP in production (EMAIL_URL), files under .data/mail otherwise.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="regie@example.org")

# Celery: Redis broker, tasks acknowledged late so a crashed worker's task runs again
# (tasks are idempotent). Publishing never blocks a request for long when Redis is down.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "core.tasks.outbox_flush", "schedule": env.float("OUTBOX_FLUSH_SECONDS", default=30.0)},
    "worker-heartbeat": {"task": "core.tasks.worker_heartbeat", "schedule": 15.0},
    # Capacity: planned afbouw/opbouw just after midnight, stale reminders at 08:00.
    "capacity-changes-apply": {"task": "capacity.tasks.capacity_changes_apply", "schedule": crontab(hour=0, minute=5)},
    "capacity-stale-reminders": {"task": "capacity.tasks.stale_reminders_send", "schedule": crontab(hour=8, minute=0)},
    # Offers: expire overdue offers every 15 minutes (deadlines end at 23:59:59), remind at 08:30.
    "placement-offers-expire": {"task": "placement.tasks.offers_expire_overdue", "schedule": crontab(minute="*/15")},
    "placement-offer-reminders": {
        "task": "placement.tasks.offer_reminders_send",
        "schedule": crontab(hour=8, minute=30),
    },
    # Crisis placements (issue 11): a dossier past its due day is reported once, hourly check.
    "placement-crisis-overdue": {"task": "placement.tasks.crisis_overdue_notify", "schedule": crontab(minute=7)},
    # Issue 11: warn coordinators and providers before a machtiging ends (once per end date).
    "placement-machtiging-warnings": {
        "task": "placement.tasks.machtiging_warnings_send",
        "schedule": crontab(hour=7, minute=45),
    },
    # Reporting: the previous quarter's report per region on the first day of each quarter.
    "reporting-quarterly-reports": {
        "task": "reporting.tasks.quarterly_reports_build",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    # Privacy: carry out every region's retention policy at night (idempotent).
    "privacy-retention-apply": {"task": "privacy.tasks.retention_apply", "schedule": crontab(hour=2, minute=30)},
}
HEALTH_HEARTBEAT_MAX_AGE = env.int("HEALTH_HEARTBEAT_MAX_AGE", default=120)

# Issue 14 (api-behaviour): Idempotency-Key on POSTs (core/idempotency.py): answers kept
# for IDEMPOTENCY_TTL_HOURS (beat prunes hourly); a reservation whose request died is
# taken over after IDEMPOTENCY_IN_FLIGHT_SECONDS.
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
IDEMPOTENCY_IN_FLIGHT_SECONDS = env.int("IDEMPOTENCY_IN_FLIGHT_SECONDS", default=120)
CELERY_BEAT_SCHEDULE["idempotency-keys-prune"] = {
    "task": "core.tasks.idempotency_keys_prune",
    "schedule": crontab(minute=17),
}

# Issue 13 (faults): survive a broker, worker or database outage.
# Publishing after commit (core.publish): one connection attempt with this timeout, then
# publishing is skipped for PUBLISH_CIRCUIT_SECONDS; the rows wait for beat.
PUBLISH_TIMEOUT_SECONDS = env.float("PUBLISH_TIMEOUT_SECONDS", default=0.5)
PUBLISH_CIRCUIT_SECONDS = env.float("PUBLISH_CIRCUIT_SECONDS", default=10.0)
# A worker killed during a task gives the message back (acks_late + reject on worker lost);
# a message not acknowledged within the visibility timeout is delivered again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600),
}
# Exports and quarterly reports queued or running (with a dead runner) longer than this are
# handed to a worker again by beat (reporting.tasks.stale_jobs_requeue); after
# JOB_MAX_ATTEMPTS started runs a job fails for good and the user sees that.
STALE_JOB_SECONDS = env.int("STALE_JOB_SECONDS", default=300)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["reporting-stale-jobs-requeue"] = {
    "task": "reporting.tasks.stale_jobs_requeue",
    "schedule": env.float("STALE_JOB_SWEEP_SECONDS", default=60.0),
}
# Issue 16.2 (whatif): what-if replays are jobs too (core.jobs); the same sweep hands lost ones out.
CELERY_BEAT_SCHEDULE["planning-replay-stale-requeue"] = {
    "task": "planning.tasks.replay_stale_requeue",
    "schedule": env.float("STALE_JOB_SWEEP_SECONDS", default=60.0),
}
# Uploads stay in memory up to the largest accepted one (plus the form around it) and
# are only ever written encrypted (core.private_files): a killed web process leaves no
# plaintext of an upload in a temporary file. Larger bodies are refused while reading.
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = ["core.uploads.MemoryOnlyUploadHandler"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],  # issue 14: a NUL in a text is 422
    # JSON only in production (errors as problem+json); the browsable API only in development.
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "EXCEPTION_HANDLER": "core.api.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "core.renderers.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens (django-rest-knox): only a hash is stored, each expires, one per client name
# (accounts/tokens.py); `Authorization: Token <token>`.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its unused default table (knox_authtoken) even though
# accounts.ApiToken replaces it; without them nothing of knox is migrated.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=8)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regie op plaatsing API",
    "DESCRIPTION": "Placement coordination for Dutch youth-care regions.",
    "VERSION": "1.0.0",
    # One gender code set: a youth's gender (GenderEnum) and the subset a facility may
    # accept (FacilityGenderEnum, without "unknown").
    "ENUM_NAME_OVERRIDES": {
        "GenderEnum": "capacity.models.Gender",
        "FacilityGenderEnum": "capacity.models.FACILITY_GENDER_CHOICES",
        # a provider's decline reasons: declines and the region's parking reasons (issue 11)
        "DeclineReasonEnum": "placement.models.PROVIDER_DECLINE_REASONS",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Issue 14 (api-spec): paths relative to `servers` (which end in /api/v1); the hooks of
    # core/schema.py add errors, the API-Version header, texts, examples and links.
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.postprocess_schema"],
    # The need profile's intensity (analyses) and a facility's band (capacity) are both
    # "intensity"; name the need profile's set apart so the schema has one name per set.
}
# Issue 14 (api-spec): one name per coded set in the schema (responses document their enums).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "RoleEnum": "accounts.models.Role",
        "RequestStatusEnum": "intake.models.requests.Status",
        "RequestKindEnum": "intake.models.requests.Kind",
        "RequestOutcomeEnum": "intake.models.requests.Outcome",
        "OfferStatusEnum": "placement.models.offers.OfferStatus",
        "OfferDeclineReasonEnum": "placement.models.offers.DeclineReason",
        "IntroductionOutcomeEnum": "placement.models.offers.IntroductionOutcome",
        "PlacementKindEnum": "placement.models.placements.PlacementKind",
        "AssignmentStatusEnum": "intake.models.analyses.AnalysisAssignment.AssignmentStatus",
        "DocumentKindEnum": "intake.models.analyses.Document.DocumentKind",
        "ReportJobStatusEnum": "reporting.models.QuarterlyReport.Status",
        # Issue 14 (api-resources): the new resources' code sets
        "EndReasonEnum": "placement.models.EndReason",
        "AftercareDestinationEnum": "placement.models.AftercareDestination",
    }
)
# Issue 14 (api-spec): where integrators reach the API (the spec's `servers`, https, ending in
# /api/v1) and whom they ask (`info.contact`).
API_PUBLIC_URL = env.str("API_PUBLIC_URL", default="https://regie.example.org/api/v1")
API_CONTACT = {
    "name": env.str("API_CONTACT_NAME", default="Functioneel beheer regie op plaatsing"),
    "email": env.str("API_CONTACT_EMAIL", default="regie@example.org"),
    "url": env.str("API_CONTACT_URL", default="https://regie.example.org"),
}

# Issue 14 (api-core): the runtime of the API (core/api_runtime.py: Accept-Language,
# API-Version, unreadable query strings, lowerCamelCase query names with their deprecated
# snake_case aliases, problem+json for every error), rate limits per user, per token and
# per address without a user (core/throttling.py, Redis cache; RateLimit-* headers, 429
# with Retry-After) and CORS for /api/ only, off until CORS_ALLOWED_ORIGINS names origins.
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.unavailable.DatabaseUnavailableMiddleware"), "core.api_runtime.ApiRuntimeMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.unavailable.DatabaseUnavailableMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
INSTALLED_APPS += ["corsheaders"]
API_THROTTLE_RATES = {
    "user": env.str("API_THROTTLE_USER_RATE", default="1200/minute"),
    "token": env.str("API_THROTTLE_TOKEN_RATE", default="600/minute"),
    "anon": env.str("API_THROTTLE_ANON_RATE", default="120/minute"),
}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "core.throttling.AnonRateThrottle",
    "core.throttling.UserRateThrottle",
    "core.throttling.TokenRateThrottle",
]
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False  # tokens in the Authorization header, never the session cookie
CORS_ALLOW_HEADERS = ["accept", "accept-language", "authorization", "content-type", "idempotency-key", "if-match"]
CORS_EXPOSE_HEADERS = [
    "API-Version",
    "Content-Language",
    "Deprecation",
    "ETag",
    "Link",
    "Location",
    "RateLimit-Limit",
    "RateLimit-Policy",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "Warning",
]
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=3600)
# (core.schema.postprocess_schema calls core.schema_runtime.postprocess_runtime first)

# Issue 13 (observe): logs on stdout for web, worker and beat (core/logs.py): one JSON object a
# line (LOG_FORMAT=json, the default in production) or readable lines (console), each with the
# request id of core/request_id.py; Celery keeps this configuration (config/celery.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "console")
LOGGING = logs.logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
logs.structlog_configure()
# Prometheus metrics on /metrics (config/metrics.py) for whoever sends `Authorization: Bearer
# <METRICS_TOKEN>`; without METRICS_TOKEN the endpoint does not exist (404), also in production.
# Offers whose deadline falls within METRICS_OFFER_DEADLINE_HOURS count as near their deadline.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_OFFER_DEADLINE_HOURS = env.int("METRICS_OFFER_DEADLINE_HOURS", default=24)
# Errors to Sentry only when SENTRY_DSN is set, without personal data (core/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry.sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this
# site (no inline script or style anywhere, no framing, forms post only here). QR codes
# for two-factor setup are data: images. Set CSP_REPORT_ONLY=true to try a change first.
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
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Issue 13 (prod): the kubelet probes the pods over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^health(/live)?$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Issue 14 (api-push): webhooks per organisation (accounts/webhooks.py). Plain http only to this
# machine (127.0.0.1, localhost, ::1) and only where this allows it: on in development and
# tests, refused in production. Failed deliveries are retried after BACKOFF * 2**(n-1) seconds
# (at most BACKOFF_MAX) until MAX_ATTEMPTS; beat hands due deliveries to a worker.
WEBHOOKS_ALLOW_HTTP_LOOPBACK = env.bool("WEBHOOKS_ALLOW_HTTP_LOOPBACK", default=not PRODUCTION)
if PRODUCTION and WEBHOOKS_ALLOW_HTTP_LOOPBACK:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DJANGO_ENV=production refuses to start: WEBHOOKS_ALLOW_HTTP_LOOPBACK is on; webhooks go to https only."
    )
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=8)
WEBHOOKS_BACKOFF_SECONDS = env.float("WEBHOOKS_BACKOFF_SECONDS", default=30.0)
WEBHOOKS_BACKOFF_MAX_SECONDS = env.float("WEBHOOKS_BACKOFF_MAX_SECONDS", default=6 * 3600.0)
CELERY_BEAT_SCHEDULE["webhooks-flush"] = {
    "task": "accounts.tasks.webhooks_flush",
    "schedule": env.float("WEBHOOKS_FLUSH_SECONDS", default=30.0),
}
# Issue 14 (api-webhooks): `availability.stale` when a facility's figures cross the staleness
# line, found by a sweep every AVAILABILITY_STALE_SWEEP_SECONDS that looks back at most
# AVAILABILITY_STALE_LOOKBACK_HOURS (older crossings are left to the 08:00 reminder).
AVAILABILITY_STALE_LOOKBACK_HOURS = env.int("AVAILABILITY_STALE_LOOKBACK_HOURS", default=24)
CELERY_BEAT_SCHEDULE["capacity-stale-crossings"] = {
    "task": "capacity.tasks.stale_crossings_send",
    "schedule": env.float("AVAILABILITY_STALE_SWEEP_SECONDS", default=300.0),
}
