"""Unit tests of the Python worker's parts that need no Temporal server (run by test/unit/pythonPackage.test.ts:
python -m unittest discover python/tests). The integration test covers the worker under Temporal."""

import hashlib
import os
import socket
import tempfile
import unittest

from bosun_worker.config import ConfigError, FileStoreConfig, S3StoreConfig, load_config
from bosun_worker.errors import MAX_FRAMES, MAX_MESSAGE_CHARS, BadInput
from bosun_worker.steps import UserCodeError, framework_name
from bosun_worker.store import ArtifactCorrupt, ArtifactNotFound, FsStore, S3Store, StoreUnavailable, artifact_key
from bosun_worker.worker import failure_for

STEPS = {"BOSUN_PYTHON_STEPS": "json"}


class ConfigTest(unittest.TestCase):
    def test_defaults_mirror_the_typescript_loader(self):
        cfg = load_config({**STEPS}, cwd="/srv/app")
        self.assertEqual(cfg.temporal_address, "localhost:7233")
        self.assertEqual(cfg.namespace, "default")
        self.assertEqual(cfg.task_queue, "bosun-python")
        self.assertEqual(cfg.artifacts, FileStoreConfig(root="/srv/app/.bosun/artifacts"))

    def test_s3_url_with_prefix(self):
        cfg = load_config({**STEPS, "BOSUN_ARTIFACTS_URL": "s3://bucket-1/team/x/", "BOSUN_S3_ACCESS_KEY": "k", "BOSUN_S3_SECRET_KEY": "secret-123"})
        self.assertIsInstance(cfg.artifacts, S3StoreConfig)
        self.assertEqual((cfg.artifacts.bucket, cfg.artifacts.prefix, cfg.artifacts.endpoint), ("bucket-1", "team/x", "http://localhost:9000"))
        self.assertNotIn("secret-123", repr(cfg.artifacts))

    def test_bad_values_are_named_in_one_message(self):
        with self.assertRaises(ConfigError) as ctx:
            load_config({"TEMPORAL_ADDRESS": "nohost", "BOSUN_ARTIFACTS_URL": "s3://b1b"})
        text = str(ctx.exception)
        self.assertIn("TEMPORAL_ADDRESS='nohost': expected host:port", text)
        self.assertIn("BOSUN_PYTHON_STEPS is unset", text)
        self.assertIn("needs BOSUN_S3_ACCESS_KEY and BOSUN_S3_SECRET_KEY", text)


class FsStoreTest(unittest.TestCase):
    def test_layout_is_the_typescript_one_and_reads_verify_the_hash(self):
        root = tempfile.mkdtemp()
        store = FsStore(root)
        ref = store.put(b"hello")
        digest = hashlib.sha256(b"hello").hexdigest()
        self.assertEqual((ref.hash, ref.size), (digest, 5))
        self.assertEqual(artifact_key(digest), f"sha256/{digest[:2]}/{digest}")
        self.assertTrue(os.path.isfile(os.path.join(root, "sha256", digest[:2], digest)))
        self.assertEqual(store.get(digest), b"hello")
        self.assertEqual(store.put(b"hello"), ref)  # stored once
        with open(os.path.join(root, artifact_key(digest)), "wb") as f:
            f.write(b"HELLO")
        with self.assertRaises(ArtifactCorrupt):
            store.get(digest)
        with self.assertRaises(ArtifactNotFound):
            store.get("0" * 64)


class FailureTest(unittest.TestCase):
    def test_an_unreachable_store_is_retryable(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        store = S3Store(S3StoreConfig("bucket-1", "", f"http://127.0.0.1:{port}", "k", "secret-123", "us-east-1"))
        with self.assertRaises(StoreUnavailable) as ctx:
            store.get("a" * 64)
        failure = failure_for(ctx.exception)
        self.assertEqual((failure.type, failure.non_retryable), ("StoreUnavailable", False))
        self.assertIn(f"127.0.0.1:{port}", failure.message)

    def test_bad_input_and_missing_artifacts_are_not_retried(self):
        for e in (BadInput("bad entry"), ArtifactNotFound("artifact x not found")):
            failure = failure_for(e)
            self.assertEqual((failure.type, failure.non_retryable), ("BadInput", True))

    def test_a_user_exception_carries_type_message_and_bounded_frames(self):
        def deep(n):
            if n == 0:
                raise KeyError("x" * 5000)
            deep(n - 1)

        try:
            deep(20)
        except KeyError as e:
            failure = failure_for(UserCodeError('step "s" (m:f)', e))
        self.assertEqual((failure.type, failure.non_retryable), ("BadInput", True))
        self.assertTrue(failure.message.startswith('step "s" (m:f) raised KeyError: '))
        self.assertLessEqual(len(failure.message), MAX_MESSAGE_CHARS)
        frames = failure.message.split("last frames):\n")[1].split("\n")
        self.assertEqual(len(frames), MAX_FRAMES)
        self.assertIn('in deep: raise KeyError("x" * 5000)', frames[-1])


class FrameworkNameTest(unittest.TestCase):
    def test_public_module_path_and_pipeline_steps(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.assertEqual(framework_name(LogisticRegression()), "sklearn.linear_model.LogisticRegression")
        self.assertEqual(framework_name(make_pipeline(StandardScaler(), LogisticRegression())), "sklearn.pipeline.Pipeline(StandardScaler, LogisticRegression)")


if __name__ == "__main__":
    unittest.main()
