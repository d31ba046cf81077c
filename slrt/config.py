"""Configuration from the environment."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SLRT_INSTANCE_DIR", BASE_DIR / "instance"))

TIMEZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class ConfigError(RuntimeError):
    """The environment does not allow the portal to start safely."""


def _development_secret_key() -> str:
    """Keep one random key under instance/ so sessions survive restarts in development."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'slrt.db'}"


class Config:
    def __init__(self) -> None:
        env = os.environ
        self.SLRT_ENV = env.get("SLRT_ENV", "development")
        self.PRODUCTION = self.SLRT_ENV == "production"
        # Training (role play, "Bimtek"): every page, receipt and letter says PELATIHAN, no SMS leaves, and
        # `flask demo reset` puts the starting data back.
        self.TRAINING = self.SLRT_ENV == "training"
        secret = env.get("SECRET_KEY")
        if not secret:
            if self.PRODUCTION:
                raise ConfigError("SECRET_KEY must be set when SLRT_ENV=production")
            secret = _development_secret_key()
        self.SECRET_KEY = secret
        # Encrypts the TOTP secrets (slrt.auth.two_factor); SECRET_KEY when unset. Changing it voids enrolments.
        self.SLRT_TOTP_KEY = env.get("SLRT_TOTP_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        # A read replica for the report pages and exports (deploy/CAPACITY.md); empty: everything on the primary.
        self.SLRT_REPORTS_DATABASE_URL = env.get("SLRT_REPORTS_DATABASE_URL", "")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

        # The district this installation serves (Kemendagri code and name).
        self.SLRT_REGION_CODE = env.get("SLRT_REGION_CODE", "32.04")
        self.SLRT_REGION_NAME = env.get("SLRT_REGION_NAME", "Kabupaten Bandung")
        self.SLRT_OFFICE_NAME = env.get("SLRT_OFFICE_NAME", "SLRT Dinas Sosial " + self.SLRT_REGION_NAME)
        zone = env.get("SLRT_TIMEZONE", "WIB").upper()
        self.SLRT_TIMEZONE = TIMEZONES.get(zone, zone if "/" in zone else "Asia/Jakarta")
        self.SLRT_PUBLIC_URL = env.get("SLRT_PUBLIC_URL", "")

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PRODUCTION
        self.SESSION_COOKIE_NAME = "slrt_session"
        self.PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(env.get("SLRT_IDLE_MINUTES", "30")))
        # The cookie is re-signed when the session changed, else at most once a minute (slrt/auth/session.py).
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.SLRT_SESSION_REFRESH_SECONDS = int(env.get("SLRT_SESSION_REFRESH_SECONDS", "60"))
        self.REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        # Throttle counts are shared by every worker and node: in the database unless a Redis is named
        # (e.g. redis://127.0.0.1:6379/0). "memory://" would count per worker: N workers, N times the limit.
        self.RATELIMIT_STORAGE_URI = (env.get("SLRT_RATELIMIT_STORAGE_URI") or env.get("REDIS_URL")
                                      or "slrt-database://")
        self.RATELIMIT_KEY_PREFIX = env.get("SLRT_RATELIMIT_KEY_PREFIX", "slrt")
        self.RATELIMIT_HEADERS_ENABLED = False
        self.RATELIMIT_STRATEGY = "moving-window"
        # Failed logins: per account *and* address first (someone elsewhere cannot lock a clerk out), then
        # a higher ceiling per account from all addresses, and one per address over all accounts.
        self.SLRT_LOGIN_LIMIT = env.get("SLRT_LOGIN_LIMIT", "5 per 15 minutes")
        self.SLRT_LOGIN_ACCOUNT_LIMIT = env.get("SLRT_LOGIN_ACCOUNT_LIMIT", "50 per 15 minutes")
        self.SLRT_LOGIN_ADDRESS_LIMIT = env.get("SLRT_LOGIN_ADDRESS_LIMIT", "30 per 15 minutes")
        self.SLRT_STATUS_LIMIT = env.get("SLRT_STATUS_LIMIT", "10 per 10 minutes")
        self.SLRT_STATUS_TICKET_LIMIT = env.get("SLRT_STATUS_TICKET_LIMIT", "5 per 10 minutes")
        # NIK checks at the counter, per user: a busy window checks a few NIKs a minute, a guesser many more.
        self.SLRT_NIK_CHECK_LIMIT = env.get("SLRT_NIK_CHECK_LIMIT", "60 per 10 minutes")
        self.SLRT_PROXY_COUNT = int(env.get("SLRT_PROXY_COUNT", "0"))
        # Brotli/gzip for text responses (slrt/core/compression.py); SLRT_COMPRESS=0 leaves it to a proxy.
        self.SLRT_COMPRESS = env.get("SLRT_COMPRESS", "1") != "0"
        # The public status page kept ready-made per ticket while its case does not move (slrt/core/page_cache.py);
        # SLRT_PAGE_CACHE=0 renders every request (bench/status_vs_hello.py measures both).
        self.SLRT_PAGE_CACHE = env.get("SLRT_PAGE_CACHE", "1") != "0"

        self.BABEL_DEFAULT_LOCALE = "id"
        self.BABEL_DEFAULT_TIMEZONE = self.SLRT_TIMEZONE
        self.LANGUAGES = ("id", "en")
        self.MAX_CONTENT_LENGTH = int(env.get("SLRT_MAX_UPLOAD_MB", "200")) * 1024 * 1024
        self.SLRT_DEMO_PASSWORD = env.get("SLRT_DEMO_PASSWORD")
        # Uploads hold personal data: kept outside static/, served only through audited routes.
        self.SLRT_UPLOAD_DIR = env.get("SLRT_UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
        # `flask backup`: where backups go (outside the web root) and how many days keep their newest one.
        self.SLRT_BACKUP_DIR = env.get("SLRT_BACKUP_DIR") or str(INSTANCE_DIR / "backups")
        self.SLRT_BACKUP_KEEP_DAYS = int(env.get("SLRT_BACKUP_KEEP_DAYS", "14"))
        # The district server's Ed25519 key for signing its monthly aggregate files (`flask rollup keygen`).
        self.SLRT_ROLLUP_KEY_FILE = env.get("SLRT_ROLLUP_KEY_FILE") or str(INSTANCE_DIR / "rollup-ed25519.pem")
        # The largest file of each kind (slrt/core/uploads.py): minutes and attachments, the letterhead logo
        # (inlined in every printed letter), a registry extract.
        # The outbox (slrt/notifications): the SMS gateway (none: messages are only logged), the retry schedule
        # in seconds ("60,300,1800"), the attempts before a message fails, and when messages leave after the
        # commit ("thread", "inline", or "off" for `flask outbox run` alone). Empty: the outbox's defaults.
        self.SLRT_SMS_GATEWAY_URL = env.get("SLRT_SMS_GATEWAY_URL", "")
        self.SLRT_SMS_GATEWAY_TOKEN = env.get("SLRT_SMS_GATEWAY_TOKEN", "")
        self.SLRT_SMS_GATEWAY_TIMEOUT = env.get("SLRT_SMS_GATEWAY_TIMEOUT", "10")
        self.SLRT_OUTBOX_BACKOFF = env.get("SLRT_OUTBOX_BACKOFF", "")
        self.SLRT_OUTBOX_MAX_ATTEMPTS = env.get("SLRT_OUTBOX_MAX_ATTEMPTS", "")
        self.SLRT_OUTBOX_DISPATCH = env.get("SLRT_OUTBOX_DISPATCH", "")
        # WhatsApp Business Cloud API (or a compatible provider): where notices to citizens who chose
        # WhatsApp leave (slrt/notifications/whatsapp.py). Unset phone number id or token: they go by SMS.
        # Business-initiated notices are template messages: SLRT_WA_TEMPLATES maps a message kind to an
        # approved template ("registered=slrt_terdaftar,closed=slrt_selesai:en"), others use the default
        # template; each template has one body parameter, the notice's text.
        self.SLRT_WA_API_URL = env.get("SLRT_WA_API_URL", "https://graph.facebook.com")
        self.SLRT_WA_API_VERSION = env.get("SLRT_WA_API_VERSION", "v21.0")
        self.SLRT_WA_PHONE_NUMBER_ID = env.get("SLRT_WA_PHONE_NUMBER_ID", "")
        self.SLRT_WA_TOKEN = env.get("SLRT_WA_TOKEN", "")
        self.SLRT_WA_TIMEOUT = env.get("SLRT_WA_TIMEOUT", "10")
        self.SLRT_WA_TEMPLATES = env.get("SLRT_WA_TEMPLATES", "")
        self.SLRT_WA_TEMPLATE_DEFAULT = env.get("SLRT_WA_TEMPLATE_DEFAULT", "slrt_pemberitahuan")
        self.SLRT_WA_TEMPLATE_LANGUAGE = env.get("SLRT_WA_TEMPLATE_LANGUAGE", "id")
        # The inbound webhook (slrt/whatsapp): the app secret that signs Meta's posts, the token of the
        # verification handshake, messages per number and district before the portal stops answering, days the
        # text of a conversation is kept, and the office hours told to citizens where a district's settings name
        # none (slrt.admin.settings.office_hours).
        self.SLRT_WA_APP_SECRET = env.get("SLRT_WA_APP_SECRET", "")
        self.SLRT_WA_VERIFY_TOKEN = env.get("SLRT_WA_VERIFY_TOKEN", "")
        self.SLRT_WA_MESSAGE_LIMIT = env.get("SLRT_WA_MESSAGE_LIMIT", "20 per 10 minutes")
        self.SLRT_WA_RETENTION_DAYS = int(env.get("SLRT_WA_RETENTION_DAYS", "90"))
        self.SLRT_OFFICE_HOURS = env.get("SLRT_OFFICE_HOURS", "Senin-Jumat 08.00-15.00")
        # SP4N-LAPOR! (slrt/lapor): the integration API the operator gives under an agreement.
        self.SLRT_LAPOR_URL = env.get("SLRT_LAPOR_URL", "")
        self.SLRT_LAPOR_TOKEN = env.get("SLRT_LAPOR_TOKEN", "")
        self.SLRT_LAPOR_TIMEOUT = env.get("SLRT_LAPOR_TIMEOUT", "20")
        # The account that registers the pulled complaints (a district-level user), and their category.
        self.SLRT_LAPOR_USER = env.get("SLRT_LAPOR_USER", "")
        self.SLRT_LAPOR_CATEGORY = env.get("SLRT_LAPOR_CATEGORY", "LAINNYA")
        self.SLRT_UPLOAD_LIMITS = {"document": int(env.get("SLRT_DOCUMENT_MAX_MB", "10")) * 1024 * 1024,
                                   "logo": int(env.get("SLRT_LOGO_MAX_KB", "512")) * 1024,
                                   "registry": self.MAX_CONTENT_LENGTH,
                                   "attachment": int(env.get("SLRT_ATTACHMENT_MAX_MB", "15")) * 1024 * 1024}
        # Photos are kept at most this size (longest side, px); larger images (pixels) are refused outright.
        self.SLRT_IMAGE_MAX_SIDE = int(env.get("SLRT_IMAGE_MAX_SIDE", "1600"))
        self.SLRT_IMAGE_MAX_PIXELS = int(env.get("SLRT_IMAGE_MAX_MEGAPIXELS", "80")) * 1_000_000


_TEST_UPLOADS: list[str] = []


def _test_upload_dir() -> str:
    """One temporary upload folder per test process, removed when the process ends."""
    if not _TEST_UPLOADS:
        import atexit
        import shutil
        import tempfile
        _TEST_UPLOADS.append(tempfile.mkdtemp(prefix="slrt-test-uploads-"))
        atexit.register(shutil.rmtree, _TEST_UPLOADS[0], True)
    return _TEST_UPLOADS[0]


class TestConfig(Config):
    def __init__(self, database_url: str | None = None) -> None:
        os.environ.setdefault("SECRET_KEY", "test-secret-key")
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url or "sqlite://"
        self.WTF_CSRF_ENABLED = False
        self.RATELIMIT_STORAGE_URI = "slrt-database://"  # what production uses; emptied between tests
        self.SESSION_COOKIE_SECURE = False
        self.SLRT_CHEAP_PASSWORD_HASH = True  # Argon2id at its smallest cost: tests create many accounts
        self.SLRT_UPLOAD_DIR = _test_upload_dir()  # never the worktree's instance/
