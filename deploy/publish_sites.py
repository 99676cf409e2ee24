"""Upload the built checkout widget and dashboard to the stack's buckets and invalidate their CDN caches.

Run after `sam deploy` (`make deploy` does both): `python -m deploy.publish_sites --stack payment-gateway`.
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = {
    # output prefix in template.yaml -> built directory
    "CheckoutWidget": ROOT / "checkout_widget" / "dist",
    "Dashboard": ROOT / "dashboard_site" / "dist",
}
IMMUTABLE = "public, max-age=31536000, immutable"


def cache_control(relative_path: str) -> str:
    """Hashed and versioned files never change; entry points (HTML, checkout.js) are revalidated."""
    if relative_path.startswith(("assets/", "sdk/")):
        return IMMUTABLE
    if relative_path.endswith(".html") or relative_path.endswith(".json"):
        return "no-cache"
    return "public, max-age=300"


def content_type(relative_path: str) -> str:
    guessed, _ = mimetypes.guess_type(relative_path)
    return guessed or "application/octet-stream"


def stack_outputs(cloudformation: object, stack: str) -> dict[str, str]:
    described = cloudformation.describe_stacks(StackName=stack)  # type: ignore[attr-defined]
    return {item["OutputKey"]: item["OutputValue"] for item in described["Stacks"][0].get("Outputs", [])}


def publish(stack: str) -> None:
    import time

    import boto3

    outputs = stack_outputs(boto3.client("cloudformation"), stack)
    s3, cloudfront = boto3.client("s3"), boto3.client("cloudfront")
    for prefix, dist in SITES.items():
        if not dist.is_dir():
            sys.exit(f"{dist} is missing: run `make frontend` first")
        bucket, distribution = outputs[f"{prefix}BucketName"], outputs[f"{prefix}DistributionId"]
        files = [path for path in sorted(dist.rglob("*")) if path.is_file()]
        for number, path in enumerate(files, 1):
            key = path.relative_to(dist).as_posix()
            print(f"  [{prefix} {number}/{len(files)}] s3://{bucket}/{key}", flush=True)
            headers = {"ContentType": content_type(key), "CacheControl": cache_control(key)}
            s3.upload_file(str(path), bucket, key, ExtraArgs=headers)
        everything = {"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"{time.time()}"}
        cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch=everything)
        print(f"{prefix}: {len(files)} files published, cache invalidated", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="payment-gateway")
    publish(parser.parse_args().stack)


if __name__ == "__main__":
    main()
