"""Uploads the way the tutorials' `putimages.py` does, and what the dead-letter queue holds.

usage: uploads.py S3_URL BUCKET put KEY=FILE[=FULLNAME]...
       uploads.py SQS_URL QUEUE dead-letters
       uploads.py SQS_URL QUEUE receive

`put` uploads each FILE to KEY, with user metadata `FullName` when a name is given (S3 sends the
ObjectCreated notification). `dead-letters` prints, as JSON, every message on QUEUE (received
and left there) as {"keys": [...], "reason": "..."}. `receive` receives what QUEUE holds (up to 10
messages, hidden for 5 minutes) and prints them as a Lambda SQS event's records would carry them.
"""

import json
import sys
import urllib.parse

import boto3

KW = {"region_name": "eu-west-1", "aws_access_key_id": "test", "aws_secret_access_key": "test"}


def put(url, bucket, specs):
    s3 = boto3.client("s3", endpoint_url=url, **KW)
    for spec in specs:
        key, path, *name = spec.split("=", 2)
        meta = {"FullName": name[0]} if name else {}
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=key, Body=f, Metadata=meta)


def dead_letters(url, queue):
    sqs = boto3.client("sqs", endpoint_url=url, **KW)
    q = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    out, seen = [], set()
    for _ in range(5):
        got = sqs.receive_message(
            QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=1,
            MessageAttributeNames=["All"], VisibilityTimeout=30,
        ).get("Messages", [])
        for m in got:
            if m["MessageId"] in seen:
                continue
            seen.add(m["MessageId"])
            body = json.loads(m["Body"])
            keys = [urllib.parse.unquote_plus(r["s3"]["object"]["key"]) for r in body.get("Records", [])]
            reason = m.get("MessageAttributes", {}).get("facectl-reason", {}).get("StringValue")
            out.append({"keys": keys, "reason": reason})
    print(json.dumps(out))


def receive(url, queue):
    sqs = boto3.client("sqs", endpoint_url=url, **KW)
    q = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    got = sqs.receive_message(
        QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=2,
        AttributeNames=["All"], VisibilityTimeout=300,
    ).get("Messages", [])
    print(json.dumps([
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
         "attributes": m.get("Attributes", {})}
        for m in got
    ]))


def main(argv):
    url, name, verb, *rest = argv
    if verb == "put":
        put(url, name, rest)
    elif verb == "dead-letters":
        dead_letters(url, name)
    elif verb == "receive":
        receive(url, name)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
