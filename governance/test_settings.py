"""Settings for the test suite: production settings with a throwaway key and fast password hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DJANGO_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from governance.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
# The tests run in one process: the local-memory cache is shared by all it serves, so the permissions and
# scope cache (governance/authz_cache.py) is on, as in production with Redis.
AUTHZ_CACHE = env_bool("GOVERNANCE_AUTHZ_CACHE", True)  # noqa: F405

# Tasks run in-process in tests even when CI sets CELERY_BROKER_URL; the worker test starts a real
# worker and sends through the broker explicitly (tests/governance/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
# Tests never run collectstatic: don't make WhiteNoise index (and warn about) a missing STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True

# The rule guard (tests/rule_guard.py) runs the suite many times: it keeps one migrated SQLite test database
# in a file, copied fresh before each run, instead of migrating for every run.
if os.environ.get("GOVERNANCE_TEST_SQLITE_FILE") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GOVERNANCE_TEST_SQLITE_FILE"]}  # noqa: F405
