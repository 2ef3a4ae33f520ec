/**
 * Every flag (and feature gate) a control-plane rule reads exists in the real
 * component: `<binary> --help` of kube-apiserver, kube-controller-manager,
 * kube-scheduler (Kubernetes K8S_VERSION) and etcd (ETCD_VERSION), built by
 * scripts/ci/install-controlplane.sh, is the reference. A misspelt flag is a
 * flag the component refuses to start with and a rule that can never fire
 * (as etcd-ca-shared-with-apiserver once read `--trusted-client-ca-file`).
 * The rules declare what they read (src/rules/control-plane/flags-declared.test.ts
 * holds them to it). Also: the flags the manifest parser treats as booleans
 * are booleans there, and every boolean a rule reads is known to the parser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { weakness } from '../../src/rules/control-plane/control-plane-weak-tls.js';
import {
  BOOLEAN_FLAGS,
  COMPONENTS,
  type Component,
  type ControlPlaneRule,
  REMOVED_FLAGS,
} from '../../src/rules/control-plane/flags.js';
import { controlPlaneRules } from '../../src/rules/control-plane/pack.js';
import { binaryPath } from '../helpers/control-plane.js';

interface HelpFlags {
  /** Flag name → whether it is a boolean (takes no separate value). */
  flags: Map<string, boolean>;
  featureGates: Set<string>;
}

/**
 * The flags in a component's --help. Kubernetes components print pflag usage
 * (`      --name type   usage`, no type for a boolean); etcd prints its own
 * (`  --name 'default'`, a boolean's default being 'true' or 'false').
 */
function parseHelp(component: Component, text: string): HelpFlags {
  const flags = new Map<string, boolean>();
  const featureGates = new Set<string>();
  for (const line of text.split('\n')) {
    if (component === 'etcd') {
      const m = /^\s{2,}--([A-Za-z0-9][\w.-]*)(?: '(.*)')?\s*$/.exec(line);
      if (m?.[1]) flags.set(m[1], m[2] === 'true' || m[2] === 'false');
      continue;
    }
    const m = /^\s{2,}(?:-\w, )?--([A-Za-z0-9][\w.-]*)(?: ([A-Za-z][\w.]*))?(?: {2,}|$)/.exec(line);
    if (m?.[1]) flags.set(m[1], m[2] === undefined);
    const g = /^\s{20,}(?:kube:)?([A-Z]\w*)=true\|false \(/.exec(line);
    if (g?.[1]) featureGates.add(g[1]);
  }
  return { flags, featureGates };
}

/** What is wrong with the rules' declarations for one component, given its --help. */
function problems(component: Component, help: HelpFlags, rules: readonly ControlPlaneRule[]): string[] {
  const out: string[] = [];
  const removed = REMOVED_FLAGS[component] ?? {};
  for (const rule of rules) {
    for (const name of rule.flags[component] ?? []) {
      const since = removed[name];
      if (since !== undefined) {
        if (help.flags.has(name))
          out.push(`${rule.id}: --${name} is listed as removed in ${since} but ${component} still has it`);
      } else if (!help.flags.has(name)) out.push(`${rule.id}: ${component} has no flag --${name}`);
      else if (help.flags.get(name) === true && !BOOLEAN_FLAGS.has(name))
        out.push(
          `${rule.id}: --${name} is a boolean in ${component}, but the manifest parser would take a value for it`,
        );
    }
    for (const gate of rule.featureGates?.[component] ?? [])
      if (!help.featureGates.has(gate)) out.push(`${rule.id}: ${component} has no feature gate ${gate}`);
  }
  for (const name of BOOLEAN_FLAGS)
    if (help.flags.get(name) === false)
      out.push(`BOOLEAN_FLAGS: --${name} takes a value in ${component}, but the manifest parser reads it as a boolean`);
  return out;
}

describe.each(COMPONENTS.map((c) => [c] as const))(
  '%s --help has every flag the control-plane rules read',
  (component) => {
    const bin = binaryPath(component);
    const missing = existsSync(bin)
      ? undefined
      : `${component} not found at ${bin}: build it with scripts/ci/install-controlplane.sh`;
    if (missing) console.warn(`skipping the ${component} flag check: ${missing}`);

    it.skipIf(!!missing)('every declared flag and feature gate exists; booleans agree with the parser', () => {
      const help = parseHelp(
        component,
        execFileSync(bin, ['--help'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }),
      );
      // the parser understood this help (hundreds of flags; Kubernetes lists its feature gates)
      expect(help.flags.size).toBeGreaterThan(50);
      if (component !== 'etcd') expect(help.featureGates.size).toBeGreaterThan(50);
      const readers = controlPlaneRules.filter((r) => (r.flags[component] ?? []).length > 0);
      expect(readers.length, `rules that read ${component} flags`).toBeGreaterThan(0);
      expect(problems(component, help, controlPlaneRules)).toEqual([]);

      // ...and the check catches a misspelt flag, a misspelt gate and a stale removal note
      const flag = [...help.flags.keys()][0]!;
      const probe = {
        id: 'probe',
        flags: { [component]: [`${flag}x`, flag] },
        featureGates: { [component]: ['NoSuchGate'] },
      } as unknown as ControlPlaneRule;
      const found = problems(component, help, [probe]);
      expect(found).toContain(`probe: ${component} has no flag --${flag}x`);
      if (component !== 'etcd') expect(found).toContain(`probe: ${component} has no feature gate NoSuchGate`);
    });
  },
);

describe('control-plane-weak-tls agrees with the suites kube-apiserver calls insecure', () => {
  const bin = binaryPath('kube-apiserver');
  const missing = existsSync(bin) ? undefined : `kube-apiserver not found at ${bin}`;
  it.skipIf(!!missing)('--tls-cipher-suites: every "Insecure value" is weak, no "Preferred value" is', () => {
    // Go's tls.InsecureCipherSuites() and tls.CipherSuites(), as the --help prints them
    const text = execFileSync(bin, ['--help'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).replace(/\s+/g, ' ');
    const suites = (label: string) =>
      (new RegExp(`${label} values: ([A-Z0-9_, ]+)\\.`).exec(text)?.[1] ?? '').split(', ').filter(Boolean);
    const insecure = suites('Insecure');
    const preferred = suites('Preferred');
    expect(insecure.length).toBeGreaterThan(5);
    expect(preferred.length).toBeGreaterThan(5);
    expect(insecure.filter((s) => weakness(s) === undefined)).toEqual([]);
    expect(preferred.filter((s) => weakness(s) !== undefined)).toEqual([]);
  });
});
