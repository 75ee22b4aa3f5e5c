"""What the Rekognition face-search tutorial's own scripts leave behind, for facectl's tests.

Does what the tutorial does, with the tutorial's calls: creates the DynamoDB table (hash key
`RekognitionId`), the collection and the bucket; `putimages.py` uploads each photo to
`index/<file>` with user metadata `FullName`; the S3-triggered Lambda indexes the object into the
collection (no ExternalImageId), reads the name back from the object's metadata and puts
`{RekognitionId, FullName}` into the table.

usage: seed.py S3_URL DYNAMODB_URL REKOGNITION_URL BUCKET TABLE COLLECTION FILE=NAME...
"""

import os
import sys

import boto3


def main(argv):
    s3_url, ddb_url, rek_url, bucket, table, collection, *photos = argv
    kw = {"region_name": "eu-west-1", "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    s3 = boto3.client("s3", endpoint_url=s3_url, **kw)
    ddb = boto3.client("dynamodb", endpoint_url=ddb_url, **kw)
    rek = boto3.client("rekognition", endpoint_url=rek_url, **kw)

    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "RekognitionId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "RekognitionId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    rek.create_collection(CollectionId=collection)

    for spec in photos:
        path, name = spec.split("=", 1)
        key = "index/" + os.path.basename(path)
        # putimages.py
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=key, Body=f, Metadata={"FullName": name})
        # The Lambda, on the ObjectCreated event.
        out = rek.index_faces(Image={"S3Object": {"Bucket": bucket, "Name": key}}, CollectionId=collection)
        face_id = out["FaceRecords"][0]["Face"]["FaceId"]
        full_name = s3.head_object(Bucket=bucket, Key=key)["Metadata"]["fullname"]
        ddb.put_item(TableName=table, Item={"RekognitionId": {"S": face_id}, "FullName": {"S": full_name}})
        print(key, face_id, full_name)


if __name__ == "__main__":
    main(sys.argv[1:])
