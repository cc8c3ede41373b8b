"""Settings shared by every environment; anything that differs in production is an env var."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# ------------------------------------------------------------------ core
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "csp",
    "core",
    "villages",
    "cadres",
    "ledgers",
    "supervision",
    "reports",
    "work",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "villages.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the account and its scope kept in the cache (core/signed_in.py).
    "core.signed_in.CachedAuthenticationMiddleware",
    # Cache-Control: no-store on everything but the anonymous public pages (personal data).
    "core.middleware.NoStoreMiddleware",
    "villages.middleware.IdleSessionMiddleware",
    # An imported account changes its generated password first; an administrator facing an
    # empty tree is sent to 设置本县.
    "villages.middleware.PasswordChangeRequiredMiddleware",
    "villages.middleware.FirstRunMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # 400 for a NUL or another control character in the URL (inside the headers' middleware,
    # so the refusal carries them too).
    "core.middleware.RejectControlCharactersMiddleware",
    # pghistory attaches the acting user and URL to every audit event of the request.
    "pghistory.middleware.HistoryMiddleware",
    # axes must be last: it inspects the response of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "villages.context_processors.navigation",
                "work.context_processors.inbox_badge",
            ],
        },
    },
]

# ------------------------------------------------------------------ database
# PostgreSQL everywhere. A persistent connection matters: opening one costs ~33 ms here.
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cunjian"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database host that went silent must not hang requests or the health check.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DJANGO_DB_CONNECT_TIMEOUT", default=5
)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Behind PgBouncer in transaction pooling (docs/scale.md) a server-side cursor (`.iterator()`)
# cannot outlive its transaction's server connection: Django then reads such results whole.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DJANGO_DISABLE_SERVER_SIDE_CURSORS", default=False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------ auth
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account, not an IP: a whole township often shares one NAT address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
# Failed-login records are network logs: the Cybersecurity Law asks for six months at least.
AXES_RETENTION_DAYS = env.int("AXES_RETENTION_DAYS", default=180)
# axes warns when the IP is not part of the lockout key; leaving it out is the point (above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Never store the password change form's passwords in the failure records (villages/views.py).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
# Lockout rows record the same client address as every other limit (core/clients.py).
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
# Proxies in front of the app that append to X-Forwarded-For (core/clients.py): none for
# `make run` and the tests, one (the shipped nginx) in production.
CLIENT_PROXY_COUNT = env.int("CLIENT_PROXY_COUNT", default=0)

# Idle sessions end this many minutes after the last request: IdleSessionMiddleware saves the
# session (pushing its expiry forward) at most once a minute while it is used.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis, as deployed) and written through to the database,
# which keeps them when the cache is emptied: a signed-in page reads no database for its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# ------------------------------------------------------------------ i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------ cache
# Shared by every web process in production (the public question limit counts per visitor across
# workers): CACHE_URL=redis://redis:6379/2. One process's memory is enough for `make run`.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# A dashboard is kept until a record of its county changes (reports/freshness.py); this bounds how
# long a change that bypasses the model layer (raw SQL, a database shell) can stay unseen.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# After a change, the dashboard is served with the time of its figures while the worker builds
# them again, that many seconds after the first request that found them stale (the writes of a
# burst are taken in one build); a request builds them itself once they are older than
# DASHBOARD_STALE_SECONDS (no worker, or one busy for minutes).
DASHBOARD_DEBOUNCE_SECONDS = env.float("DASHBOARD_DEBOUNCE_SECONDS", default=2.0)
DASHBOARD_STALE_SECONDS = env.int("DASHBOARD_STALE_SECONDS", default=120)
# The public pages (village page, receipt page, 公开榜) are kept until something they show is
# published (core/public_cache.py); this bounds how long a write that bypasses the services stays
# unseen. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
# ... and each worker keeps what it served this long in its own memory (no trip to Redis); a
# publication shows at once in the worker that made it, in the others after at most this.
PUBLIC_LOCAL_SECONDS = env.float("PUBLIC_LOCAL_SECONDS", default=2.0)

# The signed-in user's account and scope are kept in the cache until they change
# (core/signed_in.py); this bounds how long a change that bypasses the model layer (raw SQL, a
# database shell) stays unseen. 0 turns the cache off.
SIGNED_IN_CACHE_SECONDS = env.int("SIGNED_IN_CACHE_SECONDS", default=300)

# ------------------------------------------------------------------ static and media
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.vendor_static.VendorFinder",
]
# Front-end packages come from npm (package-lock.json) and are served by whitenoise,
# never from a CDN: county intranets are often offline. Only the files the pages load are
# found and collected: URL prefix -> (folder in node_modules, glob patterns).
NODE_MODULES = BASE_DIR / "node_modules"
VENDOR_STATIC = {
    "vendor/bootstrap": ("bootstrap/dist", ["css/bootstrap.min.css", "js/bootstrap.bundle.min.js"]),
    "vendor/bootstrap-icons": ("bootstrap-icons/font", ["bootstrap-icons.min.css", "fonts/*"]),
    "vendor/htmx": ("htmx.org/dist", ["htmx.min.js"]),
    "vendor/echarts": ("echarts/dist", ["echarts.min.js"]),
    # The installable app (core/offline.py): the service worker's Workbox, one folder per module
    # as workbox-sw asks for them (modulePathCb in templates/offline/sw.js), and the phone's
    # queue of field forms kept offline (idb-keyval, static/js/offline.js).
    "vendor/workbox-sw": ("workbox-sw/build", ["workbox-sw.js"]),
    **{
        f"vendor/workbox-{name}": (f"workbox-{name}/build", [f"workbox-{name}.prod.js"])
        for name in ("core", "routing", "strategies", "precaching", "expiration")
    },
    "vendor/idb-keyval": ("idb-keyval/dist", ["umd.js"]),
    # What drf-spectacular's Swagger page loads (SWAGGER_UI_DIST, SWAGGER_UI_FAVICON_HREF).
    "vendor/swagger-ui": (
        "swagger-ui-dist",
        [
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "swagger-ui.css",
            "favicon-32x32.png",
        ],
    ),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Generated reports name people and problems: they live outside MEDIA_ROOT, which nginx serves to
# anyone, and are only ever sent by the download view after its permission check.
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))

# ------------------------------------------------------------------ generated reports
# Written by the worker, read by the download view (reports/storage.py): by default a folder
# under PRIVATE_MEDIA_ROOT, which works while web and worker share a disk; with REPORTS_S3_BUCKET
# an S3-compatible bucket (MinIO in docker-compose.yml, Aliyun OSS, Tencent COS...), whose
# private objects are handed out, after the scope check, as links signed for one file and
# REPORTS_LINK_SECONDS.
REPORTS_LINK_SECONDS = env.int("REPORTS_LINK_SECONDS", default=120)
REPORTS_S3_BUCKET = env("REPORTS_S3_BUCKET", default="")
STORAGES["reports"] = {"BACKEND": "reports.storage.PrivateStorage"}
if REPORTS_S3_BUCKET:
    STORAGES["reports"] = {
        "BACKEND": "reports.storage.ReportBucket",
        "OPTIONS": {
            "bucket_name": REPORTS_S3_BUCKET,
            "endpoint_url": env("REPORTS_S3_ENDPOINT_URL", default=None),
            # where browsers reach the bucket, when not at the endpoint (compose: through nginx)
            "public_url": env("REPORTS_S3_PUBLIC_URL", default=""),
            "region_name": env("REPORTS_S3_REGION", default=None),
            "access_key": env("REPORTS_S3_ACCESS_KEY", default=None),
            "secret_key": env("REPORTS_S3_SECRET_KEY", default=None),
            # MinIO and most S3-compatible services want the bucket in the path
            "addressing_style": env("REPORTS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # private objects (the bucket's own policy), reached only through signed links
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": REPORTS_LINK_SECONDS,
            # a version's name is never reused: a name taken gets another, never an overwrite
            "file_overwrite": False,
        },
    }

# ------------------------------------------------------------------ ledger digests
# The nightly signed digests of every village's chain head (ledgers/digests.py): a directory
# (volume) outside PostgreSQL, and the county's Ed25519 key (base64 of the 32 raw bytes; make one
# with `manage.py ledger_digest --new-key`). Without a key no digest is written.
LEDGER_DIGEST_DIR = env("LEDGER_DIGEST_DIR", default=str(BASE_DIR / "var" / "digests"))
LEDGER_SIGNING_KEY = env("LEDGER_SIGNING_KEY", default="")
# Its public half, shown to the county's supervisors with the digests (web needs no private key).
LEDGER_PUBLIC_KEY = env("LEDGER_PUBLIC_KEY", default="")
# Or an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS...) through django-storages:
# the worker needs a key that may put objects, web one that may only read them (README).
LEDGER_DIGEST_S3_BUCKET = env("LEDGER_DIGEST_S3_BUCKET", default="")
if LEDGER_DIGEST_S3_BUCKET:
    STORAGES["digests"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": LEDGER_DIGEST_S3_BUCKET,
            "location": env("LEDGER_DIGEST_S3_PREFIX", default="chain-digests"),
            "endpoint_url": env("LEDGER_DIGEST_S3_ENDPOINT_URL", default=None),
            "region_name": env("LEDGER_DIGEST_S3_REGION", default=None),
            "access_key": env("LEDGER_DIGEST_S3_ACCESS_KEY", default=None),
            "secret_key": env("LEDGER_DIGEST_S3_SECRET_KEY", default=None),
            # a digest is never replaced: a name taken gets another, never an overwrite
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# ------------------------------------------------------------------ security
CSRF_COOKIE_HTTPONLY = False
# a phone's sync is answered in JSON (it fetches a fresh token and sends again)
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing inline, neither script nor style (a template's style="" is refused: use a class of
# static/css/cunjian.css); no plugin, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# ------------------------------------------------------------------ audit trail
PGHISTORY_DEFAULT_TRACKERS = None  # each model names its trackers explicitly
PGHISTORY_ADMIN_MODEL = "villages.ChangeEvent"

# ------------------------------------------------------------------ personal data
# Resident ID numbers are encrypted at rest (django-fernet-encrypted-fields: the Fernet key is
# derived from DJANGO_SECRET_KEY and this salt; keep both, or list old secrets in
# DJANGO_SECRET_KEY_FALLBACKS) and found again through a keyed hash (HMAC-SHA256, this key).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
SALT_KEY = env.list("FIELD_ENCRYPTION_SALT", default=["cunjian-development-salt"])
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY", default="cunjian-development-id-hash-key")

# The first year the county keeps records for in this system: no inspection, hearing, audit,
# disclosure, rectification or task may concern an earlier year (core.validators.check_year).
# 2020 is the year before the current village terms began (the 2021 elections); a county
# that brings in older records sets it lower.
FIRST_RECORD_YEAR = env.int("FIRST_RECORD_YEAR", default=2020)

# ------------------------------------------------------------------ API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cunjian API",
    "DESCRIPTION": "村监: 两证一账双监督 — villages, cadres, ledgers and supervision.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Fields named state/status/kind/category exist in several models: one enum name per set.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"{app}.choices.{name}"
        for app, names in {
            "cadres": [
                "CertificateState",
                "PledgeState",
                "AdviceState",
                "PostKind",
                "PromiseCategory",
                "AdviceOutcome",
                "EndReason",
            ],
            "ledgers": [
                "VerificationState",
                "VoucherState",
                "DisclosureState",
                "HandoverState",
                "DisclosureKind",
                "AuditKind",
                "AssetMovementKind",
                "AssetCategory",
                "FindingCategory",
                "AssetStatus",
                "ResourceStatus",
                "FindingStatus",
                "DecisionKind",
            ],
            "supervision": [
                "TaskKind",
                "TaskState",
                "RecordState",
                "TemplateState",
                "ParticipantKind",
                "Grade",
                "Verdict",
                "AskerKind",
                "QuestionCategory",
                "Satisfaction",
                "Fulfilment",
                "ProblemSource",
                "ProblemCategory",
                "Severity",
                "ProblemState",
                "Escalation",
                "ProblemAction",
                "WarningLevel",
                "WarningRule",
                "RectificationState",
                "ReporterKind",
                "LeaderLevel",
                "LinkKind",
                "WorkTeamRole",
            ],
            "reports": ["ReportKind", "RunState"],
        }.items()
        for name in names
    },
    # The schema describes an internal government system: staff only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from npm (swagger-ui-dist) through whitenoise, not from a CDN.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
}

# ------------------------------------------------------------------ Celery
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# PDF workers (issue #22): a child process takes one task at a time, and a child whose peak
# memory passed this many KiB is replaced once its task is done, so the next report starts lean
# (village reports take a child to 180–200 MiB; the budget is 250 MiB a process). 0: never.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200 * 1024
)

# ------------------------------------------------------------------ notifications (work.notify)
# The only hosts the group robots' webhooks may point to: a typed address could otherwise make
# the server call any machine of the intranet (SSRF).
WEBHOOK_ALLOWED_HOSTS = env.list(
    "WEBHOOK_ALLOWED_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
)
# The site's address as users reach it, put before the links in e-mails and robot messages.
NOTIFY_SITE_URL = env("NOTIFY_SITE_URL", default="")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cunjian@localhost")
# The mail server of the notifications and reminders, e.g. smtp+tls://user:pass@mail.gov.cn:587
# (local and test settings keep mail in the console or in memory).
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# ------------------------------------------------------------------ logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO: keep the worker's log readable.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
