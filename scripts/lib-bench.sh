# The set-up shared by scripts/bench-http, bench-load and bench-fault: source it, call
# bench_prepare once, then gunicorn_start as often as needed; call bench_cleanup from
# the script's EXIT trap. Everything listens on 127.0.0.1 (or a socket) only.
#
#   bench_prepare          a throwaway PostgreSQL (scripts/lib-pg.sh), migrated, with the
#                          national geography, the demo catalog and the content; the
#                          static files collected; DEBUG off
#   gunicorn_start CACHE   gunicorn on 127.0.0.1:<free port>, the production configuration
#                          (gunicorn.conf.py) with 2 workers, PAGE_CACHE=CACHE; sets
#                          BASE_URL and GUNICORN_PID and waits until it answers
#   gunicorn_stop          stops that gunicorn (its master, by process id)

# shellcheck source=scripts/lib-pg.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-pg.sh"

PY="${PY:-.venv/bin/python}"
BENCH_TMP=""
GUNICORN_PID=""
BASE_URL=""
WORKERS="${WORKERS:-2}"

bench_cleanup() {
  gunicorn_stop
  pg_cleanup
  if [ -n "$BENCH_TMP" ]; then rm -rf "$BENCH_TMP"; BENCH_TMP=""; fi
}

bench_prepare() {
  BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/icf-bench.XXXXXX")"
  # Production settings, except plain HTTP on the loopback interface.
  export DEBUG=false
  export SECRET_KEY="bench-only-secret-key-not-for-production"
  export ALLOWED_HOSTS=127.0.0.1
  export SECURE_SSL_REDIRECT=false
  export SECURE_COOKIES=false
  pg_start
  echo "Loading the schema, the national geography, the demo catalog and the content..."
  {
    "$PY" manage.py migrate --noinput -v0
    "$PY" manage.py load_geography
    "$PY" manage.py load_demo_catalog
    "$PY" manage.py load_content
  } >"$BENCH_TMP/setup.log" 2>&1 || { cat "$BENCH_TMP/setup.log" >&2; return 1; }
  # Under the lock scripts/run-tests takes: two runs must not rewrite the same files at once.
  flock staticfiles.lock "$PY" manage.py collectstatic --noinput -v0
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

http_status() {
  # The status of one GET (000 when nothing answers), without following redirects.
  "$PY" - "$1" <<'EOF'
import sys
import urllib.error
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


try:
    with urllib.request.build_opener(NoRedirect).open(sys.argv[1], timeout=5) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print("000")
EOF
}

gunicorn_start() {
  local cache="$1" port config=()
  port="$(free_port)"
  if [ -f gunicorn.conf.py ]; then
    config=(-c gunicorn.conf.py)
  else
    echo "Note: gunicorn.conf.py is missing; gunicorn runs with its defaults." >&2
  fi
  # Command-line options win over the configuration file: the address and worker count
  # are the benchmark's, everything else is production's.
  PAGE_CACHE="$cache" WEB_CONCURRENCY="$WORKERS" .venv/bin/gunicorn "${config[@]}" \
    --bind "127.0.0.1:$port" --workers "$WORKERS" --no-control-socket finder.wsgi \
    >>"$BENCH_TMP/gunicorn.log" 2>&1 &
  GUNICORN_PID=$!
  BASE_URL="http://127.0.0.1:$port"
  local tries=0
  until [ "$(http_status "$BASE_URL/healthz")" != 000 ]; do
    tries=$((tries + 1))
    if ! kill -0 "$GUNICORN_PID" 2>/dev/null || [ "$tries" -gt 100 ]; then
      echo "gunicorn did not start; its log:" >&2
      tail -n 30 "$BENCH_TMP/gunicorn.log" >&2
      return 1
    fi
    sleep 0.3
  done
}

gunicorn_stop() {
  if [ -n "$GUNICORN_PID" ]; then
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=""
  fi
}

demo_places() {
  # The ZIPs and their counties in the demo catalog's states (at most 2,000 lines
  # "ZIP COUNTY"), for the distinct-URL generator (scripts/journey_load.py --distinct).
  "$PY" manage.py shell -v0 -c '
from plans.models import ZipCounty
rows = ZipCounty.objects.filter(county__state__code__in=["FL", "CA", "PR"])
for zip_code, fips in rows.order_by("zip_code", "county_id").values_list("zip_code", "county_id")[:2000]:
    print(zip_code, fips)
'
}

# The pages measured, in the demo catalog (Miami-Dade, Florida); answers as in docs/answers.md.
DEMO_PLACE="zip=33125&county=12086"
DEMO_ANSWERS="$DEMO_PLACE&medicare=ab&coverage=original&medicaid=full&medicaid_plan=none&medicaid_change=no&age=65plus&care_needs=no&nursing_home=no"
PAGE_HEALTHZ="/healthz"
PAGE_START="/en/"
PAGE_QUESTION="/en/find/medicaid/?$DEMO_PLACE&medicare=ab&coverage=original"
PAGE_RESULTS="/en/results/?$DEMO_ANSWERS"
PAGE_PLAN="/en/plans/$(date +%Y)/H9001-001/"
