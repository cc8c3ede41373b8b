"""The deployment files: docker-compose.yml resolves, and each piece runs what it should.

No Docker engine is needed: `docker-compose config` only parses and interpolates the file.
"""

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKER_COMPOSE = shutil.which("docker-compose")
DJANGO_SERVICES = ("release", "web", "worker", "beat")
SECRETS = {
    "DJANGO_SECRET_KEY": "compose-test-secret",
    "POSTGRES_PASSWORD": "composetestpw",
    "CUNJIAN_OWNER_PASSWORD": "ownertestpw",
    "CUNJIAN_APP_PASSWORD": "apptestpw",
    "FIELD_ENCRYPTION_SALT": "compose-test-salt",
    "ID_NUMBER_HASH_KEY": "compose-test-hash-key",
    "MINIO_ROOT_PASSWORD": "miniotestpw",
    "REPORTS_S3_WEB_SECRET": "webtestsecret",
    "REPORTS_S3_WORKER_SECRET": "workertestsecret",
    "REPORTS_S3_PUBLIC_URL": "https://cunjian.example.gov.cn",
}

needs_compose = pytest.mark.skipif(
    DOCKER_COMPOSE is None,
    reason="docker-compose is not installed (`make test` installs it via scripts/system-deps.sh)",
)


def run_compose(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run docker-compose on the repository's file with only the given variables set."""
    # An empty env file and a minimal environment: a developer's .env or shell must not
    # decide whether the test passes.
    env_file = tmp_path / "empty.env"
    env_file.touch()
    return subprocess.run(
        [DOCKER_COMPOSE, "--env-file", str(env_file), "-f", "docker-compose.yml", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> dict:
    """The resolved compose services, as `docker-compose config` prints them."""
    if DOCKER_COMPOSE is None:
        pytest.skip("docker-compose is not installed")
    result = run_compose(tmp_path_factory.mktemp("compose"), "config", **SECRETS)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


# ---------------------------------------------------------------- docker-compose.yml


@needs_compose
def test_compose_file_is_valid(tmp_path):
    result = run_compose(tmp_path, "config", "-q", **SECRETS)
    assert result.returncode == 0, result.stderr


@needs_compose
@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_secrets(tmp_path, missing):
    env = {name: value for name, value in SECRETS.items() if name != missing}
    result = run_compose(tmp_path, "config", "-q", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_has_every_service(services):
    assert {"web", "worker", "beat", "postgres", "redis", "nginx", "release"} <= set(services)
    assert {"minio", "minio-init"} <= set(services)


def test_celery_commands(services):
    assert services["worker"]["command"] == ["celery", "-A", "config", "worker", "-l", "info"]
    assert services["beat"]["command"] == [
        "celery",
        "-A",
        "config",
        "beat",
        "-l",
        "info",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
    ]
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi"]


def test_django_services_share_image_and_environment(services):
    images = {services[name]["image"] for name in DJANGO_SERVICES}
    assert len(images) == 1
    for name in DJANGO_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["DJANGO_SECRET_KEY"] == SECRETS["DJANGO_SECRET_KEY"]
        # The runtime role, never the owner nor the superuser.
        assert env["DATABASE_URL"] == "postgres://cunjian_app:apptestpw@postgres:5432/cunjian"
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["DJANGO_ALLOWED_HOSTS"]


def test_only_the_release_job_holds_the_owners_credentials(services):
    release = services["release"]["environment"]
    assert release["OWNER_DATABASE_URL"] == (
        "postgres://cunjian_owner:ownertestpw@postgres:5432/cunjian"
    )
    assert release["DATABASE_RUNTIME_ROLE"] == "cunjian_app"
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "OWNER_DATABASE_URL" not in env
        assert not any("ownertestpw" in str(v) or "composetestpw" in str(v) for v in env.values())
        assert not any("miniotestpw" in str(v) for v in env.values())
    # The database's first start makes the two roles (deploy/postgres-roles.sh).
    assert any(
        v.endswith("/deploy/postgres-roles.sh:/docker-entrypoint-initdb.d/10-roles.sh:ro")
        for v in services["postgres"]["volumes"]
    )
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()
    assert 'DATABASE_URL="$OWNER_DATABASE_URL" python manage.py migrate' in entrypoint
    assert "grant_runtime_role" in entrypoint


def test_only_the_worker_signs_and_writes_the_ledger_digests(services):
    worker = services["worker"]
    assert worker["environment"]["LEDGER_DIGEST_DIR"] == "/srv/digests"
    assert "LEDGER_SIGNING_KEY" in worker["environment"]
    assert "digests:/srv/digests:rw" in worker["volumes"]
    # web serves them to county supervisors, read-only, with the public key only.
    assert "digests:/srv/digests:ro" in services["web"]["volumes"]
    assert services["web"]["environment"]["LEDGER_DIGEST_DIR"] == "/srv/digests"
    assert "LEDGER_PUBLIC_KEY" in services["web"]["environment"]
    for name in ("web", "beat", "release", "postgres", "nginx"):
        assert "LEDGER_SIGNING_KEY" not in (services[name].get("environment") or {})
    for name in ("beat", "release", "postgres", "nginx"):
        assert not any("digests" in v for v in services[name].get("volumes") or [])


def test_the_roles_script_makes_an_owner_and_a_runtime_role():
    script = (ROOT / "deploy" / "postgres-roles.sh").read_text()
    assert "CREATE ROLE cunjian_owner LOGIN" in script
    assert "CREATE ROLE cunjian_app LOGIN" in script
    assert "CREATE DATABASE cunjian OWNER cunjian_owner" in script
    assert "SUPERUSER" not in script
    assert os.access(ROOT / "deploy" / "postgres-roles.sh", os.X_OK)


def test_app_waits_for_release_and_healthy_database(services):
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["release"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
    assert services["release"]["command"] == ["release"]
    assert "healthcheck" in services["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data:rw") for v in services["postgres"]["volumes"])


def test_nginx_serves_the_shared_static_and_media_volumes(services):
    nginx = services["nginx"]["volumes"]
    assert "static:/srv/static:ro" in nginx
    assert "media:/srv/media:ro" in nginx
    assert any(v.endswith("/deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro") for v in nginx)
    # The release job fills the static volume, web and worker write uploads to media.
    assert "static:/srv/static:rw" in services["release"]["volumes"]
    for name in ("web", "worker"):
        assert "media:/srv/media:rw" in services[name]["volumes"]
        assert services[name]["environment"]["DJANGO_MEDIA_ROOT"] == "/srv/media"
    # presence photos: web's alone, never given to nginx
    assert "private:/srv/private:rw" in services["web"]["volumes"]
    assert services["web"]["environment"]["DJANGO_PRIVATE_MEDIA_ROOT"] == "/srv/private"
    assert not any("private" in v for v in nginx)
    # Only nginx is reachable from outside.
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["nginx"]


# ---------------------------------------------------------------- nginx, gunicorn, image


def test_nginx_conf_matches_the_volumes_and_web():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", conf)
    assert re.search(r"location /media/ \{\s*alias /srv/media/;", conf)
    assert "server web:8000;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf


def test_gunicorn_conf():
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"] == "0.0.0.0:8000"
    nginx_timeout = re.search(
        r"proxy_read_timeout (\d+)s;", (ROOT / "deploy/nginx.conf").read_text()
    )
    assert conf["timeout"] < int(nginx_timeout.group(1))


def production_env(tmp_path: Path) -> dict[str, str]:
    """Environment of the image's build steps: production settings, a throwaway secret."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-only-secret",
        "FIELD_ENCRYPTION_SALT": "test-only-salt",
        "ID_NUMBER_HASH_KEY": "test-only-hash-key",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }


def test_gunicorn_loads_the_production_app(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_collectstatic_finds_everything_under_production_settings(tmp_path):
    # The Dockerfile's build step, dry: every STATICFILES_DIRS entry (node_modules) must exist.
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "staticfiles.W004" not in result.stderr
    # Of the npm packages only the files the pages load (settings.VENDOR_STATIC).
    pretended = re.findall(r"Pretending to copy '([^']+)'", result.stdout)
    vendor = [p for p in pretended if "node_modules" in p]
    assert any(p.endswith("/echarts/dist/echarts.min.js") for p in vendor)
    assert not any(p.endswith("/echarts/dist/echarts.js") for p in vendor)
    assert len(vendor) < 20, vendor


# A secret key that passes the deploy check (50+ characters, not "django-insecure-").
STRONG_SECRET = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` under `env` (DATABASE_URL unused: no database is opened)."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_the_production_defaults():
    # README, "HTTPS settings": nothing but the required secrets set
    result = deploy_check(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": STRONG_SECRET,
            "FIELD_ENCRYPTION_SALT": "test-only-salt",
            "ID_NUMBER_HASH_KEY": "test-only-hash-key",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_is_clean_with_the_compose_environment(services):
    env = {k: str(v) for k, v in services["web"]["environment"].items()}
    env["DJANGO_SECRET_KEY"] = STRONG_SECRET
    result = deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    # the same HTTPS settings and the one trusted proxy as production.py's defaults
    assert env["DJANGO_SSL_REDIRECT"] == "true" and env["DJANGO_SECURE_COOKIES"] == "true"
    assert env["DJANGO_HSTS_SECONDS"] == "31536000"
    assert env["CLIENT_PROXY_COUNT"] == "1"


def test_nginx_is_the_tls_edge(services):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    plain, tls = conf.split("server {")[1:3]
    assert "listen 80 default_server;" in plain
    assert "return 301 https://$host$request_uri;" in plain and "proxy_pass" not in plain
    assert "listen 443 ssl default_server;" in tls and "proxy_pass" in tls
    assert "ssl_certificate /etc/nginx/tls/fullchain.pem;" in tls
    assert any(v.endswith(":/etc/nginx/tls:ro") for v in services["nginx"]["volumes"])
    ports = {str(p.get("target")) for p in services["nginx"]["ports"]}
    assert ports == {"80", "443"}
    # the compose healthcheck probes gunicorn directly as if through HTTPS: no redirect
    assert '"X-Forwarded-Proto": "https"' in (ROOT / "deploy" / "entrypoint.sh").read_text()


def test_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm AS app$", dockerfile, re.M)
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"):
        assert package in dockerfile
    assert "npm ci" in dockerfile
    assert "manage.py collectstatic" in dockerfile
    assert "manage.py compilemessages" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    # The build secret is scoped to its RUN line, never baked into the image's environment.
    assert not re.search(r"^ENV[^\n]*DJANGO_SECRET_KEY", dockerfile, re.M)
    # No extra (dev, demo: tests, the embedded PostgreSQL of `make run`) in the image.
    assert re.findall(r"^RUN pip install (\S+)", dockerfile, re.M) == ["."]
    # node_modules reaches only the stage that collects the static files; the image gets those.
    stages = re.split(r"^FROM ", dockerfile, flags=re.M)[1:]
    assert [s.splitlines()[0] for s in stages][-3:] == [
        "python:3.11-slim-bookworm AS app",
        "app AS static",
        "app",
    ]
    *_, static, image = stages
    assert "COPY --from=node /app/node_modules ./node_modules" in static
    assert "manage.py collectstatic" in static
    assert "node_modules" not in image
    assert "COPY --from=static /app/staticfiles ./staticfiles" in image


def test_entrypoint_is_an_executable_posix_script():
    entrypoint = ROOT / "deploy" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    assert subprocess.run(["sh", "-n", str(entrypoint)]).returncode == 0


def test_entrypoint_passes_other_commands_through():
    result = subprocess.run(
        [str(ROOT / "deploy" / "entrypoint.sh"), "echo", "passed through"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.stdout == "passed through\n"


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "node_modules", "var"} <= ignored


def test_reports_live_in_minio_and_web_and_worker_share_no_disk_for_them(services):
    """README, "Reports on object storage": the worker writes the bucket with its key, web signs
    links with a key that may only read it, for the address browsers reach through nginx."""
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    for env in (web, worker):
        assert env["REPORTS_S3_BUCKET"] == "cunjian-reports"
        assert env["REPORTS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["REPORTS_LINK_SECONDS"] == "120"
    assert (web["REPORTS_S3_ACCESS_KEY"], web["REPORTS_S3_SECRET_KEY"]) == (
        "cunjian-web",
        "webtestsecret",
    )
    assert web["REPORTS_S3_PUBLIC_URL"] == "https://cunjian.example.gov.cn"
    assert (worker["REPORTS_S3_ACCESS_KEY"], worker["REPORTS_S3_SECRET_KEY"]) == (
        "cunjian-worker",
        "workertestsecret",
    )
    assert not any("private" in v for v in services["worker"]["volumes"])
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["minio-init"]["condition"] == "service_completed_successfully"
    assert services["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "minio:/data:rw" in services["minio"]["volumes"]
    assert services["minio"]["image"].startswith("minio/minio")
    assert services["minio-init"]["image"].startswith("minio/mc")
    # only the one-off job holds MinIO's administrator
    for name in DJANGO_SERVICES:
        assert not any("miniotestpw" in str(v) for v in services[name]["environment"].values())
    script = (ROOT / "deploy" / "minio-init.sh").read_text()
    assert 'mc anonymous set none "cunjian/$bucket"' in script
    assert "give cunjian-web" in script and "reports-read" in script
    # nginx passes the signed links on with the host name they were signed for
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(
        r"location /cunjian-reports/ \{\s*limit_except GET HEAD \{ deny all; \}\s*"
        r"proxy_pass http://minio:9000;\s*proxy_set_header Host minio:9000;",
        conf,
    )
