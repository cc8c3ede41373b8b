"""An S3-compatible server for the tests of reports in a bucket: moto's S3 on a free local port,
behind a front that checks presigned links as S3 and MinIO do (moto serves a presigned link
without checking its signature or its expiry): the signature over method, path, query and
host with the key's secret, and the link's age against X-Amz-Expires."""

import datetime as dt
import hashlib
import hmac
import runpy
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pytest

REGION = "us-east-1"
KEYS = {"report-writer": "report-secret"}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _denied(start_response, code: str, message: str):
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    start_response("403 Forbidden", [("Content-Type", "application/xml")])
    return [body]


def query_auth_error(environ) -> tuple[str, str] | None:
    """Why S3 would refuse this presigned (query-string, SigV4) request, or None."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
    path, _, query = raw.partition("?")
    params = parse_qsl(query, keep_blank_values=True)
    given = dict(params)
    try:
        access_key, day, region, service, _ = given["X-Amz-Credential"].split("/")
        signed_at = dt.datetime.strptime(given["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
        expires = int(given["X-Amz-Expires"])
        signed_headers = given["X-Amz-SignedHeaders"]
    except (KeyError, ValueError):
        return "AuthorizationQueryParametersError", "malformed query authorization"
    if dt.datetime.now(dt.UTC) > signed_at + dt.timedelta(seconds=expires):
        return "AccessDenied", "Request has expired"
    if access_key not in KEYS:
        return "InvalidAccessKeyId", "unknown access key"

    def enc(s: str) -> str:
        return quote(s, safe="-_.~")

    canonical_query = "&".join(
        f"{enc(k)}={enc(v)}" for k, v in sorted(params) if k != "X-Amz-Signature"
    )
    headers = "".join(
        f"{name}:{environ['HTTP_' + name.upper().replace('-', '_')].strip()}\n"
        for name in signed_headers.split(";")
    )
    canonical = "\n".join(
        [environ["REQUEST_METHOD"], path, canonical_query, headers, signed_headers]
        + ["UNSIGNED-PAYLOAD"]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = "\n".join(["AWS4-HMAC-SHA256", given["X-Amz-Date"], scope, digest])
    key = ("AWS4" + KEYS[access_key]).encode()
    for part in (day, region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given.get("X-Amz-Signature", "")):
        return "SignatureDoesNotMatch", "the signature does not match"
    return None


class CheckPresignedLinks:
    """WSGI middleware: a presigned link is checked before moto sees it."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if "X-Amz-Signature=" in environ.get("QUERY_STRING", ""):
            refused = query_auth_error(environ)
            if refused:
                return _denied(start_response, *refused)
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def s3_server():
    """The server's address (http://127.0.0.1:PORT)."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class CheckingServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = CheckPresignedLinks(DomainDispatcherApplication(create_backend_app))
            self._server = make_server(
                self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    server = CheckingServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, monkeypatch, s3_server, media):
    """A fresh bucket as the `reports` storage, configured by config/settings/base.py from the
    REPORTS_S3_* variables as deployed; returns (a boto3 client, the bucket's name)."""
    import boto3

    access_key, secret_key = next(iter(KEYS.items()))
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
    )
    name = f"reports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    for variable, value in {
        "REPORTS_S3_BUCKET": name,
        "REPORTS_S3_ENDPOINT_URL": s3_server,
        "REPORTS_S3_REGION": REGION,
        "REPORTS_S3_ACCESS_KEY": access_key,
        "REPORTS_S3_SECRET_KEY": secret_key,
    }.items():
        monkeypatch.setenv(variable, value)
    base = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config/settings/base.py"))
    settings.STORAGES = {**settings.STORAGES, "reports": base["STORAGES"]["reports"]}
    settings.REPORTS_LINK_SECONDS = base["REPORTS_LINK_SECONDS"]
    return s3, name
