"""gunicorn settings for production.

    gunicorn -c gunicorn.conf.py finder.wsgi

with DEBUG off and SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL set. Knobs:
BIND (default 127.0.0.1:8000: put a TLS proxy in front) and WEB_CONCURRENCY, the
number of worker processes (default 2). Each worker keeps its own page cache and its
own database connection (CONN_MAX_AGE). gunicorn trusts X-Forwarded-Proto only from
FORWARDED_ALLOW_IPS (default: this host only): set it to the TLS proxy's address when the
proxy runs on another host.

The access log never holds a wizard answer or who asked it: the answers live in the
query string, so each line has the method and the path without the query (%(U)s), and
no remote address, referrer (a same-origin Referer carries the previous page's query)
or user agent.
"""

from __future__ import annotations

import os

bind = [os.environ.get("BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

accesslog = "-"  # stdout
errorlog = "-"  # stderr
# Time, "METHOD /path", status, bytes sent, milliseconds.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
