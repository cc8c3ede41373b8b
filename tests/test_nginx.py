"""The shipped deploy/nginx.conf, run by Debian's nginx in front of the live server: the headers
the app receives are those `through_nginx()` gives the other tests, and the client address read
from them is the visitor's, whatever X-Forwarded-For the visitor sends."""

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from core.testing import through_nginx

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """deploy/nginx.conf with the web upstream, ports and folders of this machine."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx package")
    tmp = tmp_path_factory.mktemp("nginx")
    (tmp / "tls").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=cunjian.test", "-keyout", str(tmp / "tls/privkey.pem")]
        + ["-out", str(tmp / "tls/fullchain.pem")],
        check=True,
        capture_output=True,
    )
    return tmp


@pytest.fixture
def proxy(nginx, live_server, settings):
    """nginx running in front of the live server; yields (plain port, TLS port)."""
    settings.CLIENT_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain, tls = free_port(), free_port()
    upstream = live_server.url.removeprefix("http://")
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("server web:8000;", f"server {upstream};"),
        # nginx resolves its upstreams when it starts: the bucket's is not running here
        ("proxy_pass http://minio:9000;", f"proxy_pass http://127.0.0.1:{free_port()};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{plain} default_server;"),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{tls} ssl default_server;"),
        ("/etc/nginx/tls/", f"{nginx}/tls/"),
        ("/srv/", f"{nginx}/srv/"),
    ):
        assert old in conf
        conf = conf.replace(old, new)
    (nginx / "default.conf").write_text(conf)
    temp = " ".join(f"{kind}_temp_path {nginx}/{kind};" for kind in ("client_body", "proxy"))
    (nginx / "nginx.conf").write_text(
        f"pid {nginx}/nginx.pid;\nerror_log {nginx}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; {temp} include {nginx}/default.conf; }}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(nginx), "-e", f"{nginx}/error.log", "-c", str(nginx / "nginx.conf")]
        + ["-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", tls), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield plain, tls
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, source: str, forwarded_for: str | None = None, tls: bool = True):
    """GET /echo/ from the loopback address `source`, as a visitor's browser would."""
    kind = http.client.HTTPSConnection if tls else http.client.HTTPConnection
    extra = {"context": ssl._create_unverified_context()} if tls else {}
    connection = kind("127.0.0.1", port, source_address=(source, 0), timeout=10, **extra)
    headers = {"Host": "cunjian.test"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    connection.request("GET", "/echo/", headers=headers)
    response = connection.getresponse()
    return response


@pytest.mark.urls("tests.nginx_urls")
def test_the_app_reads_the_visitors_address_through_the_shipped_nginx(proxy):
    plain, tls = proxy
    for source, sent in (
        ("127.0.0.2", None),
        ("127.0.0.3", None),
        ("127.0.0.4", "198.51.100.7"),  # a visitor who forges the header
        ("127.0.0.4", "127.0.0.2, 198.51.100.7"),
    ):
        response = get(tls, source, sent)
        assert response.status == 200
        seen = json.loads(response.read())
        # exactly the header the other tests send
        assert seen["forwarded_for"] == through_nginx(source, sent)["HTTP_X_FORWARDED_FOR"]
        assert seen["client"] == source
        assert seen["secure"] is True and seen["host"] == "cunjian.test"


@pytest.mark.urls("tests.nginx_urls")
def test_plain_http_is_redirected_to_https(proxy):
    plain, _ = proxy
    response = get(plain, "127.0.0.2", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://cunjian.test/echo/"
