"""Suite-wide settings: parsed data tables are cached in a temporary folder, never in ~/.cache."""

import os
import tempfile

os.environ["SLIMFIX_CACHE_DIR"] = tempfile.mkdtemp(prefix="slimfix-test-cache-")
