-- For scripts/bench-http: wrk's --latency output has no 95th percentile, so print one
-- line a script can read when the run is done. Latencies are in microseconds.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
