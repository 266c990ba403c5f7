"""Suite-wide settings: parsed data tables are cached in a temporary folder, never in ~/.cache;
the results cache (slimfix.cache) is off, except in the tests that turn it on, so tests that
replace a rule or the fixer see their replacement run."""

import os
import tempfile

os.environ["SLIMFIX_CACHE_DIR"] = tempfile.mkdtemp(prefix="slimfix-test-cache-")
os.environ["SLIMFIX_NO_CACHE"] = "1"
