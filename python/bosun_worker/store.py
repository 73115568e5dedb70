"""Bosun's artifact store, read and written exactly as the TypeScript side does (src/storage): content-addressed
by sha256, key `sha256/<first two hex>/<hex>` under the filesystem root or the bucket's prefix, every read
re-hashed and refused if the bytes do not match their name. An artifact one runtime writes, the other finds."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlparse

from .config import FileStoreConfig, S3StoreConfig

_HASH_RE = re.compile(r"[0-9a-f]{64}")


class ArtifactNotFound(Exception):
    """The reference names bytes the store does not have: a bad reference, not a passing fault."""


class ArtifactCorrupt(Exception):
    pass


class StoreUnavailable(Exception):
    """The store could not be reached or refused the request: worth retrying."""


@dataclass(frozen=True)
class ArtifactRef:
    hash: str
    size: int


def artifact_key(hash_: str) -> str:
    if not _HASH_RE.fullmatch(hash_):
        raise ValueError(f'"{hash_}" is not an artifact hash (expected 64 lowercase hex characters)')
    return f"sha256/{hash_[:2]}/{hash_}"


def _verify(expected: str, data: bytes, location: str) -> bytes:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ArtifactCorrupt(
            f"artifact {expected} in {location} is corrupt: its content hashes to {actual}. "
            "Refusing to use it; rerun the step that produced it with --no-cache to write it again."
        )
    return data


class FsStore:
    def __init__(self, root: str) -> None:
        self.root = root
        self.location = f"file://{root}"

    def _path(self, hash_: str) -> str:
        return os.path.join(self.root, artifact_key(hash_))

    def get(self, hash_: str) -> bytes:
        try:
            with open(self._path(hash_), "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise ArtifactNotFound(f"artifact {hash_} not found in {self.location}") from None
        except OSError as e:
            raise StoreUnavailable(f"cannot read artifact {hash_} in {self.location}: {e}") from e
        return _verify(hash_, data, self.location)

    def put(self, data: bytes) -> ArtifactRef:
        hash_ = hashlib.sha256(data).hexdigest()
        final = self._path(hash_)
        if _size_is(final, len(data)):
            return ArtifactRef(hash_, len(data))
        try:
            os.makedirs(os.path.dirname(final), exist_ok=True)
            tmp = f"{final}.tmp-{secrets.token_hex(6)}"
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            self._publish(tmp, final, len(data))
        except OSError as e:
            raise StoreUnavailable(f"cannot write artifact {hash_} to {self.location}: {e}") from e
        return ArtifactRef(hash_, len(data))

    @staticmethod
    def _publish(tmp: str, final: str, size: int) -> None:
        # As fsStore.ts: link() fails if another writer got there first (same name, same bytes); a leftover of
        # the wrong size (an interrupted older write) is replaced.
        try:
            os.link(tmp, final)
            os.unlink(tmp)
        except FileExistsError:
            if _size_is(final, size):
                os.unlink(tmp)
            else:
                os.replace(tmp, final)


def _size_is(path: str, size: int) -> bool:
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


class S3Store:
    def __init__(self, cfg: S3StoreConfig) -> None:
        import certifi
        import urllib3
        from minio import Minio

        ep = urlparse(cfg.endpoint)
        # Few quick retries here: a store that stays down fails the step as StoreUnavailable, and Temporal's retry
        # policy (with its backoff, visible in the run's history) takes over rather than a minute of silent waiting.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=10, read=300),
            retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
        self.cfg = cfg
        self.location = f"s3://{cfg.bucket}{'/' + cfg.prefix if cfg.prefix else ''} at {ep.scheme}://{ep.netloc}"
        self.client = Minio(
            ep.netloc,
            access_key=cfg.access_key,
            secret_key=cfg.secret_key,
            secure=ep.scheme == "https",
            region=cfg.region,
            http_client=http,
        )

    def _key(self, hash_: str) -> str:
        k = artifact_key(hash_)
        return f"{self.cfg.prefix}/{k}" if self.cfg.prefix else k

    def open(self) -> "S3Store":
        """Checks the connection and credentials, creating the bucket if it is missing (as S3ArtifactStore.open)."""
        try:
            if not self.client.bucket_exists(self.cfg.bucket):
                self.client.make_bucket(self.cfg.bucket, location=self.cfg.region)
        except Exception as e:  # noqa: BLE001 - every failure here is the store's, named in one line
            raise StoreUnavailable(f"cannot use the artifact store {self.location}: {_describe(e)}") from e
        return self

    def get(self, hash_: str) -> bytes:
        from minio.error import S3Error

        try:
            resp = self.client.get_object(self.cfg.bucket, self._key(hash_))
            try:
                data = resp.read()
            finally:
                resp.close()
                resp.release_conn()
        except S3Error as e:
            if e.code in ("NoSuchKey", "NoSuchObject"):
                raise ArtifactNotFound(f"artifact {hash_} not found in {self.location}") from None
            raise StoreUnavailable(f"cannot read artifact {hash_} from {self.location}: {_describe(e)}") from e
        except Exception as e:  # noqa: BLE001 - connection refused, timeouts: the store's, retried
            raise StoreUnavailable(f"cannot read artifact {hash_} from {self.location}: {_describe(e)}") from e
        return _verify(hash_, data, self.location)

    def put(self, data: bytes) -> ArtifactRef:
        from minio.error import S3Error

        hash_ = hashlib.sha256(data).hexdigest()
        key = self._key(hash_)
        try:
            try:
                if self.client.stat_object(self.cfg.bucket, key).size == len(data):
                    return ArtifactRef(hash_, len(data))
            except S3Error as e:
                if e.code not in ("NoSuchKey", "NoSuchObject"):
                    raise
            # One PUT per object is atomic: concurrent writers of the same bytes leave one identical object.
            self.client.put_object(self.cfg.bucket, key, io.BytesIO(data), len(data), content_type="application/octet-stream")
        except Exception as e:  # noqa: BLE001
            raise StoreUnavailable(f"cannot write artifact {hash_} to {self.location}: {_describe(e)}") from e
        return ArtifactRef(hash_, len(data))


def _describe(e: Exception) -> str:
    code = getattr(e, "code", None)
    msg = getattr(e, "message", None) or str(e)
    return f"{code}: {msg}" if code else f"{type(e).__name__}: {msg}"


def open_store(cfg: FileStoreConfig | S3StoreConfig):
    """The one way to get the store: the filesystem by default, MinIO/S3 when configured."""
    return FsStore(cfg.root) if isinstance(cfg, FileStoreConfig) else S3Store(cfg).open()
