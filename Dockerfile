# syntax=docker/dockerfile:1
# One image for every Cunjian process: web (gunicorn), worker and beat (Celery) and the one-off
# `release` job (migrations, schedules, static files for nginx). See docker-compose.yml.

# ---------------------------------------------------------------- front-end packages
# npm ci from the lock file. Only node_modules leaves this stage, and only for the `static` stage
# below: collectstatic takes from it the few files the pages load (settings.VENDOR_STATIC).
FROM node:22-bookworm-slim AS node
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# ---------------------------------------------------------------- the application
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# CJK fonts and Pango for WeasyPrint (PDFs), gettext for compilemessages. fontconfig builds the
# system font cache at install time (the app user cannot write one of its own), and
# harfbuzz-subset lets WeasyPrint subset the large Noto CJK fonts far faster than fontTools.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cunjian \
    && useradd --system --uid 10001 --gid cunjian --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin cunjian

WORKDIR /app

# Dependencies before the code, so a code change reuses this layer. pyproject.toml declares no
# packages of its own (the apps run from /app), so it is all `pip install .` needs; no extra:
# the dev and demo extras (tests, the embedded PostgreSQL of `make run`) stay out.
COPY pyproject.toml ./
RUN pip install . && rm -rf build *.egg-info

COPY . .

ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/srv/media

# production.py insists on its keys; no build step uses them, so throwaway ones are given to
# these commands only and never stored in the image's environment.
RUN export DJANGO_SECRET_KEY=build-only FIELD_ENCRYPTION_SALT=build-only \
        ID_NUMBER_HASH_KEY=build-only \
    && python manage.py compilemessages \
    && mkdir -p /srv/static /srv/media \
    && chown cunjian:cunjian /srv/static /srv/media

# ---------------------------------------------------------------- static files
# Collected here, beside node_modules (102 MB), so that only the collected files reach the image.
FROM app AS static
COPY --from=node /app/node_modules ./node_modules
RUN export DJANGO_SECRET_KEY=build-only FIELD_ENCRYPTION_SALT=build-only \
        ID_NUMBER_HASH_KEY=build-only \
    && python manage.py collectstatic --noinput -v 0

# ---------------------------------------------------------------- the image
FROM app
COPY --from=static /app/staticfiles ./staticfiles

# The code stays root-owned and read-only to the app; it writes only to the two volumes.
USER cunjian
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi", "--config", "deploy/gunicorn.conf.py"]
