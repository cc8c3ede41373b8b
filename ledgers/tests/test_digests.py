"""Signed digests of the chain heads, outside the database (issue #14): they name a chain cut
short (the tail deleted, an older backup restored) and a chain rewritten consistently, and a
digest file altered or signed with another key."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from ledgers import chain, digests, selectors, tasks
from ledgers.models import Voucher
from ledgers.tests.conftest import as_superuser_with_triggers_off, posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(settings):
    private, public = digests.generate_key()
    settings.LEDGER_SIGNING_KEY = private
    return public


@pytest.fixture
def books(clerk, insider, village, chart, open_books):
    return [
        posted(clerk, insider, village, chart, "cash", "income", amount, summary=f"第{n}笔")
        for n, amount in enumerate(("100", "200", "300"), start=1)
    ]


def test_a_digest_holds_every_villages_head_signed(key, books, village, tmp_path):
    path = tmp_path / digests.write_digest(tmp_path)
    document = json.loads(path.read_text())
    assert document["digest"]["heads"] == [
        {"village": village.code, "seq": 3, "hash": books[-1].hash}
    ]
    assert document["public_key"] == key
    assert digests.check_digests(tmp_path, digests.trusted_public_key(key)) == (1, [])


def test_the_tail_deleted_or_an_older_backup_is_named(key, books, village, tmp_path, capsys):
    digests.write_digest(tmp_path)
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute("DELETE FROM ledgers_voucherline WHERE voucher_id = %s", [books[-1].pk])
        cursor.execute("DELETE FROM ledgers_voucher WHERE id = %s", [books[-1].pk])
    assert selectors.verify_chain(village).intact  # consistent in itself
    files, findings = digests.check_digests(tmp_path, digests.trusted_public_key())
    assert files == 1 and [(f.village, f.seq) for f in findings] == [(village.code, 3)]
    assert "older backup" in findings[0].reason or "备份" in findings[0].reason
    with pytest.raises(CommandError):
        call_command("verify_ledgers", "--digests", str(tmp_path))
    out = capsys.readouterr().out
    assert village.code in out and "3" in out


def test_a_chain_rewritten_consistently_is_named(key, books, village, tmp_path):
    digests.write_digest(tmp_path)
    previous = chain.GENESIS
    with as_superuser_with_triggers_off() as cursor:
        for voucher in Voucher.objects.filter(village=village).order_by("chain_seq"):
            lines = list(voucher.lines.order_by("position"))
            if voucher.chain_seq == 1:
                voucher.summary = "改写"
                cursor.execute(
                    "UPDATE ledgers_voucher SET summary = %s WHERE id = %s", ["改写", voucher.pk]
                )
            voucher.prev_hash = previous
            voucher.hash = previous = chain.chain_hash(voucher, lines, None)
            cursor.execute(
                "UPDATE ledgers_voucher SET prev_hash = %s, hash = %s WHERE id = %s",
                [voucher.prev_hash, voucher.hash, voucher.pk],
            )
    assert selectors.verify_chain(village).intact  # no published statement to hold it
    _files, findings = digests.check_digests(tmp_path, digests.trusted_public_key())
    assert [(f.village, f.seq, f.voucher) for f in findings] == [
        (village.code, 3, books[-1].display_number)
    ]


def test_an_altered_digest_or_another_key_is_refused(key, books, tmp_path):
    path = tmp_path / digests.write_digest(tmp_path)
    document = json.loads(path.read_text())
    document["digest"]["heads"][0]["seq"] = 2
    path.write_text(json.dumps(document))
    _files, findings = digests.check_digests(tmp_path, digests.trusted_public_key())
    assert len(findings) == 1 and findings[0].village == ""
    digests.write_digest(tmp_path / "other")
    _private, stranger = digests.generate_key()
    _files, findings = digests.check_digests(
        tmp_path / "other", digests.trusted_public_key(stranger)
    )
    assert len(findings) == 1
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "chain-digest-x.json").write_text("{not json")
    _files, findings = digests.check_digests(tmp_path / "broken", digests.trusted_public_key())
    assert len(findings) == 1


def test_the_nightly_task_writes_a_digest_only_with_a_key(settings, books, tmp_path):
    settings.LEDGER_DIGEST_DIR = str(tmp_path)
    settings.LEDGER_SIGNING_KEY = ""
    assert tasks.write_chain_digest() == ""
    settings.LEDGER_SIGNING_KEY = digests.generate_key()[0]
    written = tasks.write_chain_digest()
    assert [p.name for p in tmp_path.glob("*.json")] == [written]


def test_the_command_makes_a_key_pair(capsys):
    call_command("ledger_digest", "--new-key")
    out = capsys.readouterr().out
    private = out.split("LEDGER_SIGNING_KEY=")[1].split()[0]
    assert len(private) == 44 and "public key:" in out


@pytest.mark.django_db(transaction=True)  # the worker thread sees committed rows only
def test_a_real_worker_writes_the_nightly_digest(
    settings, worker_queue, clerk, insider, village, chart, open_books, tmp_path
):
    last = posted(clerk, insider, village, chart, "cash", "income", "80")
    settings.LEDGER_DIGEST_DIR = str(tmp_path)
    private, public = digests.generate_key()
    settings.LEDGER_SIGNING_KEY = private
    written = tasks.write_chain_digest.apply_async(queue=worker_queue).get(timeout=60)
    document = json.loads((tmp_path / written).read_text())
    assert document["digest"]["heads"] == [{"village": village.code, "seq": 1, "hash": last.hash}]
    assert digests.check_digests(tmp_path, digests.trusted_public_key(public)) == (1, [])


def test_county_supervisors_download_the_digests(
    client, settings, key, books, supervisor, insider, tmp_path
):
    settings.LEDGER_DIGEST_DIR = str(tmp_path)
    path = tmp_path / digests.write_digest()
    (tmp_path / "secret.txt").write_text("not a digest")
    url = "/ledgers/integrity/digests/"
    client.force_login(insider)  # township staff: the digests cover every village
    assert client.get(url).status_code == 403
    assert client.get(url + path.name).status_code == 403
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert path.name in page and key in page
    download = client.get(url + path.name)
    assert download.status_code == 200
    assert json.loads(b"".join(download.streaming_content))["digest"]["heads"][0]["seq"] == 3
    for name in ("secret.txt", "..%2Fsecret.txt", "chain-digest-1.json", "x" * 300):
        assert client.get(url + name).status_code == 404
    listing = client.get("/ledgers/integrity/").content.decode()
    assert "/ledgers/integrity/digests/" in listing


# ------------------------------------------------------------------ an S3-compatible bucket


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free local port: S3's HTTP API, as MinIO or a cloud bucket speak
    it, so the storage goes through boto3 and the network as deployed."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_server):
    import boto3

    credentials = {"aws_access_key_id": "digest-writer", "aws_secret_access_key": "secret"}
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    name = f"digests-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "digests": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "location": "chain-digests",
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return s3, name


def test_digests_in_an_s3_bucket_are_written_listed_checked_and_downloaded(
    key, books, village, bucket, client, supervisor, capsys
):
    s3, name = bucket
    written = tasks.write_chain_digest()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [f"chain-digests/{written}"]
    body = json.loads(s3.get_object(Bucket=name, Key=keys[0])["Body"].read())
    assert body["digest"]["heads"] == [{"village": village.code, "seq": 3, "hash": books[-1].hash}]
    assert digests.check_digests(None, digests.trusted_public_key()) == (1, [])

    client.force_login(supervisor)
    assert written in client.get("/ledgers/integrity/digests/").content.decode()
    download = client.get(f"/ledgers/integrity/digests/{written}")
    assert json.loads(b"".join(download.streaming_content)) == body

    # the tail deleted: `verify_ledgers --digests` (no DIR) reads the bucket and names it
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute("DELETE FROM ledgers_voucherline WHERE voucher_id = %s", [books[-1].pk])
        cursor.execute("DELETE FROM ledgers_voucher WHERE id = %s", [books[-1].pk])
    with pytest.raises(CommandError):
        call_command("verify_ledgers", "--digests")
    assert written in capsys.readouterr().out
