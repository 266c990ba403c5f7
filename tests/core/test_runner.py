"""slimfix.runner: many files, one result each, in order; the collector setting is scoped."""

from __future__ import annotations

import gc

from slimfix.config import Settings
from slimfix.runner import Job, fewer_collections, run_jobs


def test_results_come_back_in_job_order_and_files_are_written(tmp_path):
    paths = []
    for i in range(3):
        path = tmp_path / f"Dockerfile.{i}"
        path.write_text(f"FROM debian\nRUN echo {i}\nRUN echo done\n")
        paths.append(str(path))
    results = run_jobs([Job(p, Settings(), write=True) for p in paths], workers=1)
    assert [r.path for r in results] == paths
    for i, path in enumerate(paths):
        assert open(path).read() == f"FROM debian\nRUN echo {i} \\\n    && echo done\n"


def test_collector_thresholds_are_restored_and_older_objects_frozen():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] > before[0]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before


def test_collector_setting_is_restored_when_a_job_fails():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
