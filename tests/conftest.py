"""Test session set-up: a private cache directory, so tests neither read nor pollute the user's."""

from __future__ import annotations

import os
import tempfile

os.environ["PLANCTL_CACHE"] = tempfile.mkdtemp(prefix="planctl-test-cache-")
