/**
 * The webhook's Prometheus metrics, in the text exposition format. Small and
 * dependency-free: counters with labels, one latency histogram, and the
 * event loop's delay (what a request waits before its handler runs, which the
 * latency histogram cannot see).
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The event-loop delay sampler's timer interval. */
const RESOLUTION_MS = 10;

/** Latency buckets in seconds: admission answers are expected in milliseconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labels: readonly string[],
  ) {}
  inc(labelValues: readonly string[], by = 1): void {
    const key = labelValues.join('\u0000');
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labelValues: readonly string[]): number {
    return this.values.get(labelValues.join('\u0000')) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) lines.push(`${this.name}${labelText(this.labels, key.split('\u0000'))} ${v}`);
    return lines.join('\n');
  }
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${names.map((n, i) => `${n}="${esc(values[i] ?? '')}"`).join(',')}}`;
}

export class AdmissionMetrics {
  readonly requests = new Counter(
    'kubeprint_admission_requests_total',
    'Admission HTTP requests by path and HTTP status code.',
    ['path', 'code'],
  );
  readonly decisions = new Counter(
    'kubeprint_admission_decisions_total',
    'Admission decisions by webhook path, operation and outcome (allowed, denied, ignored).',
    ['path', 'operation', 'decision'],
  );
  readonly ruleDecisions = new Counter(
    'kubeprint_admission_rule_violations_total',
    'Violations found by rule and the effect they had (deny, warn, audit, exempted).',
    ['rule', 'effect'],
  );
  readonly overBudget = new Counter(
    'kubeprint_admission_over_budget_total',
    'Reviews not judged because they went over the per-review budget (containers, values, time), by path, limit and the failure policy that decided them.',
    ['path', 'limit', 'failure_policy'],
  );
  readonly tooLarge = new Counter(
    'kubeprint_admission_body_too_large_total',
    'Reviews refused with 413 because the body was larger than --max-body-bytes, by path.',
    ['path'],
  );
  readonly tlsHandshakes = new Counter(
    'kubeprint_admission_tls_handshakes_total',
    'TLS connections accepted (a client that keeps connections alive makes few).',
    [],
  );
  private readonly bucketCounts = new Array<number>(BUCKETS.length).fill(0);
  /** The event loop's delay, sampled every 10 ms; quantiles over the last full window. */
  private loopDelay: IntervalHistogram | undefined;
  private loopWindow: NodeJS.Timeout | undefined;
  private loopQuantiles: { p50: number; p99: number; max: number } | undefined;

  /** Start measuring the event loop's delay, in windows of `windowMs` (the server calls this; stop with stopLoopDelay). */
  startLoopDelay(windowMs = 10_000): void {
    if (this.loopDelay) return;
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    h.enable();
    this.loopDelay = h;
    this.loopWindow = setInterval(() => {
      // each sample is a whole timer interval (resolution included): the delay is what exceeds it; ns → s
      const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000;
      this.loopQuantiles = { p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max) };
      h.reset();
    }, windowMs);
    this.loopWindow.unref();
  }

  stopLoopDelay(): void {
    this.loopDelay?.disable();
    if (this.loopWindow) clearInterval(this.loopWindow);
    this.loopDelay = undefined;
    this.loopWindow = undefined;
  }
  private sum = 0;
  private count = 0;

  /** Record one request's latency in seconds. */
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= (BUCKETS[i] ?? Number.POSITIVE_INFINITY)) {
        this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
        break;
      }
    }
  }

  render(): string {
    const h = 'kubeprint_admission_request_duration_seconds';
    const lines = [
      this.requests.render(),
      this.decisions.render(),
      this.ruleDecisions.render(),
      this.overBudget.render(),
      this.tooLarge.render(),
      this.tlsHandshakes.render(),
      `# HELP ${h} Time from request received to response written, for admission reviews.`,
      `# TYPE ${h} histogram`,
    ];
    let cumulative = 0;
    BUCKETS.forEach((b, i) => {
      cumulative += this.bucketCounts[i] ?? 0;
      lines.push(`${h}_bucket{le="${b}"} ${cumulative}`);
    });
    lines.push(`${h}_bucket{le="+Inf"} ${this.count}`, `${h}_sum ${this.sum}`, `${h}_count ${this.count}`);
    const q = this.loopQuantiles;
    if (q) {
      const d = 'kubeprint_admission_event_loop_delay_seconds';
      lines.push(
        `# HELP ${d} Event loop delay over the last 10 s window (0.5, 0.99 and 1 = max).`,
        `# TYPE ${d} gauge`,
        `${d}{quantile="0.5"} ${q.p50}`,
        `${d}{quantile="0.99"} ${q.p99}`,
        `${d}{quantile="1"} ${q.max}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
