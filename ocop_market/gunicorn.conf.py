"""gunicorn settings for ``make serve``; every value can be changed from the environment.

The access log goes to stdout as one key=value line per request, with the request id
that RequestLogMiddleware sets (or the proxy passed), so proxy, gunicorn and Django lines
of one request can be joined.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A worker busy longer than this is killed and restarted; a slow feed export belongs in a task.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so a slow leak never grows without bound. Not too often: a
# new worker spends about 2 s of CPU loading the project, and a worker answers up to 1,500
# cached pages a second; at 1,000 requests it would restart every second under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))

# The proxies whose X-Forwarded-* headers are trusted (comma-separated; "*" behind a
# private network only). Django trusts X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Heartbeat files in memory, not on a possibly slow disk (gunicorn creates them with mkstemp).
SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

accesslog = "-"
# Private order links and tokens are redacted from every access-log field.
logger_class = "core.log_redaction.RedactingGunicornLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    'time=%(t)s remote=%(h)s request_id=%({x-request-id}o)s method=%(m)s path="%(U)s" '
    'status=%(s)s bytes=%(B)s duration_ms=%(M)s agent="%(a)s"'
)
