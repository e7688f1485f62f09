#!/usr/bin/env python3
"""Submit one inference job with boto3 and wait for its outcome.

The same contract as `npm run jobs -- submit --wait` (docs/jobs.md): the job's folder
inputs/<jobId>/ gets a submission record (envelope.json, written once) and, for a large
input, the input itself; the envelope (schemas/job-envelope.schema.json) goes to the job
queue; the outcome appears in the results bucket as results/<jobId> (succeeded) or
errors/<jobId>.json (failed or expired), and on the success and error topics
(schemas/job-notification.schema.json).

    python3 submit_and_wait.py --queue-url URL --bucket BUCKET [--content-type T] [--ttl S] input.json

QUEUE_URL and BUCKET are the QueueUrl and ResultsBucketName outputs of the environment's
inference stack. Exit 0: succeeded (the result on stdout); 1: failed or expired; 3: timed out.
"""
import argparse
import base64
import json
import sys
import time
import uuid
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

# Larger inputs travel through S3 (MAX_INLINE_INPUT_CHARS in lib/runtime/inference/job-envelope.ts).
MAX_INLINE_INPUT_CHARS = 256 * 1024


def envelope_for(job_id, body, content_type, bucket, ttl_seconds):
    """A version-1 job envelope; the input inline when it is small, else as its S3 location."""
    envelope = {
        "version": 1,
        "jobId": job_id,
        "submittedAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "contentType": content_type,
    }
    if ttl_seconds is not None:
        envelope["ttlSeconds"] = ttl_seconds
    try:
        text = body.decode("utf-8")
        inline = {"inline": text}
    except UnicodeDecodeError:
        inline = {"inline": base64.b64encode(body).decode("ascii"), "encoding": "base64"}
    if len(inline["inline"]) <= MAX_INLINE_INPUT_CHARS:
        envelope["input"] = inline
    else:
        envelope["input"] = {"s3Uri": f"s3://{bucket}/inputs/{job_id}/input"}
    return envelope


def submit(s3, sqs, queue_url, bucket, body, content_type, ttl_seconds):
    """Records the job once, uploads a large input, sends the envelope; returns the envelope."""
    job_id = str(uuid.uuid4())
    envelope = envelope_for(job_id, body, content_type, bucket, ttl_seconds)
    # Written once: a second submission under the same id fails with 412 PreconditionFailed.
    s3.put_object(Bucket=bucket, Key=f"inputs/{job_id}/envelope.json", Body=json.dumps(envelope).encode(),
                  ContentType="application/json", IfNoneMatch="*")
    if "s3Uri" in envelope["input"]:
        s3.put_object(Bucket=bucket, Key=f"inputs/{job_id}/input", Body=body, ContentType=content_type)
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(envelope))
    return envelope


def read_json(s3, bucket, key):
    """The object at key as JSON, or None when it does not exist."""
    try:
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def wait(s3, bucket, job_id, timeout_seconds, poll_seconds=5):
    """Polls until the job succeeded, failed or expired; None after timeout_seconds."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            result = s3.get_object(Bucket=bucket, Key=f"results/{job_id}")
            return {"status": "succeeded", "body": result["Body"].read()}
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("NoSuchKey", "404"):
                raise
        failure = read_json(s3, bucket, f"errors/{job_id}.json")
        if failure is not None:
            return {"status": "expired" if failure["reason"] == "expired" else "failed", "error": failure}
        time.sleep(poll_seconds)
    return None


def main():
    parser = argparse.ArgumentParser(description="Submit one inference job and wait for its outcome.")
    parser.add_argument("input", help="file with the request body")
    parser.add_argument("--queue-url", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--content-type", default="application/json")
    parser.add_argument("--ttl", type=int, help="seconds after which a waiting job expires")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    with open(args.input, "rb") as file:
        body = file.read()
    envelope = submit(s3, sqs, args.queue_url, args.bucket, body, args.content_type, args.ttl)
    print(json.dumps({"jobId": envelope["jobId"], "status": "queued",
                      "resultUri": f"s3://{args.bucket}/results/{envelope['jobId']}"}), file=sys.stderr)
    outcome = wait(s3, args.bucket, envelope["jobId"], args.timeout)
    if outcome is None:
        print(f"job {envelope['jobId']} did not finish within {args.timeout} s", file=sys.stderr)
        return 3
    if outcome["status"] != "succeeded":
        print(json.dumps(outcome["error"]), file=sys.stderr)
        return 1
    sys.stdout.buffer.write(outcome["body"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
