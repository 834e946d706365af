"""Settings for Meal Expense Tracker, read top to bottom, configured only by environment variables.

Every variable and its default is listed in `.env.example`. A `.env` file at the project root is read when
present; real environment variables win over it.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from mealtracker import __version__
from mealtracker.cloud import (
    DATABASE_CA_BUNDLE,
    database_tls_options,
    database_url_for_iam,
    database_url_from_secret,
    load_app_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ON_LAMBDA = bool(env.str("AWS_LAMBDA_FUNCTION_NAME", default=""))
if not ON_LAMBDA:  # a deployed function is configured by its environment and Secrets Manager only
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# In AWS the app's own secrets (SECRET_KEY, FIELD_ENCRYPTION_KEY, PLACES_API_KEY, e-mail credentials) live in one
# Secrets Manager secret, read once per cold start; the database credentials are separate secrets (see Database).
APP_SECRET_ID = env.str("APP_SECRET_ID", default="")
APP_SECRET = load_app_secret(APP_SECRET_ID) if APP_SECRET_ID else {}
SECRET_KEY = APP_SECRET.get("SECRET_KEY") or env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or DEBUG=true for local "
            "development only); production never falls back to a built-in key."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
APP_VERSION = env.str("APP_VERSION", default=__version__)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "mealtracker",
    "accounts",
    "expenses",
    "reports",
]

MIDDLEWARE = [
    # First: the request id (logs, X-Request-ID) and the request's metrics line time everything below.
    "mealtracker.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files get the frame and content-security headers too (WhiteNoise answers them
    # without calling the middleware below it).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mealtracker.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed) and above everything that writes a page: compresses the
    # app's text responses; safe with CSRF tokens in pages for the reasons in docs/decisions.md ("Compressed pages").
    "mealtracker.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reports, exports, dashboards and lists read from the replica, except just after the user's own write.
    "mealtracker.db_router.ReplicaReadsMiddleware",
    # Pages and the admin in the signed-in user's timezone (the API keeps its own, explicit timezones).
    "accounts.middleware.UserTimezoneMiddleware",
    # Auditors read only: every write they send is refused here, whatever the surface.
    "accounts.middleware.AuditorReadOnlyMiddleware",
    # The expense history names the surface a change came through (web, API, back office).
    "expenses.middleware.HistorySourceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "mealtracker.api.problems.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "mealtracker.urls"
WSGI_APPLICATION = "mealtracker.wsgi.application"
ASGI_APPLICATION = "mealtracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["mealtracker.templatetags.remembered_urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The navigation's live count of meals waiting for a manager's decision (one query, managers only).
                "expenses.context_processors.approvals_waiting",
            ],
        },
    },
]
# Django's form renderer, with <select> written in Python (mealtracker.forms.FormRenderer).
FORM_RENDERER = "mealtracker.forms.FormRenderer"
# Forms render through crispy-forms with Bootstrap 5 markup (docs/web-ui.md).
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database -----------------------------------------------------------------------------------------
# On AWS the function reaches PostgreSQL through RDS Proxy (DATABASE_HOST) as its own least-privilege role
# (DATABASE_USER, made by `manage.py create_app_db_role`), signing in with a fresh IAM token per connection: no
# database password is in the function, and neither the RDS-managed rotation of the master password nor a new
# app-role password (kept in the proxy's secret) touches a warm function. The master user never serves requests.
DATABASE_HOST = env.str("DATABASE_HOST", default="")
DATABASE_PROXY = env.bool("DATABASE_PROXY", default=bool(DATABASE_HOST))
# TLS that checks the server: on Lambda verify-full against the CA bundle shipped in the package (certs/README.md).
DATABASE_SSLMODE = env.str("DATABASE_SSLMODE", default="verify-full" if ON_LAMBDA else "")
DATABASE_SSLROOTCERT = env.str("DATABASE_SSLROOTCERT", default=str(DATABASE_CA_BUNDLE))
if database_url_from_secret(APP_SECRET):  # an older stack: credentials inside the app secret
    DATABASES = {"default": environ.Env.db_url_config(database_url_from_secret(APP_SECRET))}
elif DATABASE_HOST:
    DATABASES = {
        "default": environ.Env.db_url_config(
            database_url_for_iam(
                host=DATABASE_HOST,
                port=env.int("DATABASE_PORT", default=5432),
                name=env.str("DATABASE_NAME", default="mealtracker"),
                user=env.str("DATABASE_USER", default="mealtracker_app"),
            )
        )
    }
    DATABASES["default"]["ENGINE"] = "mealtracker.rds_iam"
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Behind the proxy a connection is kept across invocations of a warm function: reopening one costs a TLS handshake
# and an IAM check at the proxy on every request, while an idle client connection holds no PostgreSQL backend
# (the proxy multiplexes). 600 s stays under the proxy's idle client timeout (900 s, terraform/modules/rds_proxy),
# so the proxy never drops a connection Django still counts on; the health check catches any other loss.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600 if DATABASE_PROXY else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Many rows written at once (an import's, a restore's) go to PostgreSQL by COPY (mealtracker.bulk_writes);
# DATABASE_COPY=false sends them as INSERTs instead, should a pooler on the way not pass COPY through.
DATABASE_COPY = env.bool("DATABASE_COPY", default=True)
if DATABASES["default"]["ENGINE"] in {"django.db.backends.postgresql", "mealtracker.rds_iam"}:
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.update(database_tls_options(sslmode=DATABASE_SSLMODE, sslrootcert=DATABASE_SSLROOTCERT))
    if options.get("sslmode", "").startswith("verify-"):
        options.setdefault("sslrootcert", DATABASE_SSLROOTCERT)
    if not DATABASE_PROXY:
        # No JIT: PostgreSQL compiles a plan when its estimated cost is high, and for our short queries and the
        # export's per-row tag subquery the compiling took longer than the running (1.7 s of JIT on a 1.2 s query at
        # 1M expenses, docs/performance.md). The RDS parameter group turns it off (terraform/modules/database); a
        # start-up option through the proxy would pin each session to one PostgreSQL connection, so it is not sent.
        options["options"] = "-c jit=off"
# `manage.py create_app_db_role`, run once per stage through the function: the master's RDS-managed secret, the
# instance's own address (the master never goes through the proxy) and the proxy's secret for the app role.
DATABASE_ADMIN = {
    "master_secret_id": env.str("DATABASE_MASTER_SECRET_ID", default=""),
    "host": env.str("DATABASE_ADMIN_HOST", default=""),
    "port": env.int("DATABASE_PORT", default=5432),
    "name": env.str("DATABASE_NAME", default="mealtracker"),
    "role": env.str("DATABASE_USER", default="mealtracker_app"),
    "app_secret_id": env.str("DATABASE_APP_SECRET_ID", default=""),
    "connection_limit": env.int("DATABASE_APP_CONNECTION_LIMIT", default=100),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replica (optional): reports, exports, dashboards and list pages read from it (rules in mealtracker/db_router.py).
# On AWS the function reaches it through the RDS Proxy read-only endpoint (DATABASE_REPLICA_HOST) with the same role
# and IAM sign-in as the primary; elsewhere DATABASE_REPLICA_URL names it. Without either, the alias `replica` is the
# primary under a second name and nothing is routed to it.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_HOST = env.str("DATABASE_REPLICA_HOST", default="")
if DATABASE_REPLICA_HOST and DATABASES["default"]["ENGINE"] == "mealtracker.rds_iam":
    # Straight to the replica (RDS Proxy has no reader for an RDS instance) as a read-only role, with IAM tokens.
    _replica = {
        **DATABASES["default"],
        "HOST": DATABASE_REPLICA_HOST,
        "USER": env.str("DATABASE_REPLICA_USER", default="mealtracker_reader"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
    }
elif DATABASE_REPLICA_URL:
    _replica = environ.Env.db_url_config(DATABASE_REPLICA_URL)
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
else:
    _replica = None
DATABASE_REPLICA_ENABLED = _replica is not None
DATABASES["replica"] = _replica or {**DATABASES["default"]}
DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **DATABASES["replica"].get("OPTIONS", {})}
if DATABASES["replica"]["ENGINE"] in {"django.db.backends.postgresql", "mealtracker.rds_iam"}:
    # A replica that does not answer is skipped quickly (reads fall back to the primary).
    DATABASES["replica"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_REPLICA_CONNECT_TIMEOUT_SECONDS", default=2)
    )
# Tests use the primary's test database under the replica's name (a real standby is tested by its own module).
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["mealtracker.db_router.PrimaryReplicaRouter"]
# Reads go back to the primary when the replica lags by more than this (seconds of replay) or does not answer.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
# How long each process keeps the replica's verdict before asking again (one cheap query).
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=5.0)
# A user who changed data reads from the primary for this long: they always see their own writes.
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=10)

# --- Cache --------------------------------------------------------------------------------------------
# Shared by every process and Lambda instance: login lockouts (django-axes' cache handler), API throttle counters
# (with Redis; in the database otherwise), place lookups, report figures and write stamps.
# Redis (ElastiCache Serverless on AWS, `rediss://` with TLS) when REDIS_URL is set; the database cache otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, with Redis not answering treated as a miss (mealtracker/redis_cache.py).
            "BACKEND": "mealtracker.redis_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mealtracker"),
            "OPTIONS": {
                # A cache that does not answer fails fast; the callers that can do without it do.
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=1.0),
                "socket_timeout": env.float("REDIS_TIMEOUT_SECONDS", default=1.0),
            },
        }
    }
else:
    CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
# Report and dashboard figures stay cached this long at most (0 turns the figures cache off); a write changes their
# key at once (mealtracker/report_cache.py). On by default with Redis only: on the database cache the stamps every
# write updates would cost more queries than the cached figures save.
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Sessions are written to the database and read from Redis when there is one: a page's session lookup is then no
# query (a Redis that does not answer is a miss, and the database answers).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Internationalisation, time and money ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # storage is UTC; each user's IANA timezone drives display and local dates
USE_I18N = True
USE_TZ = True
REPORTING_CURRENCY = env.str("REPORTING_CURRENCY", default="USD").upper()
DEFAULT_USER_CURRENCY = env.str("DEFAULT_USER_CURRENCY", default=REPORTING_CURRENCY).upper()
# A rate typed for a foreign-currency meal further than this from the stored rate of its day is flagged to the approver.
EXCHANGE_RATE_TOLERANCE_PERCENT = Decimal(env.str("EXCHANGE_RATE_TOLERANCE_PERCENT", default="2"))

# --- Auth ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
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

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For: 0 locally (the socket's peer is the client), 1 behind
# the regional API Gateway on Lambda. Every throttle and the lockout key clients by this (mealtracker/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if ON_LAMBDA else 0)
AXES_CLIENT_IP_CALLABLE = "mealtracker.client_ip.client_ip"
# Sign-in attempts (web and API, successful or not) per client address and per account, in DRF's rate notation.
# An office behind one NAT address shares the first: raise it there.
SIGN_IN_RATE_PER_ADDRESS = env.str("SIGN_IN_RATE_PER_ADDRESS", default="20/hour")
SIGN_IN_RATE_PER_ACCOUNT = env.str("SIGN_IN_RATE_PER_ACCOUNT", default="10/hour")

# --- API ----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "mealtracker.api.filtering.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "mealtracker.api.filtering.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "mealtracker.api.pagination.CursorPagination",
    # DRF's own parsers, but JSON nested too deeply is a 400 (mealtracker/bounded_json.py).
    "DEFAULT_PARSER_CLASSES": [
        "mealtracker.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "mealtracker.api.problems.problem_exception_handler",
    # Throttle counters are atomic Redis counters with Redis as the cache, else rows updated by one atomic statement
    # (mealtracker/ratelimit.py): every instance agrees.
    "DEFAULT_THROTTLE_CLASSES": [
        "mealtracker.api.throttles.AnonRateThrottle",
        "mealtracker.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="300/hour"),
        "user": env.str("API_THROTTLE_USER", default="3000/hour"),
        "auth": env.str("API_THROTTLE_AUTH", default="20/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": datetime.timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": datetime.timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash: a changed password ends every access token at once (refresh
    # tokens are also blacklisted by the password services).
    "CHECK_REVOKE_TOKEN": True,
}
# However often a refresh token is rotated, its chain ends this long after the sign-in that began it.
JWT_REFRESH_CHAIN_LIFETIME = datetime.timedelta(days=env.int("JWT_REFRESH_CHAIN_DAYS", default=30))
API_IDEMPOTENCY_TTL = datetime.timedelta(hours=env.int("API_IDEMPOTENCY_HOURS", default=24))
SPECTACULAR_SETTINGS = {
    "TITLE": "Meal Expense Tracker API",
    "DESCRIPTION": "Log, approve and analyse meal expenses. Errors are RFC 9457 problem details.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mealtracker.api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ExpenseStatusEnum": "expenses.choices.ExpenseStatus",
        "MealTypeEnum": "expenses.choices.MealType",
        "OrderTypeEnum": "expenses.choices.OrderType",
        "ReportBasisEnum": "reports.selectors.scope.Basis",
        "PolicyBasisEnum": "expenses.models.policies.PolicyBasis",
        "ImportActionEnum": "reports.models.ImportAction",
        "ExpenseReportStatusEnum": "expenses.models.reports.ReportStatus",
        "ExpenseReportBasisEnum": "expenses.models.reports.ReportBasis",
        "ReimbursementBatchStatusEnum": "expenses.models.reports.BatchStatus",
        "ReportBundleStatusEnum": "expenses.models.reports.BundleStatus",
    },
}

# --- Static files and uploads -------------------------------------------------------------------------
STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Receipts and exports: local files by default; a private S3 bucket with SSE-KMS when RECEIPTS_BUCKET is set.
RECEIPTS_BUCKET = env.str("RECEIPTS_BUCKET", default="")
RECEIPTS_KMS_KEY_ID = env.str("RECEIPTS_KMS_KEY_ID", default="")
PRESIGNED_URL_SECONDS = env.int("PRESIGNED_URL_SECONDS", default=300)
# Expense report bundles (PDF + ZIP) of up to this many meals are built in the request; larger ones by a job.
REPORT_BUNDLE_INLINE_LINES = env.int("REPORT_BUNDLE_INLINE_LINES", default=25)
# Approvers are reminded of meals waiting for them longer than this many days (a scheduled job, weekdays).
APPROVAL_REMINDER_DAYS = env.int("APPROVAL_REMINDER_DAYS", default=3)
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RECEIPTS_BUCKET,
            "default_acl": None,  # the bucket policy keeps everything private
            "file_overwrite": False,
            "querystring_auth": True,  # downloads are presigned URLs
            "querystring_expire": PRESIGNED_URL_SECONDS,
            "signature_version": "s3v4",
            "object_parameters": {
                "ServerSideEncryption": "aws:kms",
                **({"SSEKMSKeyId": RECEIPTS_KMS_KEY_ID} if RECEIPTS_KMS_KEY_ID else {}),
            },
        },
    }
    if RECEIPTS_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
# Static files ship inside the deployment package and are served by WhiteNoise with hashed, immutable names:
# one artifact per release, so a rollback brings its own CSS and JS back with it.
# Only set when given: WhiteNoise reads a None prefix as "/" and would then miss every /static/ URL.
if env.str("WHITENOISE_STATIC_PREFIX", default=""):
    WHITENOISE_STATIC_PREFIX = env.str("WHITENOISE_STATIC_PREFIX")
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_BYTES", default=10 * 1024 * 1024)
# A file posted to the app itself travels inside the Lambda request (6 MB, base64 inflates it by a third): on Lambda
# larger receipts go straight to S3 (POST /api/v1/receipts/uploads/), and the multipart path says so.
RECEIPT_INLINE_MAX_BYTES = env.int(
    "RECEIPT_INLINE_MAX_BYTES", default=min(RECEIPT_MAX_BYTES, 4 * 1024 * 1024) if ON_LAMBDA else RECEIPT_MAX_BYTES
)

# --- Security -----------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Live updates -------------------------------------------------------------------------------------
# Pages learn of changes over a WebSocket (docs/realtime.md). In AWS the API Gateway WebSocket API (WEBSOCKET_URL,
# wss://...) and its Management API endpoint (WEBSOCKET_MANAGEMENT_URL, https://...) come from Terraform's outputs;
# without them the ASGI server's /ws/ carries the same events through Django Channels.
WEBSOCKET_URL = env.str("WEBSOCKET_URL", default="")
WEBSOCKET_MANAGEMENT_URL = env.str("WEBSOCKET_MANAGEMENT_URL", default="")
REALTIME_BACKEND = env.str("REALTIME_BACKEND", default="apigateway" if WEBSOCKET_MANAGEMENT_URL else "channels")
# How long a ticket for the WebSocket's $connect is good for (signed by the web session, single purpose).
REALTIME_TICKET_SECONDS = env.int("REALTIME_TICKET_SECONDS", default=60)
# Pages poll at this pace while the socket is closed.
REALTIME_POLL_SECONDS = env.int("REALTIME_POLL_SECONDS", default=20)
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
if WEBSOCKET_URL:
    from urllib.parse import urlsplit as _urlsplit_socket

    _socket = _urlsplit_socket(WEBSOCKET_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(f"{_socket.scheme}://{_socket.netloc}")

# Receipts larger than a Lambda request go from the browser straight to the bucket (a presigned POST).
if RECEIPTS_BUCKET:
    _region = env.str("AWS_REGION", default=env.str("AWS_DEFAULT_REGION", default="us-east-1"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] += [  # botocore names us-east-1 buckets without a region
        f"https://{RECEIPTS_BUCKET}.s3.amazonaws.com",
        f"https://{RECEIPTS_BUCKET}.s3.{_region}.amazonaws.com",
    ]

# Browser features: the camera (receipt photos) and geolocation ("near me") for our own pages, every other one off.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "geolocation": ["self"],
    **{
        feature: []
        for feature in [
            "accelerometer", "ambient-light-sensor", "autoplay", "battery", "bluetooth", "browsing-topics",
            "display-capture", "document-domain", "encrypted-media", "fullscreen", "gamepad", "gyroscope", "hid",
            "identity-credentials-get", "idle-detection", "interest-cohort", "local-fonts", "magnetometer",
            "microphone", "midi", "otp-credentials", "payment", "picture-in-picture", "publickey-credentials-create",
            "publickey-credentials-get", "screen-wake-lock", "serial", "speaker-selection", "storage-access", "usb",
            "web-share", "window-management", "xr-spatial-tracking",
        ]
    },
}  # fmt: skip

# --- Internet egress ----------------------------------------------------------------------------------
# Whether the function can reach the internet (a NAT gateway in its stage: terraform `enable_nat_gateway`). Without
# it the features that need the internet are off instead of failing: Google place lookups are hidden and the daily
# ECB rates download is skipped (logged, not an error in the dead-letter queue). E-mail goes through SES's SMTP
# VPC endpoint and needs no egress.
INTERNET_EGRESS = env.bool("INTERNET_EGRESS", default=True)
ECB_RATES_DOWNLOAD = INTERNET_EGRESS and env.bool("ECB_RATES_DOWNLOAD", default=True)
# Well inside the function's 30 s timeout, leaving time to load the rates it fetched.
ECB_DOWNLOAD_TIMEOUT_SECONDS = env.int("ECB_DOWNLOAD_TIMEOUT_SECONDS", default=15)
# The scheduled run loads the last days only: the whole history since 1999 would not fit in one invocation.
ECB_SCHEDULED_DAYS = env.int("ECB_SCHEDULED_DAYS", default=10)

# --- E-mail -------------------------------------------------------------------------------------------
# On AWS: SES through its SMTP VPC endpoint (EMAIL_HOST=email-smtp.<region>.amazonaws.com, port 587, STARTTLS); the
# SMTP credentials are keys of the app secret (EMAIL_HOST_USER, EMAIL_HOST_PASSWORD), added there by hand.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587 if EMAIL_HOST.startswith("email-smtp.") else 25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=EMAIL_HOST.startswith("email-smtp."))
EMAIL_HOST_USER = APP_SECRET.get("EMAIL_HOST_USER") or env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = APP_SECRET.get("EMAIL_HOST_PASSWORD") or env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Meal Expense Tracker <no-reply@localhost>")
# The address users open the app at: links in notification e-mails (the meal, the unsubscribe link) start with it.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

# --- Webhooks -----------------------------------------------------------------------------------------
# Deliveries: seconds to connect and read, and attempts before giving up (backoff 1, 2, 4, ... minutes, max 6 h).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
# Only for tests and local receivers: allow http and loopback (127.0.0.1, ::1) endpoints. Never on in production.
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False)

# --- Logging ------------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")  # "json" on Lambda: one JSON object per line
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries its request's id (mealtracker/request_context.py), also sent as X-Request-ID.
    "filters": {"request_id": {"()": "mealtracker.request_context.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "mealtracker.logs.JsonLineFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Metrics, traces and errors -----------------------------------------------------------------------
# CloudWatch Embedded Metric Format lines on stdout, one per request and per business event (mealtracker/metrics.py).
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
METRICS_NAMESPACE = env.str("METRICS_NAMESPACE", default="MealTracker")
# X-Ray subsegments for SQL, S3, Textract and Places calls: on Lambda with active tracing and aws-xray-sdk installed.
# Lambda sets AWS_XRAY_DAEMON_ADDRESS only when the function's active tracing is on.
XRAY_TRACING = env.bool("XRAY_TRACING", default=ON_LAMBDA and bool(env.str("AWS_XRAY_DAEMON_ADDRESS", default="")))
# Error tracking with the Sentry SDK when a DSN is given (no personal data is sent: mealtracker/tracing.py).
SENTRY_DSN = APP_SECRET.get("SENTRY_DSN") or env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=env.str("STAGE", default="local"))
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# --- Receipts OCR and places --------------------------------------------------------------------------
# Receipt OCR: "tesseract" (local binary, see scripts/setup-ocr.sh), "textract" (AWS AnalyzeExpense) or "none".
OCR_BACKEND = env.str("OCR_BACKEND", default="none").lower()
if OCR_BACKEND not in {"none", "tesseract", "textract"}:
    raise ImproperlyConfigured("OCR_BACKEND must be one of: none, tesseract, textract.")
OCR_TESSERACT_CMD = env.str("OCR_TESSERACT_CMD", default="tesseract")
OCR_TESSERACT_LANG = env.str("OCR_TESSERACT_LANG", default="eng")
OCR_TEXTRACT_REGION = env.str("OCR_TEXTRACT_REGION", default="")  # empty: the AWS default region
OCR_TIMEOUT_SECONDS = env.int("OCR_TIMEOUT_SECONDS", default=30)
OCR_PREFILL_MIN_CONFIDENCE = env.float("OCR_PREFILL_MIN_CONFIDENCE", default=0.5)
# Google Places API (New), called from the server only with a server key (never shown in pages).
# An empty key turns place search, details and validation off.
# A secret: on AWS it is a field of the Secrets Manager app secret, never a baked environment variable.
PLACES_API_KEY = APP_SECRET.get("PLACES_API_KEY") or env.str("PLACES_API_KEY", default="")
if not INTERNET_EGRESS:
    PLACES_API_KEY = ""  # no route to Google from this stage: place search and validation are hidden
PLACES_API_BASE_URL = env.str("PLACES_API_BASE_URL", default="https://places.googleapis.com/v1").rstrip("/")
PLACES_FIELD_TIER = env.str("PLACES_FIELD_TIER", default="enterprise").lower()  # essentials | pro | enterprise
if PLACES_FIELD_TIER not in {"essentials", "pro", "enterprise"}:
    raise ImproperlyConfigured("PLACES_FIELD_TIER must be one of: essentials, pro, enterprise.")
PLACES_TIMEOUT_SECONDS = env.float("PLACES_TIMEOUT_SECONDS", default=5.0)
PLACES_CACHE_SECONDS = env.int("PLACES_CACHE_SECONDS", default=24 * 3600)
# Loyalty account numbers are encrypted at rest (Fernet). Comma-separated keys rotate: the first encrypts, all
# decrypt (`manage.py rotate_field_encryption` re-encrypts with the first). Its own key, never derived from
# SECRET_KEY, so rotating SECRET_KEY leaves stored numbers readable; required when DEBUG is off. Only local
# development (DEBUG) falls back to SECRET_KEY.
FIELD_ENCRYPTION_KEY = APP_SECRET.get("FIELD_ENCRYPTION_KEY") or env.str("FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not set. Give it its own random key (the app secret's FIELD_ENCRYPTION_KEY on "
            "AWS); production never derives it from SECRET_KEY."
        )
    FIELD_ENCRYPTION_KEY = SECRET_KEY
# Google place lookups from the web pages: calls per signed-in user per minute (each call is billed by Google).
PLACES_USER_CALLS_PER_MINUTE = env.int("PLACES_USER_CALLS_PER_MINUTE", default=20)
# Map tiles for the restaurants map (Leaflet, served from static/vendor/leaflet/). {s}, {z}, {x}, {y} as Leaflet
# expects; the tiles' host is added to the CSP img-src. Empty: the map is not shown (the list always is).
MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="© OpenStreetMap contributors")
if MAP_TILES_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(MAP_TILES_URL.replace("{s}", "*"))
    if _tiles.scheme not in {"https", "http"} or not _tiles.hostname:
        raise ImproperlyConfigured("MAP_TILES_URL must be an http(s) URL template.")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
# Receipt photos read for the add-meal form (OCR is slow, and billed on Textract): per signed-in user per minute.
OCR_USER_READS_PER_MINUTE = env.int("OCR_USER_READS_PER_MINUTE", default=10)
