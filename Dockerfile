# Integrated Care Finder: one image for the web server (gunicorn) and the task worker.
#   docker build -t integrated-care-finder .
#   docker run --env-file app.env -p 127.0.0.1:8000:8000 integrated-care-finder
# Settings come from the environment at run time (README, docs/deploy.md): at least
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. compose.yaml runs the whole set.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext gives msgfmt, which compilemessages needs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# The dependencies first, from pyproject.toml alone (no code yet, so no package is found):
# this layer is rebuilt only when the dependencies change.
COPY pyproject.toml ./
RUN pip install .

COPY manage.py gunicorn.conf.py ./
COPY finder/ finder/
COPY plans/ plans/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/
COPY fixtures/ fixtures/
# Installed in place: the settings find templates, static files, translations and
# fixtures beside the code, so the code runs from /app rather than site-packages.
RUN pip install --no-deps -e .

# Hashed, compressed static files and the compiled translations are part of the image.
# The key below only lets the settings load for these two commands; the real one comes
# from the environment at run time.
RUN SECRET_KEY=build-time-only-not-a-secret DEBUG=false \
        python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build-time-only-not-a-secret DEBUG=false \
        python manage.py compilemessages -v0

USER app
# gunicorn.conf.py reads BIND and WEB_CONCURRENCY (worker processes, default 2).
ENV BIND=0.0.0.0:8000
EXPOSE 8000

# /healthz answers without the database. Django still checks the Host header, so the
# probe sends the first name of ALLOWED_HOSTS (a leading dot or * stripped).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.*') or 'localhost'; port = os.environ.get('BIND', ':8000').rsplit(':', 1)[-1]; u.urlopen(u.Request(f'http://127.0.0.1:{port}/healthz', headers={'Host': host}), timeout=4)"

CMD ["gunicorn", "-c", "gunicorn.conf.py", "finder.wsgi"]
