#!/bin/sh
# minio-init (docker-compose.yml), once per `up` before web and worker start: the reports'
# bucket, private, and two keys of that bucket alone: web's may only read it (it signs the
# download links), the worker's may also write it. Safe to run again: every step keeps what
# is already there (a changed secret in .env is applied).
set -eu
bucket="$REPORTS_S3_BUCKET"
mc alias set cunjian http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "cunjian/$bucket"
# No anonymous access: an object is reached only through a signed link.
mc anonymous set none "cunjian/$bucket"

cat > /tmp/reports-read.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$bucket/*"]}
]}
JSON
# Listing lets the worker learn that a name is free (a HEAD of a missing object answers 404,
# not 403); it never deletes.
cat > /tmp/reports-write.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::$bucket"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
   "Resource": ["arn:aws:s3:::$bucket/*"]}
]}
JSON
mc admin policy create cunjian reports-read /tmp/reports-read.json
mc admin policy create cunjian reports-write /tmp/reports-write.json

give() {  # user secret policy
  mc admin user add cunjian "$1" "$2"
  # attaching a policy already attached is an error: attach only what is missing
  mc admin user info cunjian "$1" | grep -q "$3" || mc admin policy attach cunjian "$3" --user "$1"
}
give cunjian-web "$REPORTS_S3_WEB_SECRET" reports-read
give cunjian-worker "$REPORTS_S3_WORKER_SECRET" reports-write
