/**
 * The webhook's Prometheus metrics, in the text exposition format. Small and
 * dependency-free: counters with labels and one latency histogram.
 */

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
  private readonly bucketCounts = new Array<number>(BUCKETS.length).fill(0);
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
      `# HELP ${h} Time from request received to response written, for admission reviews.`,
      `# TYPE ${h} histogram`,
    ];
    let cumulative = 0;
    BUCKETS.forEach((b, i) => {
      cumulative += this.bucketCounts[i] ?? 0;
      lines.push(`${h}_bucket{le="${b}"} ${cumulative}`);
    });
    lines.push(`${h}_bucket{le="+Inf"} ${this.count}`, `${h}_sum ${this.sum}`, `${h}_count ${this.count}`);
    return `${lines.join('\n')}\n`;
  }
}
