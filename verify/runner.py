"""The verification runner: run every check of every selected claim and build report.json.

Per claim, each check runs at the requested precision with a
:class:`~focalrd.verify.registry.CheckContext` whose random generator is seeded
by (seed, claim id), so results do not depend on the order or the process in
which claims run.  A check that raises gives inconclusive evidence carrying the
error, never a crash; so does a check whose verdict is not a boolean, or a
sampled (exhaustive) check that passed on no sample (instance).  The claim's
status is

* ``refuted`` if any check refuted it (``passed`` False),
* ``verified`` if it has checks and every one passed,
* ``inconclusive`` otherwise (with ``why``: no check registered, or the
  reasons the inconclusive checks gave).

A claim *meets its expectation* when it is verified and expected to hold, or
refuted and expected to fail; a claim whose expectation is unknown meets it
whatever its status (``met_reason`` says so); a control expected to be
inconclusive meets it only when inconclusive.

The JSON document (schema ``focalrd.report/1``, documented in the README) is
deterministic: for the same inputs and seed it is byte-identical apart from
the values of the keys named ``"seconds"`` and ``"created"``.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import importlib
import importlib.util
import io
import json
import multiprocessing
import os
import random
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from mpmath import iv, mp

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify import __version__
from focalrd.verify.claims import load_all
from focalrd.verify.environment import describe_environment
from focalrd.verify.files import (  # noqa: F401 - prepare_output_directory re-exported
    prepare_output_directory,
    write_text_atomic,
)
from focalrd.verify.progress import Progress
from focalrd.verify.registry import (
    LEVELS,
    Check,
    CheckContext,
    Claim,
    Evidence,
    declared_level,
    jsonable,
    numbers_of,
    numbers_of_claim,
    registered_claims,
    screen_verdict,
)

SCHEMA = "focalrd.report/1"
REPORT_NAME = "report.json"


@dataclass(frozen=True)
class RunSettings:
    """What a run depends on (recorded under ``"settings"`` in the report)."""

    dps: int = 30
    quick: bool = False
    seed: int = 0
    jobs: int = 1
    only: tuple[str, ...] = ()
    claims_modules: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"dps": self.dps, "quick": self.quick, "seed": self.seed, "jobs": self.jobs,
                "only": list(self.only) or None, "claims_modules": list(self.claims_modules)}


# -- loading and selecting claims ---------------------------------------------------------

#: Check modules of the suite that failed to import: {module name: error}.
_LOAD_ERRORS: dict[str, str] = {}


def load_claims(modules: Iterable[str] = ()) -> list[dict[str, str]]:
    """Load the THEORY.md claims and every user claims module (each only once).

    Uses :func:`focalrd.verify.claims.load_all` (the catalogue, then every check
    module in name order) with an error handler: a check module that fails to
    import does not stop the run: it is reported (the returned list, also under
    ``"load_errors"`` in the report) and not retried, and its claims lack its
    checks.  A user module that fails to import is a usage error.
    """
    def record(name: str, error: Exception) -> None:
        _LOAD_ERRORS[name] = " ".join(f"{type(error).__name__}: {error}".split())

    load_all(on_error=record, skip=_LOAD_ERRORS)
    for module in modules:
        load_user_module(module)
    return [{"module": name, "error": error} for name, error in sorted(_LOAD_ERRORS.items())]


def _looks_like_path(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or os.sep in spec


def load_user_module(spec: str) -> ModuleType:
    """Import a user claims module given as a dotted name or a ``.py`` file path.

    Loading is idempotent: a module already imported is not executed again.
    Raises :class:`InvalidInputError` (parameter ``claims``) when the module
    cannot be found or fails to import.
    """
    accepted = "an importable module name or the path of a .py file"
    if _looks_like_path(spec):
        try:
            path = Path(spec).expanduser().resolve()
            found = path.is_file()
        except (OSError, ValueError) as error:  # a name too long, a NUL character, ...
            reason = getattr(error, "strerror", None) or "not a usable path"
            raise InvalidInputError("claims", f"{accepted} ({reason})", spec) from None
        if not found or path.suffix != ".py":
            raise InvalidInputError("claims", f"{accepted} (no such .py file)", spec)
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
        name = f"focalrd_user_claims_{_identifier(path.stem)}_{digest}"
        if name in sys.modules:
            return sys.modules[name]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:  # pragma: no cover
            raise InvalidInputError("claims", accepted, spec)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            with _stdout_to_stderr():
                module_spec.loader.exec_module(module)
        except RunInterrupted:
            del sys.modules[name]
            raise
        except BaseException as error:  # sys.exit at import too: the module did not load
            del sys.modules[name]
            raise _import_failure(spec, error) from None
        return module
    if not all(part.isidentifier() for part in spec.split(".")):
        raise InvalidInputError("claims", accepted, spec)
    if spec in sys.modules:
        return sys.modules[spec]
    try:
        with _stdout_to_stderr():
            try:
                return importlib.import_module(spec)
            except ModuleNotFoundError as error:
                # The console script does not put the working directory on sys.path;
                # a user naming a module there expects it to be found.
                if error.name != spec.split(".")[0] or os.getcwd() in sys.path:
                    raise
                sys.path.insert(0, os.getcwd())
                return importlib.import_module(spec)
    except ModuleNotFoundError as error:
        if error.name and spec.startswith(error.name):
            raise InvalidInputError("claims", f"{accepted} (module not found)", spec) from None
        raise _import_failure(spec, error) from None
    except RunInterrupted:
        raise
    except BaseException as error:  # sys.exit at import too: the module did not load
        sys.modules.pop(spec, None)
        raise _import_failure(spec, error) from None


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send what a user module prints while it is imported to stderr (stdout is for --json)."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _identifier(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text)


def _import_failure(spec: str, error: BaseException) -> InvalidInputError:
    if isinstance(error, SystemExit):
        reason = f"it called sys.exit({error.code!r}) while being imported"
    else:
        reason = " ".join(f"{type(error).__name__}: {error}".split()).rstrip(": ")
    return InvalidInputError("claims", f"a module that imports cleanly ({reason})", spec)


def split_patterns(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``--only`` patterns: comma-separated glob patterns (None: every claim).

    Given but empty (``--only ''``, ``--only ','``) is a usage error, not "every claim".
    """
    if text is None:
        return ()
    items = [text] if isinstance(text, str) else list(text)
    patterns = tuple(p.strip() for item in items for p in item.split(",") if p.strip())
    if not patterns:
        raise InvalidInputError("only", "a non-empty comma-separated list of glob patterns "
                                "(e.g. 'phi.*,tau.bracket'; omit --only to run every claim)",
                                ",".join(items))
    return patterns


def select_claims(patterns: Sequence[str] = ()) -> list[Claim]:
    """The registered claims whose id matches any glob pattern, in registration order."""
    claims = list(registered_claims().values())
    if not patterns:
        return claims
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(c.id, pattern) for c in claims):
            raise InvalidInputError("only", "glob patterns each matching at least one claim id "
                                    "(e.g. 'phi.*,tau.bracket')", pattern)
    return [c for c in claims if any(fnmatch.fnmatchcase(c.id, p) for p in patterns)]


# -- running checks and claims --------------------------------------------------------------


def check_name(func: Check) -> str:
    module = getattr(func, "__module__", "?")
    return f"{module}.{getattr(func, '__qualname__', repr(func))}"


#: Most characters of a check's stdout kept in its evidence.
MAX_CAPTURED = 2000


def run_check(func: Check, context: CheckContext) -> dict[str, Any]:
    """Run one check; whatever goes wrong becomes inconclusive evidence naming it.

    A check that raises, calls ``sys.exit`` (any code), raises another
    ``BaseException`` (a ``KeyboardInterrupt`` of its own, say) or returns
    something other than Evidence failed to run: its evidence is inconclusive
    and the run goes on.  Only a real interrupt of the run
    (:class:`RunInterrupted`) propagates.  The check's stdout is captured (stdout
    carries the ``--json`` document alone); a check that printed is inconclusive
    too, and its output is kept under ``"stdout"``.
    """
    started = time.perf_counter()
    interval_prec = iv.prec
    flint = sys.modules.get("flint")  # Arb's precision, when a check has used the balls
    ball_prec = flint.ctx.prec if flint is not None else None
    _seed_global_generators(f"{context.seed}:{context.claim_id}:{check_name(func)}")
    # Each check gets its own random streams (ctx.rng, ctx.seed_for), fixed by its name.
    context = replace(context, check=check_name(func))
    captured = io.StringIO()
    try:
        with mp.workdps(context.dps), contextlib.redirect_stdout(captured):
            evidence = func(context)
        if not isinstance(evidence, Evidence):
            raise TypeError(f"the check returned {type(evidence).__name__}, not Evidence")
        # A non-boolean verdict, or a pass on no sample, is inconclusive.
        entry = screen_verdict(evidence.as_dict())
    except RunInterrupted:
        raise
    except SystemExit as error:  # sys.exit in a check ends the check, not the run
        entry = _did_not_run(func, f"the check called sys.exit({error.code!r})", error)
    except Exception as error:  # a failing check must not stop the run
        message = " ".join(f"{type(error).__name__}: {error}".split())
        entry = _did_not_run(func, f"the check raised {message}", error)
    except BaseException as error:  # KeyboardInterrupt of its own, GeneratorExit, ...
        message = " ".join(f"{type(error).__name__}: {error}".split()).rstrip(": ")
        entry = _did_not_run(func, f"the check raised {message}", error)
    finally:
        iv.prec = interval_prec  # a check must not change the next one's precision
        flint = sys.modules.get("flint")
        if flint is not None:
            flint.ctx.prec = ball_prec if ball_prec is not None else 53
    entry = jsonable(entry)
    output = captured.getvalue()
    if output:
        entry["stdout"] = output[:MAX_CAPTURED] + (
            f"... ({len(output)} characters in all)" if len(output) > MAX_CAPTURED else "")
        if entry.get("passed") is not None:
            entry["passed"] = None
            entry["why"] = (f"the check printed {len(output)} characters to stdout (a check "
                            "returns Evidence; its output is under 'stdout')")
    entry["numbers"] = numbers_of(entry)
    entry["check"] = check_name(func)
    entry["seconds"] = round(time.perf_counter() - started, 4)
    return entry


def _did_not_run(func: Check, reason: str, error: BaseException | None = None) -> dict[str, Any]:
    """The inconclusive evidence of a check that failed to run (and where, given the error)."""
    where = _blame(func, error) if error is not None else None
    place = f" (at {Path(where.filename).name}:{where.lineno})" if where is not None else ""
    return {"level": declared_level(func) or "unknown",
            "method": (func.__doc__ or check_name(func)).strip().splitlines()[0],
            "passed": None,
            "why": reason + place}


def _seed_global_generators(text: str) -> None:
    """Seed Python's and numpy's global generators per check.

    Checks should draw from ``ctx.rng``; this makes a check that uses the
    global generators deterministic too, whatever ran before it in the process.
    """
    random.seed(text)
    if "numpy" in sys.modules:
        digest = hashlib.sha256(text.encode()).digest()
        sys.modules["numpy"].random.seed(int.from_bytes(digest[:4], "big"))


def _blame(func: Check, error: BaseException) -> traceback.FrameSummary | None:
    """The innermost traceback frame in the check's own file (else the innermost)."""
    frames = traceback.extract_tb(error.__traceback__)
    own_file = getattr(getattr(func, "__code__", None), "co_filename", None)
    own = [frame for frame in frames if frame.filename == own_file]
    return (own or frames)[-1] if (own or frames) else None


def run_claim(claim_id: str, settings: RunSettings) -> dict[str, Any]:
    """Run every check of one registered claim and return its report record."""
    claim = registered_claims()[claim_id]
    started = time.perf_counter()
    context = CheckContext(dps=settings.dps, quick=settings.quick, seed=settings.seed,
                           claim_id=claim_id)
    evidence = [run_check(func, context) for func in claim.checks]
    return claim_record(claim, evidence, time.perf_counter() - started)


def claim_record(claim: Claim, evidence: list[dict[str, Any]], seconds: float,
                 why: str | None = None) -> dict[str, Any]:
    """The report record of a claim from the evidence of its checks."""
    verdicts = [entry.get("passed") for entry in evidence]
    if why is not None:
        status = "inconclusive"
    elif any(v is False for v in verdicts):
        status = "refuted"
    elif evidence and all(v is True for v in verdicts):
        status = "verified"
    else:
        status = "inconclusive"
        why = "no check registered" if not evidence else "; ".join(
            f"{entry.get('check', '?')}: {entry.get('why') or 'no reason given'}"
            for entry in evidence if entry.get("passed") is not True)
    refuting = [e.get("counterexample") for e in evidence if e.get("passed") is False]
    met, met_reason = _expectation(claim.expected, status)
    if met and status == "refuted" and claim.refuted_by:
        met, met_reason = _refuted_as_expected(claim.refuted_by, evidence)
    return {
        "id": claim.id,
        "section": claim.section,
        "statement": claim.statement,
        "latex": claim.latex,
        "provenance": claim.provenance,
        "expected": claim.expected,
        "status": status,
        "met": met,
        "met_reason": met_reason,
        "why": why,
        "evidence": evidence,
        "counterexample": next((c for c in refuting if c is not None), None),
        "numbers": numbers_of_claim(evidence),
        "notes": claim.notes,
        "seconds": round(seconds, 4),
    }


def _expectation(expected: str, status: str) -> tuple[bool, str]:
    if expected == "unknown":
        return True, f"expectation unknown: met whatever the status ({status})"
    if expected == "inconclusive":
        if status == "inconclusive":
            return True, "expected inconclusive (a control), and inconclusive"
        return False, f"expected inconclusive (a control), but {status}"
    if expected == "holds":
        if status == "verified":
            return True, "expected to hold, and verified"
        return False, f"expected to hold, but {status}"
    if status == "refuted":
        return True, "expected to fail, and refuted (the suite working)"
    return False, f"expected to fail, but {status}"


def _refuted_as_expected(refuted_by: tuple[str, ...], evidence: list[dict[str, Any]]
                         ) -> tuple[bool, str]:
    """A false claim meets its expectation when exactly its declared checks refute it and
    every other check passes (a broken supporting check is a finding too)."""
    def name(entry: dict[str, Any]) -> str:
        return str(entry.get("check", "?")).rsplit(".", 1)[-1]

    refuting = sorted(name(e) for e in evidence if e.get("passed") is False)
    undecided = sorted(name(e) for e in evidence if e.get("passed") is None)
    if refuting != sorted(refuted_by) or undecided:
        return False, (f"expected to fail by {', '.join(sorted(refuted_by))} with every other "
                       f"check passing, but refuted by {', '.join(refuting) or 'none'}"
                       + (f" and undecided: {', '.join(undecided)}" if undecided else ""))
    return True, (f"expected to fail, and refuted by exactly {', '.join(refuting)} "
                  "(the other checks passing)")


# -- interrupts and parallel workers -------------------------------------------------------


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by SIGINT or SIGTERM (``signum``); exit status 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """While the run lasts, SIGINT and SIGTERM raise :class:`RunInterrupted` in the main thread.

    So a check's own ``KeyboardInterrupt`` (inconclusive evidence) is told apart from
    Ctrl-C, and SIGTERM unwinds like Ctrl-C: the worker pool is stopped and no report
    file is replaced.  Outside the main thread nothing is installed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise RunInterrupted(signum)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class WorkerStartFailed(RuntimeError):
    """The claims modules failed to load in a worker process (they loaded in the parent)."""


#: Why this worker process could not load the claims modules (None: it could).
_WORKER_LOAD_FAILURE: str | None = None


def _init_worker(modules: tuple[str, ...]) -> None:
    global _WORKER_LOAD_FAILURE
    # Ctrl-C reaches the whole process group: the parent stops the workers, which
    # must not take it for a check's own KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        load_claims(modules)
    except Exception as error:  # each task reports it (an initializer that raises would
        # print a traceback and break the pool)
        _WORKER_LOAD_FAILURE = " ".join(f"{type(error).__name__}: {error}".split())


def _run_check_in_worker(claim_id: str, index: int, name: str,
                         settings: RunSettings) -> dict[str, Any]:
    """Run check ``index`` of claim ``claim_id`` in a worker (``name`` guards the order)."""
    if _WORKER_LOAD_FAILURE is not None:
        raise WorkerStartFailed(_WORKER_LOAD_FAILURE)
    func = registered_claims()[claim_id].checks[index]
    if check_name(func) != name:  # the worker loaded the checks in another order
        raise RuntimeError(f"check {index} of {claim_id} is {check_name(func)} in the worker, "
                           f"{name} in the parent")
    context = CheckContext(dps=settings.dps, quick=settings.quick, seed=settings.seed,
                           claim_id=claim_id)
    return run_check(func, context)


#: Seconds a worker gets to exit after SIGTERM before it is killed.
_WORKER_GRACE = 2.0


class WorkerPool:
    """Worker processes that live for a whole run and take one check at a time.

    Each worker imports focalrd and loads the claims once (``spawn``: a fresh
    interpreter, so user modules are re-imported, never inherited half-loaded),
    then runs checks, and side tasks such as drawing the figures, as they come.
    Work is split below the claim level because one claim's checks can be a
    large part of a run; checks are submitted longest first (by
    :func:`estimated_seconds`) so that no long check starts last.  Every check
    is seeded by its own name (:func:`run_check`), so the results are those of
    a one-process run, whatever worker runs it.

    Use as a context manager: leaving it normally waits for the workers to
    exit; leaving it by an exception (an interrupt) terminates them at once
    and kills those that do not exit within a grace period.
    """

    def __init__(self, jobs: int, claims_modules: Sequence[str] = ()) -> None:
        self.jobs = jobs
        self._modules = tuple(claims_modules)
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self._modules,))

    def submit(self, func: Any, *args: Any) -> Future:
        """Run ``func(*args)`` (picklable, importable by name) in a worker."""
        return self._executor.submit(func, *args)

    def restart(self) -> None:
        """Stop the workers (a broken pool's survivors too) and start fresh ones."""
        _stop_pool(self._executor)
        self._executor = self._start()

    def usable(self) -> bool:
        """Whether a fresh worker starts and runs a trivial task."""
        try:
            return self.submit(_probe).result()
        except BrokenProcessPool:
            return False

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        if kind is None:
            self._executor.shutdown(wait=True)
        else:
            _stop_pool(self._executor)


@contextlib.contextmanager
def worker_pool(settings: RunSettings) -> Iterator[WorkerPool | None]:
    """A :class:`WorkerPool` of ``settings.jobs`` workers, or None for a one-process run."""
    if settings.jobs <= 1:
        yield None
        return
    with WorkerPool(settings.jobs, settings.claims_modules) as pool:
        yield pool


def _check_costs() -> dict[str, dict[str, float]]:
    """The committed per-check seconds (``check_seconds.json``, by ``benchmark --suite jobs``)."""
    try:
        text = (Path(__file__).with_name(CHECK_SECONDS)).read_text(encoding="utf-8")
        table = json.loads(text)
    except (OSError, ValueError):
        return {}
    return table if isinstance(table, dict) else {}


#: Seconds per check measured by ``focalrd benchmark --suite jobs`` (a scheduling hint only).
CHECK_SECONDS = "check_seconds.json"


def estimated_seconds(claims: Sequence[Claim], quick: bool) -> dict[tuple[str, int], float]:
    """Expected seconds of each (claim id, check index), for scheduling longest first.

    From the committed measurements of the suite's checks; a check not measured
    there (a user claim, a new check) gets the median of the measured ones.  Only
    the order in which checks are handed out depends on it, never a result.
    """
    measured = _check_costs().get("quick" if quick else "full", {})
    known = sorted(v for v in measured.values() if isinstance(v, int | float))
    default = known[len(known) // 2] if known else 1.0
    return {(claim.id, index): float(measured.get(f"{claim.id}:{check_name(func)}", default))
            for claim in claims for index, func in enumerate(claim.checks)}


_NO_WORKERS = ("the worker processes failed to start: the claims modules did not load in a "
               "fresh process")


class _PoolUnusable(Exception):
    """Fresh worker processes fail before running anything (their start-up fails)."""


def _probe() -> bool:
    return _WORKER_LOAD_FAILURE is None


def _run_parallel(claims: list[Claim], settings: RunSettings, pool: WorkerPool,
                  progress: Progress | None) -> list[dict[str, Any]]:
    """Run every check of ``claims`` on ``pool``, longest first, at most one per worker.

    Checks are handed out one at a time as workers free up, so when a worker dies
    (a check called ``os._exit``, crashed the interpreter or was killed for its
    memory) only the checks in flight are lost.  Each of them is then run again
    alone on fresh workers: the one that ends its worker again is inconclusive
    ("ended its worker process"), the others give their evidence, and the run goes
    on.  If fresh workers cannot even start, every check left is inconclusive.
    """
    cost = estimated_seconds(claims, settings.quick)
    queue = deque(sorted(cost, key=lambda key: -cost[key]))  # stable: ties keep registry order
    by_id = {claim.id: claim for claim in claims}
    evidence: dict[str, dict[int, dict[str, Any]]] = {claim.id: {} for claim in claims}
    records: dict[str, dict[str, Any]] = {}

    def deliver(key: tuple[str, int], entry: dict[str, Any]) -> None:
        claim_id, index = key
        evidence[claim_id][index] = entry
        claim = by_id[claim_id]
        if len(evidence[claim_id]) == len(claim.checks):
            entries = [evidence[claim_id][i] for i in range(len(claim.checks))]
            records[claim_id] = claim_record(claim, entries,
                                             sum(e.get("seconds", 0.0) for e in entries))
            if progress is not None:
                progress.finished(records[claim_id])

    def submit(key: tuple[str, int]) -> Future:
        claim_id, index = key
        return pool.submit(_run_check_in_worker, claim_id, index,
                           check_name(by_id[claim_id].checks[index]), settings)

    def failed(key: tuple[str, int], why: str) -> dict[str, Any]:
        func = by_id[key[0]].checks[key[1]]
        return {**_did_not_run(func, why), "check": check_name(func), "seconds": 0.0}

    for claim in claims:  # a claim without checks is complete at once
        if not claim.checks:
            records[claim.id] = claim_record(claim, [], 0.0)
            if progress is not None:
                progress.finished(records[claim.id])
    running: dict[Future, tuple[str, int]] = {}
    try:
        while queue or running:
            while queue and len(running) < pool.jobs:
                key = queue.popleft()
                running[submit(key)] = key
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            lost = []
            for future in done:
                key = running.pop(future)
                try:
                    deliver(key, future.result())
                except BrokenProcessPool:
                    lost.append(key)
                except WorkerStartFailed as error:
                    deliver(key, failed(key, f"{_NO_WORKERS} ({error})"))
                except Exception as error:  # e.g. a result that could not be sent back
                    message = " ".join(f"{type(error).__name__}: {error}".split())
                    deliver(key, failed(key, f"the worker process failed: {message}"))
            if not lost:
                continue
            # The pool is broken: whatever else was in flight is lost with it.
            for future, key in list(running.items()):
                try:
                    deliver(key, future.result())
                except Exception:
                    lost.append(key)
            running.clear()
            pool.restart()
            for key in lost:  # alone on fresh workers: which one ends its worker?
                if not pool.usable():
                    raise _PoolUnusable
                try:
                    deliver(key, submit(key).result())
                except BrokenProcessPool:
                    deliver(key, failed(key, "the check ended its worker process (it exited, "
                                        "crashed or was killed while running, also when run "
                                        "alone); the other checks ran on new workers"))
                    pool.restart()
                except Exception as error:  # as above: the worker could not run it
                    message = " ".join(f"{type(error).__name__}: {error}".split())
                    deliver(key, failed(key, f"the worker process failed: {message}"))
    except _PoolUnusable:
        for key in cost:
            if key[1] not in evidence[key[0]]:
                deliver(key, failed(key, _NO_WORKERS))
    return [records[c.id] for c in claims]


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate every worker of ``pool`` (then kill the stragglers) and drop its queue."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + _WORKER_GRACE
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)


# -- the run -------------------------------------------------------------------------------------


def run(settings: RunSettings, progress: Progress | bool | None = None,
        pool: WorkerPool | None = None) -> dict[str, Any]:
    """Load and select the claims, run them, and return the report document.

    ``progress``: a :class:`Progress`, True for one on stderr, or None/False.
    ``pool``: the workers to use when ``settings.jobs`` > 1 (a caller that also
    has other work for them, such as the figures, passes its own
    :func:`worker_pool`); by default one is started for the run and stopped
    after it.  SIGINT or SIGTERM during the run raises :class:`RunInterrupted`
    (a KeyboardInterrupt) once every worker process has been stopped.
    """
    started = time.perf_counter()
    with interruptible():
        load_errors = load_claims(settings.claims_modules)
        claims = select_claims(settings.only)
        shown = Progress(len(claims)) if progress is True else (progress or None)
        try:
            if settings.jobs > 1 and sum(len(c.checks) for c in claims) > 1:
                if pool is not None:
                    records = _run_parallel(claims, settings, pool, shown)
                else:
                    with worker_pool(settings) as own:
                        assert own is not None
                        records = _run_parallel(claims, settings, own, shown)
            else:
                records = []
                for claim in claims:
                    if shown is not None:
                        shown.started(claim.id)
                    records.append(run_claim(claim.id, settings))
                    if shown is not None:
                        shown.finished(records[-1])
        finally:
            if shown is not None:
                shown.close()
    return {
        "schema": SCHEMA,
        "focalrd_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings.as_dict(),
        "environment": describe_environment(),
        "load_errors": load_errors,
        "claims": records,
        "summary": summarize(records, time.perf_counter() - started, load_errors),
    }


def summarize(records: list[dict[str, Any]], seconds: float,
              load_errors: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """The ``"summary"`` object: counts by status, by expectation and by level.

    A check module of the suite that failed to import (``load_errors``) counts
    as not met: its checks did not run, so the run cannot be clean.  It is
    listed in ``not_met_ids`` as ``"<module> (failed to import)"``; ``met``
    still counts claims only.
    """
    by_level = dict.fromkeys(LEVELS, 0)
    for record in records:
        for entry in record["evidence"]:
            if entry.get("passed") is True:
                by_level[entry["level"]] = by_level.get(entry["level"], 0) + 1
    claims_not_met = [r["id"] for r in records if not r["met"]]
    not_met = claims_not_met + [f"{failure['module']} (failed to import)"
                                for failure in load_errors]
    return {
        "claims": len(records),
        "verified": sum(r["status"] == "verified" for r in records),
        "refuted": sum(r["status"] == "refuted" for r in records),
        "inconclusive": sum(r["status"] == "inconclusive" for r in records),
        "met": len(records) - len(claims_not_met),
        "not_met": len(not_met),
        "not_met_ids": not_met,
        "load_errors": len(load_errors),
        "by_level": by_level,
        "numbers": {kind: sum(r.get("numbers") == kind for r in records)
                    for kind in ("proven", "partly proven", "confirmed")},
        "seconds": round(seconds, 3),
    }


def document_json(document: dict[str, Any]) -> str:
    """The report as JSON text (stable formatting, ASCII only, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def write_report(document: dict[str, Any], out_dir: Path | str) -> Path:
    """Write ``report.json`` into ``out_dir`` atomically (temporary file, then rename)."""
    path = prepare_output_directory(out_dir)
    target = path / REPORT_NAME
    write_text_atomic(target, document_json(document))
    return target
