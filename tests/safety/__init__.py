"""The differential-execution oracle: safe fixes, run and compared in a sandbox."""
