/**
 * A unified diff (as `diff -u` and `git apply` read it) of two texts, with
 * `context` lines around each change. Common leading and trailing lines are
 * set aside first, so the line-by-line comparison only sees the edited part.
 */
export function unifiedDiff(oldName: string, newName: string, a: string, b: string, context = 3): string {
  if (a === b) return '';
  const x = splitLines(a);
  const y = splitLines(b);
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const ops: Array<{ t: ' ' | '-' | '+'; line: string }> = [];
  for (let i = 0; i < pre; i++) ops.push({ t: ' ', line: x[i] as string });
  for (const op of middle(x.slice(pre, x.length - suf), y.slice(pre, y.length - suf))) ops.push(op);
  for (let i = x.length - suf; i < x.length; i++) ops.push({ t: ' ', line: x[i] as string });
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  const changed: number[] = [];
  ops.forEach((o, k) => {
    if (o.t !== ' ') changed.push(k);
  });
  let g = 0;
  while (g < changed.length) {
    // a hunk: changes whose gaps are at most 2×context unchanged lines, with context around them
    let h = g;
    while (h + 1 < changed.length && (changed[h + 1] as number) - (changed[h] as number) - 1 <= 2 * context) h++;
    const start = Math.max(0, (changed[g] as number) - context);
    const end = Math.min(ops.length, (changed[h] as number) + 1 + context);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]?.t !== '+') oldStart++;
      if (ops[k]?.t !== '-') newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.t !== '+').length;
    const newLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`);
    for (const o of hunk) {
      out.push(`${o.t}${o.line.replace(/\n$/, '')}`);
      if (!o.line.endsWith('\n')) out.push('\\ No newline at end of file');
    }
    g = h + 1;
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, len: number): string {
  if (len === 0) return `${start - 1},0`;
  return len === 1 ? `${start}` : `${start},${len}`;
}

/** Lines with their newline kept, so a missing final newline shows. */
function splitLines(s: string): string[] {
  const lines = s.split(/(?<=\n)/);
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

/** Longest common subsequence of the edited middle: deletions before insertions in each gap. */
function middle(x: string[], y: string[]): Array<{ t: ' ' | '-' | '+'; line: string }> {
  const n = x.length;
  const m = y.length;
  if (n * m > 4_000_000) {
    return [...x.map((line) => ({ t: '-' as const, line })), ...y.map((line) => ({ t: '+' as const, line }))];
  }
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = x[i] === y[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: Array<{ t: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push({ t: ' ', line: x[i] as string });
      i++;
      j++;
    } else if (j >= m || (i < n && (lcs[i + 1]?.[j] as number) >= (lcs[i]?.[j + 1] as number))) {
      out.push({ t: '-', line: x[i] as string });
      i++;
    } else {
      out.push({ t: '+', line: y[j] as string });
      j++;
    }
  }
  return out;
}

/** A change of a text as SARIF writes it: the characters removed at an offset of the old text, and what replaces them. */
export interface Replacement {
  charOffset: number;
  charLength: number;
  text: string;
}

/** The changed runs of lines between two texts, as replacements in the old one (whole lines). */
export function replacements(a: string, b: string): Replacement[] {
  const x = splitLines(a);
  const y = splitLines(b);
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const ops = middle(x.slice(pre, x.length - suf), y.slice(pre, y.length - suf));
  const out: Replacement[] = [];
  let offset = x.slice(0, pre).reduce((n, l) => n + l.length, 0);
  let cur: Replacement | undefined;
  for (const o of ops) {
    if (o.t === ' ') {
      if (cur) out.push(cur);
      cur = undefined;
      offset += o.line.length;
      continue;
    }
    cur ??= { charOffset: offset, charLength: 0, text: '' };
    if (o.t === '-') {
      cur.charLength += o.line.length;
      offset += o.line.length;
    } else cur.text += o.line;
  }
  if (cur) out.push(cur);
  return out;
}
