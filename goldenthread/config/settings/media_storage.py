"""Where About me's pictures, sound and video are kept (#12, P-4, Std 4.3), from the
environment: a private folder by default, or an S3-compatible object store when
GOLDENTHREAD_PERSON_MEDIA_S3_BUCKET is set (django-storages; docs/adr/0013).

Either way the files have no public address: the folder is outside the web root, and
objects in the store are private (ACL `private`, addresses only ever signed and short-
lived). The service never hands out a storage address: every file is read through the
storage API by the record's permission-checked, access-logged view
(portal.views.AboutMeMediaMixin). Credentials come from the store's usual chain
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role), never from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

S3_BACKEND = "storages.backends.s3.S3Storage"
FILE_BACKEND = "django.core.files.storage.FileSystemStorage"


def person_media_storage(environ: Mapping[str, str], var_dir: Path) -> dict:
    bucket = environ.get("GOLDENTHREAD_PERSON_MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        return {
            "BACKEND": FILE_BACKEND,
            "OPTIONS": {
                "location": environ.get(
                    "GOLDENTHREAD_PERSON_MEDIA_DIR", str(var_dir / "person-media")
                ),
                "base_url": "/no-public-address/",
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # An S3-compatible store other than AWS (MinIO, Ceph...): its address.
            "endpoint_url": environ.get("GOLDENTHREAD_PERSON_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("GOLDENTHREAD_PERSON_MEDIA_S3_REGION") or None,
            "location": environ.get("GOLDENTHREAD_PERSON_MEDIA_S3_PREFIX", "person-media"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
