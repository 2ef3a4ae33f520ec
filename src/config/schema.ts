import { z } from 'zod/v4';
import { CATEGORIES, SEVERITIES } from '../model/severity.js';

const severity = z.enum(SEVERITIES);

/** Matches objects by namespace/kind/name globs and, optionally, container images; at least one rule id (or `*`). */
export const exemptionSchema = z
  .object({
    rules: z.array(z.string().min(1)).min(1).describe('Rule ids this exemption covers; "*" for all'),
    namespace: z.string().optional().describe('Namespace glob (default: any)'),
    kind: z.string().optional().describe('Kind glob (default: any)'),
    name: z.string().optional().describe('Name glob (default: any)'),
    images: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Image globs (registry/repository[:tag]): only findings about containers running these images; a finding about the whole object when every container image matches (default: any)',
      ),
    reason: z.string().min(1).describe('Why the exemption is acceptable'),
    owner: z.string().min(1).describe('Who answers for it (team or person)'),
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expires must be a date YYYY-MM-DD')
      .describe('Last day the exemption applies (YYYY-MM-DD)'),
  })
  .strict();

export const ruleSettingSchema = z
  .object({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
    mode: z
      .enum(['enforce', 'warn', 'audit'])
      .optional()
      .describe(
        'Admission webhook: enforce denies, warn admits with a warning, audit only logs (default: critical/high enforce, medium warn, low/info audit)',
      ),
  })
  .strict();

/** A keyless identity or issuer: exact, or a regular expression over the whole value. */
const identityMatch = z.union([
  z.string().min(1),
  z.object({ regexp: z.string().min(1).describe('Regular expression that must match the whole value') }).strict(),
]);

/** One signer: a PEM public key (file or inline), or a keyless identity with its OIDC issuer. */
export const imageSignerSchema = z.union([
  z
    .object({
      key: z.string().min(1).describe('PEM public key: a file (relative to this config) or the PEM text'),
    })
    .strict(),
  z
    .object({
      identity: identityMatch.describe('Certificate identity (SAN), e.g. a workflow URL'),
      issuer: identityMatch.describe('OIDC issuer, e.g. https://token.actions.githubusercontent.com'),
    })
    .strict(),
]);

export const imageAttestationSchema = z
  .object({
    predicateType: z
      .string()
      .min(1)
      .describe('slsaprovenance (v0.2), slsaprovenance1, cyclonedx, spdx, vuln, or a predicate type URI'),
    signers: z
      .array(imageSignerSchema)
      .min(1)
      .optional()
      .describe("Who must have signed it (default: the policy's signers)"),
    slsa: z
      .object({
        builderId: identityMatch.optional(),
        sourceRepository: identityMatch.optional(),
        ref: identityMatch.optional(),
      })
      .strict()
      .optional()
      .describe('Constraints on SLSA provenance'),
    denyPackages: z
      .array(
        z
          .object({
            name: z.string().min(1),
            versions: z.string().min(1).optional().describe('Version range, e.g. "<2.17.0" or ">=1.0 <1.4 || 2.0.1"'),
          })
          .strict(),
      )
      .optional()
      .describe('Packages an SBOM attestation must not list'),
  })
  .strict();

export const imagePolicySchema = z
  .object({
    name: z.string().min(1),
    images: z.array(z.string().min(1)).min(1).describe('Globs over registry/repository, e.g. ghcr.io/acme/**'),
    allowedRegistries: z.array(z.string().min(1)).optional().describe('Registries (globs) these images may come from'),
    signers: z.array(imageSignerSchema).optional().describe('Any one of them must have signed the image'),
    attestations: z.array(imageAttestationSchema).optional().describe('Attestations the image must carry'),
    allowUnloggedSignatures: z
      .boolean()
      .optional()
      .describe('Accept keyed signatures without a transparency-log entry (default: the images section setting)'),
    verifyPlatforms: z
      .boolean()
      .optional()
      .describe(
        'For a multi-arch image index, also require every platform manifest to satisfy this policy (default false)',
      ),
  })
  .strict();

export const imagesSchema = z
  .object({
    policies: z.array(imagePolicySchema).optional().describe('First match wins'),
    unmatched: z.enum(['deny', 'warn', 'ignore']).optional().describe('Images no policy matches (default warn)'),
    allowUnloggedSignatures: z
      .boolean()
      .optional()
      .describe('Accept keyed signatures without a transparency-log entry (default false)'),
    trustedRoot: z.string().min(1).optional().describe('Sigstore trusted root JSON (default: public-good production)'),
    insecureRegistries: z
      .array(z.string().min(1))
      .optional()
      .describe('Registries (host:port) reached over plain HTTP'),
  })
  .strict();

/** GitOps objects (Argo CD, Flux): what counts as production, for rules that are strict only there. */
export const gitopsSchema = z
  .object({
    production: z
      .object({
        namespaces: z
          .array(z.string().min(1))
          .optional()
          .describe('Destination namespaces (globs) that are production, e.g. prod, prod-*'),
        clusters: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Destination clusters (globs over an Argo CD destination server URL or cluster name) that are production; every namespace in them is production',
          ),
        paths: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Files (globs over the path, matched on its trailing segments, e.g. clusters/production/**) whose GitOps objects are production: how a Flux repository tells clusters apart',
          ),
      })
      .strict()
      .optional()
      .describe('Where GitOps objects deploy to production: revisions there must be pinned'),
    requireVerification: z
      .union([z.boolean(), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        'Sources must verify signatures (Flux GitRepository commits, OCIRepository and OCI Helm charts): true for every source, or URL globs of the sources that must',
      ),
    allowedSources: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Where GitOps sources may come from: URL globs (`*` any run of characters, `?` one), e.g. https://github.com/acme/*, oci://ghcr.io/acme/*; a Bucket endpoint is matched as written (minio.acme.com)',
      ),
    flux: z
      .object({
        multiTenant: z
          .boolean()
          .optional()
          .describe(
            'Flux runs locked down for tenants (--no-cross-namespace-refs, --default-service-account): Kustomizations and HelmReleases outside adminNamespaces must impersonate a service account and use sources of their own namespace',
          ),
        adminNamespaces: z
          .array(z.string().min(1))
          .optional()
          .describe('Namespaces (globs) of the platform admins, exempt from tenant rules (default: flux-system)'),
      })
      .strict()
      .optional()
      .describe('Flux: multi-tenancy lockdown'),
    repoURL: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The URL of the scanned repository, when its git remote does not say (an export, a checkout without remotes): Argo CD Applications and Flux sources that name it are followed and what they deploy is rendered (--repo-url wins)',
      ),
  })
  .strict();

/** The admission webhook and the policies generated for it (`kubeprint admission`). */
export const admissionSchema = z
  .object({
    annotationExemptions: z
      .object({
        rules: z
          .array(z.string().min(1))
          .min(1)
          .describe('Rule ids an annotation may exempt at admission; "*" for any rule the annotation names'),
        namespaces: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            'Namespace globs where annotations are honoured (default: any; a cluster-scoped object matches none)',
          ),
        users: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('Requesters (userInfo.username globs) whose objects may be exempted by annotation'),
        groups: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe(
            'Requesters by group (userInfo.groups globs); with neither users nor groups, any requester (default)',
          ),
        allowWildcard: z
          .boolean()
          .optional()
          .describe('Honour kubeprint.dev/exempt: "*" (every rule of `rules`); default false'),
      })
      .strict()
      .optional()
      .describe(
        'Honour kubeprint.dev/exempt annotations at admission, only as far as this allows (default: not at all)',
      ),
    budget: z
      .object({
        maxContainers: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('Containers (init, regular and ephemeral) in the reviewed object (default 100)'),
        maxValues: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('JSON values (objects, arrays, scalars) in object and oldObject together (default 200000)'),
        timeMs: z
          .number()
          .int()
          .positive()
          .max(30_000)
          .optional()
          .describe('Time to judge one review, within the request deadline (default 1000)'),
      })
      .strict()
      .optional()
      .describe('What one review may cost; a review over it is decided by the failure policy'),
    failurePolicy: z
      .enum(['Fail', 'Ignore'])
      .optional()
      .describe(
        'How /validate/all decides a review it cannot judge: Fail denies, Ignore admits with a warning (default Fail; /validate is Fail, /validate/advisory Ignore)',
      ),
    maxViolationsReported: z
      .number()
      .int()
      .positive()
      .max(1000)
      .optional()
      .describe('Violations listed in a denial, the log and the decision log; the rest are counted (default 20)'),
  })
  .strict();

/** A JSON pointer into a custom resource (RFC 6901): `/spec/serviceAccountName`. */
const jsonPointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)+$/, 'must be a JSON pointer such as /spec/serviceAccountName');

/** A custom resource kind whose operator makes pods or uses a service account (src/model/operator-workloads.ts). */
export const operatorWorkloadSchema = z
  .object({
    apiVersion: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/([a-z0-9]+|\*)$/,
        'apiVersion must be group/version or group/* (a custom resource group)',
      )
      .describe('group/version of the custom resource, or group/* for every version'),
    kind: z.string().min(1).describe('Kind of the custom resource'),
    operator: z.string().min(1).optional().describe('Who acts on it, for messages (default: the group)'),
    pods: z
      .object({
        labelsFrom: z
          .array(jsonPointer)
          .optional()
          .describe('Label maps of the resource copied onto its pods, in order (e.g. /spec/podMetadata/labels)'),
        labels: z
          .record(
            z.string().min(1),
            z.union([
              z.string(),
              z.object({ from: jsonPointer.describe('Pointer to a string field, e.g. /metadata/name') }).strict(),
            ]),
          )
          .optional()
          .describe('Labels the operator sets on every pod (text, or {from: pointer}); they win over labelsFrom'),
        ports: z
          .array(
            z
              .object({
                name: z.string().min(1).optional().describe('Port name (for named ports in Services and policies)'),
                nameFrom: jsonPointer.optional().describe('Field that renames the port when set (e.g. /spec/portName)'),
                port: z.number().int().min(1).max(65535),
                protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional().describe('Default TCP'),
                when: jsonPointer.optional().describe('Only when this field is set (not null or false)'),
                unless: jsonPointer.optional().describe('Not when this field is true'),
              })
              .strict(),
          )
          .optional()
          .describe('Container ports of the pods'),
        containersFrom: z
          .array(jsonPointer)
          .optional()
          .describe('Lists of containers the resource adds to its pods (e.g. /spec/containers); their ports count'),
      })
      .strict()
      .optional()
      .describe('The pods the operator runs for each resource; omit when it runs none (it impersonates an account)'),
    serviceAccountFrom: jsonPointer
      .optional()
      .describe('Field naming the service account its pods run as or the operator impersonates'),
    serviceAccountDefault: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Service account used when that field is unset (pods: default); omit when the operator then acts as itself',
      ),
  })
  .strict()
  .refine((w) => w.pods !== undefined || w.serviceAccountFrom !== undefined, {
    message: 'an operator workload needs pods or serviceAccountFrom',
  });

export const configSchema = z
  .object({
    apiVersion: z.literal('kubeprint.dev/v1alpha1').optional(),
    kind: z.literal('Config').optional(),
    failOn: severity.optional().describe('Lowest severity that fails the run (default high)'),
    kubernetesVersion: z
      .string()
      .regex(/^v?1\.\d+(\.\d+)?$/, 'kubernetesVersion must look like 1.33 or v1.33')
      .optional()
      .describe(
        'Kubernetes version the manifests are deployed to, for API versions it no longer serves (default: the newest kubeprint knows; --kubernetes-version)',
      ),
    rules: z.record(z.string(), ruleSettingSchema).optional().describe('Per-rule overrides by rule id'),
    categories: z
      .partialRecord(z.enum(CATEGORIES), z.object({ enabled: z.boolean() }).strict())
      .optional()
      .describe('Switch a whole pillar on or off'),
    registries: z
      .object({
        allow: z
          .array(z.string().min(1))
          .optional()
          .describe('Allowed registries or image globs (registry/repository); images outside are reported'),
        deny: z
          .array(z.string().min(1))
          .optional()
          .describe('Denied registries or image globs (registry/repository); wins over allow'),
      })
      .strict()
      .optional(),
    exemptions: z.array(exemptionSchema).optional(),
    annotationExemptions: z
      .boolean()
      .optional()
      .describe(
        'Honour kubeprint.dev/exempt annotations in scan (default true); false switches them off at admission too',
      ),
    admission: admissionSchema
      .optional()
      .describe('The admission webhook and generated policies: annotation exemptions, per-review budget'),
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Files (and stdin) larger than this are not read: a high file-skipped finding (default 64 MiB)'),
    images: imagesSchema.optional().describe('Supply-chain verification of images (kubeprint images verify)'),
    gitops: gitopsSchema
      .optional()
      .describe(
        'Argo CD and Flux rules: production destinations, signature verification, allowed sources, Flux tenancy',
      ),
    operatorWorkloads: z
      .array(operatorWorkloadSchema)
      .optional()
      .describe(
        'Custom resources whose operator makes pods (labels, ports, service account) or impersonates a service account, beyond the built-in ones; an entry for a built-in group and kind replaces it',
      ),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type Exemption = z.infer<typeof exemptionSchema>;
export type ImagesConfig = z.infer<typeof imagesSchema>;
export type AdmissionConfig = z.infer<typeof admissionSchema>;
export type GitopsConfig = z.infer<typeof gitopsSchema>;
export type OperatorWorkloadConfig = z.infer<typeof operatorWorkloadSchema>;
