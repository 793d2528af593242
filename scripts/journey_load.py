"""Open-loop load through the wizard's journey, for scripts/bench-load and bench-fault.

    journey_load.py BASE_URL [--rate 200] [--duration 60] [--log FILE] [--bodies DIR]
                    [--events FILE] [--distinct PLACES]

First it walks the journey once per set of answers, as a browser without JavaScript
does (start page, each question, each form submit and its redirect, the results page,
the first plan on it), and records every request with the status it answered. Then it
replays those requests at a fixed rate for a fixed time: a request is sent every
1/rate seconds whether or not earlier ones have answered (open loop), each by one of
a pool of threads with its own keep-alive connection. Latency is counted from the
moment a request was due, so a server that falls behind shows it.

It prints p50/p95/p99, totals, errors and the rate achieved. With --events (lines
"stop EPOCH", "back EPOCH" written by bench-fault while it runs) it also reports what
people saw while the database was away and how soon results came back.
With --distinct PLACES (lines "ZIP COUNTY") no journey is replayed: every request is
a URL not asked before, a new combination of place and answers, half of them question
pages and half results pages, as real traffic is (each person's URL carries their own
ZIP and answers), so no page cache can answer.
Only 127.0.0.1/localhost are accepted as targets.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PLACES = [
    ("33125", "12086"),
    ("33126", "12086"),
    ("33130", "12086"),
    ("33301", "12011"),
    ("90012", "06037"),
    ("90033", "06037"),
    ("92801", "06059"),
    ("00901", "72127"),
]
MEDICAID = ["full", "qmb_plus", "qmb", "none"]
AGES = ["65plus", "55-59", "60-64"]
OTHER_ANSWERS = {
    "medicare": "ab",
    "coverage": "original",
    "medicaid_plan": "none",
    "medicaid_change": "no",
    "care_needs": "no",
    "nursing_home": "no",
}
TIMEOUT = 10.0


@dataclass(frozen=True)
class Step:
    kind: str  # start, question, submit, results, plan
    path: str
    expected: int
    htmx: bool = False  # sent with HX-Request: true, as htmx does


@dataclass
class Record:
    kind: str
    due: float
    sent: float = 0.0
    done: float = 0.0
    status: int = 0
    error: str = ""


class Target:
    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost") or parts.scheme != "http":
            raise SystemExit(f"Only http://127.0.0.1 or localhost may be loaded, not {base_url}")
        self.host = parts.hostname
        self.port = parts.port or 80

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)


def fetch(
    conn: http.client.HTTPConnection, path: str, *, htmx: bool = False
) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path, headers={"HX-Request": "true"} if htmx else {})
    response = conn.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def walk(target: Target, answers: dict[str, str], *, htmx: bool) -> list[Step]:
    """One journey. Without JavaScript: each question page, then its form submit, which
    redirects (302) to the next question. With htmx: each submit answers 200 with the next
    question's part of the page, and the last one sends the browser to the results."""
    conn = target.connection()
    steps: list[Step] = []

    def get(kind: str, path: str, *, hx: bool = False) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = fetch(conn, path, htmx=hx)
        steps.append(Step(kind, path, status, hx))
        if status >= 400:
            raise ValueError(f"{path} answered {status}")
        return status, headers, body

    get("start", "/en/")
    path = "/en/find/zip/"
    get("question", path)
    given: dict[str, str] = {}
    for _ in range(20):
        step = urlsplit(path).path.split("/")[3]
        given[step] = answers[step]
        submit = "/en/find/?" + urlencode({"from": step, **given})
        status, headers, _body = get("submit", submit, hx=htmx)
        if htmx:
            path = headers.get("hx-redirect") or headers.get("hx-push-url", "")
        else:
            path = headers.get("location", "") if status == 302 else ""
        if not path or path == submit or urlsplit(path).path == f"/en/find/{step}/":
            raise ValueError(f"the answer to {step} was not accepted (status {status})")
        if path.startswith("/en/results/"):
            break
        if not htmx:
            get("question", path)
    else:
        raise ValueError("the wizard did not reach the results page")
    _status, _headers, body = get("results", path)
    plan = re.search(rb'href="(/en/plans/[^"?]+)', body)
    if plan:
        get("plan", plan.group(1).decode())
    conn.close()
    return steps


def journeys(target: Target, count: int, *, htmx: bool) -> list[Step]:
    steps: list[Step] = []
    walked = 0
    for n in range(count):
        zip_code, county = PLACES[n % len(PLACES)]
        answers = {
            **OTHER_ANSWERS,
            "zip": zip_code,
            "county": county,
            "medicaid": MEDICAID[n % len(MEDICAID)],
            "age": AGES[n % len(AGES)],
        }
        try:
            steps += walk(target, answers, htmx=htmx)
            walked += 1
        except (ValueError, KeyError, OSError) as error:
            print(f"  journey {n} skipped: {error}", file=sys.stderr)
    if not steps:
        raise SystemExit("No journey could be walked: is the demo catalog loaded?")
    how = "with htmx" if htmx else "without JavaScript"
    print(f"Journeys ({how}): {walked} sets of answers, {len(steps)} requests in all", flush=True)
    return steps


DISTINCT_CHOICES = {
    "medicaid": ["full", "qmb_plus", "slmb_plus", "fbde", "qmb", "slmb", "qi", "none", "not_sure"],
    "age": ["65plus", "60-64", "55-59", "21-54"],
    "care_needs": ["yes", "no", "not_sure"],
    "medicaid_change": ["no", "yes", "not_sure"],
}
COVERAGE = ["original", "ma", "dsnp", "pace"]


def distinct_steps(places_file: Path, count: int) -> list[Step]:
    """``count`` requests, each a URL of its own: results pages and question pages take
    turns, and each walks through place × answers combinations without repeating (there
    are far more than a run sends)."""
    places = [tuple(line.split()) for line in places_file.read_text().splitlines() if line]
    if not places:
        raise SystemExit(f"No places in {places_file}: is the geography loaded?")
    steps: list[Step] = []
    for n in range(count):
        index = n // 2
        zip_code, county = places[index % len(places)]
        rest = index // len(places)
        if n % 2:
            query = {
                "zip": zip_code,
                "county": county,
                "medicare": "ab",
                "coverage": COVERAGE[rest % len(COVERAGE)],
            }
            steps.append(Step("question", f"/en/find/medicaid/?{urlencode(query)}", 200))
            continue
        answers = {"zip": zip_code, "county": county, **OTHER_ANSWERS}
        for name, choices in DISTINCT_CHOICES.items():
            answers[name] = choices[rest % len(choices)]
            rest //= len(choices)
        steps.append(Step("results", f"/en/results/?{urlencode(answers)}", 200))
    return steps


def check(target: Target, steps: list[Step]) -> None:
    """A few of the URLs must answer 200 before the run (a wrong answer name would make
    every request a redirect); they are then asked again, the only repeats of the run."""
    conn = target.connection()
    for step in steps[:6]:
        status, headers, _body = fetch(conn, step.path)
        if status != step.expected:
            raise SystemExit(f"{step.path} answered {status} {headers.get('location', '')}")
    conn.close()
    print(f"Distinct URLs: {len(steps)} requests, each its own combination of answers", flush=True)


def run(
    target: Target, steps: list[Step], rate: float, duration: float, workers: int
) -> tuple[list[Record], dict[int, bytes], float]:
    total = int(rate * duration)
    records: list[Record | None] = [None] * total
    jobs: queue.Queue[int | None] = queue.Queue()
    bodies: dict[int, bytes] = {}
    start = time.time() + 0.5
    # A server that falls far behind leaves a backlog: it gets TIMEOUT seconds after the
    # schedule ends, then what is left counts as errors, so the run always stops.
    give_up = start + duration + TIMEOUT

    def work() -> None:
        conn = target.connection()
        while (job := jobs.get()) is not None:
            step = steps[job % len(steps)]
            record = Record(step.kind, due=start + job / rate, sent=time.time())
            if record.sent > give_up:
                record.error, record.done = "never sent (backlog)", record.sent
                records[job] = record
                continue
            try:
                status, _headers, body = fetch(conn, step.path, htmx=step.htmx)
                record.status = status
                if status >= 400 and status not in bodies:
                    bodies[status] = body
                if status != step.expected:
                    record.error = f"status {status}"
            except (OSError, http.client.HTTPException) as error:
                record.error = type(error).__name__
                conn.close()
                conn = target.connection()
            record.done = time.time()
            records[job] = record
        conn.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for job in range(total):
        delay = start + job / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        jobs.put(job)
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return [r for r in records if r is not None], bodies, start


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def latency_line(records: list[Record]) -> str:
    ms = [(r.done - r.due) * 1000 for r in records]
    return (
        f"p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
        f"p99 {percentile(ms, 99):7.1f} ms"
    )


def report(
    records: list[Record], start: float, rate: float, duration: float, *, judge: bool = True
) -> bool:
    sent = [r.sent for r in records]
    span = max(sent) - start if sent else 0.0
    lag = [(r.sent - r.due) * 1000 for r in records]
    errors = [r for r in records if r.error]
    non_2xx = Counter(r.status for r in records if not 200 <= r.status < 300)
    print(f"Offered {rate:.0f} req/s for {duration:.0f} s: {len(records)} requests sent")
    answered = [r.done for r in records if r.status]
    answered_span = max(answered) - start if answered else 0.0
    print(
        f"Achieved: {len(records) / span if span else 0:.1f} req/s sent, "
        f"{len(answered) / answered_span if answered_span else 0:.1f} req/s answered; "
        f"sent later than due: p50 {percentile(lag, 50):.1f} ms, p99 {percentile(lag, 99):.1f} ms"
    )
    print(f"All requests:       {latency_line(records)}")
    for kind in ("start", "question", "submit", "results", "plan"):
        these = [r for r in records if r.kind == kind]
        if these:
            print(f"  {kind + ':':<17} {latency_line(these)}  ({len(these)})")
    described = ", ".join(
        f"{count} × {status or 'no answer'}" for status, count in sorted(non_2xx.items())
    )
    print(f"Non-2xx: {sum(non_2xx.values())} ({described or 'none'})")
    if non_2xx[302]:
        print("  (the 302s are the form submits redirecting to the next question, as expected)")
    kinds = Counter(r.error for r in errors)
    print(f"Errors: {len(errors)} ({', '.join(f'{n} × {e}' for e, n in kinds.items()) or 'none'})")
    p95 = percentile([(r.done - r.due) * 1000 for r in records], 95)
    ok = p95 < 100 and not errors
    if not judge:
        return ok
    print(
        f"Target p95 < 100 ms and 0 errors: {'PASS' if ok else 'FAIL'} "
        f"(p95 {p95:.1f} ms, {len(errors)} errors)"
    )
    return ok


def _statuses(records: list[Record]) -> str:
    counts = Counter(r.status for r in records)
    return ", ".join(f"{n} × {s or 'no answer'}" for s, n in sorted(counts.items())) or "none"


def outage_report(records: list[Record], bodies: dict[int, bytes], events: Path) -> bool:
    times: dict[str, float] = {}
    for line in events.read_text().split("\n"):
        if line.strip():
            name, value = line.split()
            times[name] = float(value)
    stop, back = times["stop"], times["back"]
    unsent = [r for r in records if r.error == "never sent (backlog)"]
    answered = [r for r in records if r.error != "never sent (backlog)"]
    before = [r for r in answered if r.sent < stop]
    during = [r for r in answered if stop <= r.sent < back]
    after = [r for r in answered if r.sent >= back]
    print(f"\nPostgreSQL away for {back - stop:.1f} s (from the stop command to accepting again)")
    print(f"Before: {_statuses(before)}; {latency_line(before)}")
    print(f"During: {_statuses(during)}")
    print(f"After:  {_statuses(after)}; {latency_line(after)}")
    if percentile([(r.done - r.due) * 1000 for r in before], 95) > 1000:
        print(
            "  Note: the server was already far behind before the outage (p95 over 1 s), so\n"
            "  the times below include its backlog; JOURNEY=htmx or a lower RATE keeps up."
        )
    statuses = Counter(r.status for r in during)
    print(f"503s while it was away: {statuses[503]}")
    plain = True
    for status in (503, 500):
        if status in bodies:
            text = bodies[status].decode("utf-8", "replace")
            clean = "Traceback" not in text and "Exception" not in text
            plain = plain and clean
            print(
                f"  a {status} body ({len(bodies[status])} bytes): "
                + ("no traceback, the plain page" if clean else "SHOWS A TRACEBACK/EXCEPTION")
            )
    other = [r for r in answered if r.status == 0 or (r.status >= 500 and r.status != 503)]
    kinds = Counter(r.error or f"status {r.status}" for r in other)
    print(
        f"Other errors (5xx other than 503, connection errors), whole run: {len(other)} "
        f"({', '.join(f'{n} × {k}' for k, n in kinds.items()) or 'none'})"
    )
    if unsent:
        print(f"Not sent: {len(unsent)} (the server was too far behind; the generator gave up)")
    late = [r.done - back for r in answered if r.status == 503 and r.done >= back]
    if late:
        print(f"Last 503 answered {max(late):.2f} s after PostgreSQL was back")
    recovered = sorted(
        (r for r in after if r.kind == "results" and r.status == 200), key=lambda r: r.done
    )
    if recovered:
        recovery = recovered[0].done - back
        verdict = "PASS" if recovery <= 5 else "FAIL"
        print(
            f"First successful results page {recovery:.2f} s after PostgreSQL was back "
            f"(target ≤ 5 s): {verdict}"
        )
    else:
        print("No successful results page after PostgreSQL came back: FAIL")
        recovery = float("inf")
    return recovery <= 5 and plain and not other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=64, help="threads (connections)")
    parser.add_argument("--journeys", type=int, default=24, help="sets of answers walked")
    parser.add_argument("--htmx", action="store_true", help="journeys as htmx makes them")
    parser.add_argument("--events", type=Path, help="stop/back times written by bench-fault")
    parser.add_argument("--ready", type=Path, help="touched when the timed run starts")
    parser.add_argument("--distinct", type=Path, help="places file: every URL a new one")
    parser.add_argument(
        "--print-paths",
        choices=("question", "results"),
        help="with --distinct: print that page's distinct paths (rate × duration) and stop",
    )
    options = parser.parse_args()
    if options.print_paths:
        if not options.distinct:
            parser.error("--print-paths needs --distinct")
        for step in distinct_steps(options.distinct, int(options.rate * options.duration)):
            if step.kind == options.print_paths:
                print(step.path)
        return
    target = Target(options.base_url)
    if options.distinct:
        steps = distinct_steps(options.distinct, int(options.rate * options.duration))
        check(target, steps)
    else:
        steps = journeys(target, options.journeys, htmx=options.htmx)
    if options.ready:
        options.ready.touch()
    records, bodies, start = run(target, steps, options.rate, options.duration, options.workers)
    # Verdicts are printed; the exit status only says whether anything was measured.
    report(records, start, options.rate, options.duration, judge=not options.events)
    if options.events:
        outage_report(records, bodies, options.events)


if __name__ == "__main__":
    main()
