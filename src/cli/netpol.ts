import type { ExplainFilter } from '../engines/netpol/index.js';
import { KubeprintError } from '../errors.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { LIVE_OPTIONS, loadObjectsFrom, NETPOL_KINDS } from './live-source.js';

export const summary = 'NetworkPolicy reachability: list, diff and explain allowed connections';

const USAGE = `Usage:
  kubeprint netpol list PATH... [-o txt|json|csv|md|dot] [--focus-workload NAME]... [--focus-workload-peer NAME]...
                                [--focus-direction ingress|egress] [--focus-conn tcp-8080] [--exposure] [--explain [--explain-only allow|deny]]
  kubeprint netpol diff A B [-o txt|json|csv|md]
  kubeprint netpol explain SRC DST PATH...
  (list and explain: instead of PATH..., --cluster [--context C] [--kubeconfig F] reads every
  namespace of a live cluster)

--exposure adds np-guard's exposure analysis: what each workload may be reached from, or may reach,
beyond the workloads in the input (entire-cluster, namespaces and pods by labels, IP ranges).
--explain (txt only) adds np-guard's explanation: per pair, the allowed and denied connections with the
policies and rules that decide them; pairs where the system default alone allows everything close the report;
with --exposure, the exposure sections follow it.
Workload names are NAME or NAMESPACE/NAME; \`ingress-controller\` is the ingress controller.
Only the result goes to stdout; warnings go to stderr. A txt list with no allowed connection is
empty on stdout (as np-guard's) and says so on stderr; json, csv and md print their empty forms.
PATHs that hold no Kubernetes object are exit status 2 (nothing was judged) unless --allow-empty.
`;

/** Print problems; true when one of them makes the result unsound. */
function report(problems: Array<{ level: string; message: string }>, io: CliIO): boolean {
  for (const p of problems) io.stderr(`${p.level}: ${p.message}\n`);
  return problems.some((p) => p.level === 'error');
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const { values, positionals } = parseCommandArgs(rest, {
    output: { type: 'string', short: 'o' },
    'focus-workload': { type: 'string', multiple: true },
    'focus-workload-peer': { type: 'string', multiple: true },
    'focus-direction': { type: 'string' },
    'focus-conn': { type: 'string' },
    exposure: { type: 'boolean' },
    explain: { type: 'boolean' },
    'explain-only': { type: 'string' },
    ...LIVE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  const load = (paths: string[]) => loadObjectsFrom('netpol', paths, values, NETPOL_KINDS, io);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const np = await import('../engines/netpol/index.js');
  const dot = await import('../engines/netpol/dot.js');
  switch (sub) {
    case 'list': {
      const format = choice('-o', values.output, np.CONNLIST_FORMATS, 'txt');
      const direction = values['focus-direction'];
      if (direction !== undefined && direction !== 'ingress' && direction !== 'egress')
        throw new KubeprintError('USAGE', `--focus-direction must be ingress or egress (got "${direction}")`);
      const exposureFormat = np.EXPOSURE_FORMATS.find((f) => f === format);
      if (values.exposure && exposureFormat === undefined)
        throw new KubeprintError('USAGE', `--exposure supports -o ${np.EXPOSURE_FORMATS.join(', ')} (got "${format}")`);
      if (values.explain && format !== 'txt')
        throw new KubeprintError('USAGE', `--explain supports only -o txt (got "${format}")`);
      const { connections, problems, engine } = np.connectivity(await load(positionals));
      if (report(problems, io)) return 2;
      if (values.explain) {
        const only = values['explain-only'];
        if (only !== undefined && only !== 'allow' && only !== 'deny')
          throw new KubeprintError('USAGE', `--explain-only must be allow or deny (got "${only}")`);
        const fc = values['focus-conn'] === undefined ? undefined : np.parseFocusConn(values['focus-conn']);
        if (values['focus-conn'] !== undefined && !fc)
          throw new KubeprintError('USAGE', `--focus-conn must look like tcp-8080 (got "${values['focus-conn']}")`);
        const ws = values['focus-workload'] ?? [];
        const filter: ExplainFilter = {
          ...(ws.length > 0
            ? {
                focus: {
                  workloads: ws,
                  peers: values['focus-workload-peer'] ?? [],
                  ...(direction ? { direction: direction as 'ingress' | 'egress' } : {}),
                },
              }
            : {}),
          ...(fc ? { conn: fc.conn } : {}),
          ...(only ? { only } : {}),
        };
        // with --exposure: np-guard's explain report, then its exposure sections
        const text = values.exposure
          ? np.formatExplainExposureNpGuard(engine, connections, filter)
          : np.formatExplainNpGuard(np.filterExplained(np.explainAll(engine), filter));
        io.stdout(`${text}\n`);
        return 0;
      }
      const workloads = values['focus-workload'] ?? [];
      const peers = values['focus-workload-peer'] ?? [];
      if ((direction || peers.length > 0) && workloads.length === 0)
        io.stderr('warning: --focus-direction and --focus-workload-peer are ignored without --focus-workload\n');
      const endpoints = engine.pods.map((pod) => ({ type: 'pod' as const, pod }));
      for (const n of np.unknownFocusNames([...workloads, ...peers], endpoints))
        io.stderr(`warning: workload "${n}" does not exist in the input resources\n`);
      // dot draws every workload (or the focus workloads), with or without an edge
      const drawn = format === 'dot' ? dot.dotPeers(engine.pods, workloads) : [];
      let conns = np.focusConnections(connections, {
        workloads,
        peers,
        ...(direction ? { direction: direction as 'ingress' | 'egress' } : {}),
      });
      if (values['focus-conn'] !== undefined) {
        const fc = np.parseFocusConn(values['focus-conn']);
        if (!fc)
          throw new KubeprintError('USAGE', `--focus-conn must look like tcp-8080 (got "${values['focus-conn']}")`);
        conns = np.focusOnConnection(conns, fc.protocol, fc.port);
        if (format === 'dot') conns = dot.narrowConnections(conns, fc.conn);
        if (values.exposure && exposureFormat !== undefined) {
          const exposed = np.focusExposure(
            np.exposureAnalysis(engine, {
              workloads,
              ...(direction ? { direction: direction as 'ingress' | 'egress' } : {}),
            }),
            fc.conn,
          );
          io.stdout(`${np.formatExposureOnConnection(conns, exposed, fc.conn.toString(), exposureFormat, drawn)}\n`);
          return 0;
        }
        if (format === 'txt') {
          io.stdout(`${np.formatFocusedOnConnection(conns, fc.conn.toString())}\n`);
          return 0;
        }
      }
      if (values.exposure && exposureFormat !== undefined) {
        const exposed = np.exposureAnalysis(engine, {
          workloads,
          ...(direction ? { direction: direction as 'ingress' | 'egress' } : {}),
        });
        io.stdout(`${np.formatExposure(conns, exposed, exposureFormat, drawn)}\n`);
        return 0;
      }
      const out = np.formatConnlist(conns, format, drawn);
      if (out) io.stdout(`${out}\n`);
      // np-guard's txt list of nothing is empty; say so where a person reads it, and keep stdout np-guard's
      if (format === 'txt' && conns.length === 0)
        io.stderr(
          workloads.length > 0
            ? 'no allowed connections of the focus workloads\n'
            : 'no allowed connections between the workloads and addresses of the input\n',
        );
      return 0;
    }
    case 'diff': {
      if (values.cluster)
        throw new KubeprintError('USAGE', 'netpol diff compares two sets of manifests; it takes no --cluster');
      if (positionals.length !== 2) throw new KubeprintError('USAGE', 'netpol diff needs exactly two paths: A B');
      const format = choice('-o', values.output, ['txt', 'json', 'csv', 'md'] as const, 'txt');
      const a = np.connectivity(await load([positionals[0] as string]));
      const b = np.connectivity(await load([positionals[1] as string]));
      if (report([...a.problems, ...b.problems], io)) return 2;
      const out = np.formatDiff(np.connectivityDiff(a.engine, b.engine), format);
      if (out) io.stdout(`${out}\n`);
      return 0;
    }
    case 'explain': {
      if (positionals.length < (values.cluster ? 2 : 3))
        throw new KubeprintError('USAGE', `netpol explain needs SRC DST${values.cluster ? '' : ' PATH...'}`);
      const [srcName, dstName, ...paths] = positionals as [string, string, ...string[]];
      const { problems, engine } = np.connectivity(await load(paths));
      if (report(problems, io)) return 2;
      const find = (name: string) => {
        const ip = /^\d+\.\d+\.\d+\.\d+$/.test(name) ? np.parseIPv4(name) : undefined;
        if (ip !== undefined) return [{ type: 'ip' as const, lo: ip, hi: ip }];
        return engine.pods
          .filter((p) => !p.synthetic || name === 'ingress-controller')
          .filter((p) =>
            p.synthetic ? name === 'ingress-controller' : p.name === name || `${p.namespace}/${p.name}` === name,
          )
          .map((pod) => ({ type: 'pod' as const, pod }));
      };
      const srcs = find(srcName);
      const dsts = find(dstName);
      if (srcs.length === 0) throw new KubeprintError('INPUT_INVALID', `no workload or IP "${srcName}" in the input`);
      if (dsts.length === 0) throw new KubeprintError('INPUT_INVALID', `no workload or IP "${dstName}" in the input`);
      const blocks: string[] = [];
      for (const s of srcs)
        for (const d of dsts)
          blocks.push(np.formatExplanation(np.endpointName(s), np.endpointName(d), np.explainPair(engine, s, d)));
      io.stdout(`${blocks.join('\n\n')}\n`);
      return 0;
    }
    default:
      throw new KubeprintError('USAGE', `unknown netpol subcommand "${sub}" (list, diff, explain)`);
  }
}
