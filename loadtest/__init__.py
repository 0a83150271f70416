"""The ccbench load harness: measure the accuracy and latency of any metrics backend.

Point it at a backend with a target mapping (:func:`load_mapping`; the
reference backend's is the default), replay an event log into it, query it
under a closed or open workload with Locust, then verify every recorded
answer against the oracle and judge latency, errors, accuracy, freshness and
rate against thresholds (docs/loadtest.md). :func:`run_loadtest` is the
library entry point; :mod:`loadtest.locustfile` holds the Locust users and
shape (importing it loads Locust and gevent, this package does not).
"""

from ._adapters import (
    DIALECTS,
    FILE_FORMATS,
    IngestAck,
    IngestBatch,
    IngestPlugin,
    IngestSpec,
    ResponseTranslator,
)
from ._config import LoadTestConfig, Thresholds, load_config
from ._dashboard_queries import DASHBOARD_ENDPOINT, dashboard_answer
from ._distributed import run_worker
from ._expected import Expected, ExpectedProvider, OracleProvider
from ._harness import RUN_HEADERS_ENV, RUN_SPEC_ENV, RunSpec
from ._latency import PERCENTILES, LatencyBook, Percentiles
from ._mapping import REDACTED, REFERENCE_MAPPING, Endpoint, TargetMapping, load_mapping
from ._outcome import (
    CHECKS,
    EXIT_ERRORS,
    EXIT_FRESHNESS,
    EXIT_HARNESS,
    EXIT_LATENCY,
    EXIT_MISMATCH,
    EXIT_RATE,
    Breach,
    check_results,
    evaluate,
    exit_code,
    summarize_run,
)
from ._progress import RunProgress
from ._queries import METRIC_NAMES, PlannedQuery, QueryMix
from ._recording import QueryValue, Record, Recorder, multi_query
from ._report import print_summary, write_reports
from ._run import RunResult, run_loadtest
from ._status import ERROR_CLASSES
from ._target_apps import Faults, faulty_proxy_app, oracle_target_app, serve_app
from ._verification import Mismatch, Verification
from ._verify import diff_json, verify_records

__all__ = [
    "CHECKS",
    "DASHBOARD_ENDPOINT",
    "DIALECTS",
    "ERROR_CLASSES",
    "EXIT_ERRORS",
    "EXIT_FRESHNESS",
    "EXIT_HARNESS",
    "EXIT_LATENCY",
    "EXIT_MISMATCH",
    "EXIT_RATE",
    "FILE_FORMATS",
    "METRIC_NAMES",
    "PERCENTILES",
    "REDACTED",
    "REFERENCE_MAPPING",
    "RUN_HEADERS_ENV",
    "RUN_SPEC_ENV",
    "Breach",
    "Endpoint",
    "Expected",
    "ExpectedProvider",
    "Faults",
    "IngestAck",
    "IngestBatch",
    "IngestPlugin",
    "IngestSpec",
    "LatencyBook",
    "LoadTestConfig",
    "Mismatch",
    "OracleProvider",
    "Percentiles",
    "PlannedQuery",
    "QueryMix",
    "QueryValue",
    "Record",
    "Recorder",
    "ResponseTranslator",
    "RunProgress",
    "RunResult",
    "RunSpec",
    "TargetMapping",
    "Thresholds",
    "Verification",
    "check_results",
    "dashboard_answer",
    "diff_json",
    "evaluate",
    "exit_code",
    "faulty_proxy_app",
    "load_config",
    "load_mapping",
    "multi_query",
    "oracle_target_app",
    "print_summary",
    "run_loadtest",
    "run_worker",
    "serve_app",
    "summarize_run",
    "verify_records",
    "write_reports",
]
