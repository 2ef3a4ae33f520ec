import { rule as apiserverAlwaysAdmitEnabled } from './apiserver-always-admit-enabled.js';
import { rule as apiserverAlwaysPullImagesMissing } from './apiserver-always-pull-images-missing.js';
import { rule as apiserverAnonymousAuth } from './apiserver-anonymous-auth.js';
import { rule as apiserverAuditLogMissing } from './apiserver-audit-log-missing.js';
import { rule as apiserverAuditLogRetentionShort } from './apiserver-audit-log-retention-short.js';
import { rule as apiserverAuthorizationAlwaysAllow } from './apiserver-authorization-always-allow.js';
import { rule as apiserverAuthorizationNodeMissing } from './apiserver-authorization-node-missing.js';
import { rule as apiserverAuthorizationRbacMissing } from './apiserver-authorization-rbac-missing.js';
import { rule as apiserverClientCaMissing } from './apiserver-client-ca-missing.js';
import { rule as apiserverDenyServiceExternalIpsMissing } from './apiserver-deny-service-external-ips-missing.js';
import { rule as apiserverEncryptionConfigMissing } from './apiserver-encryption-config-missing.js';
import { rule as apiserverEtcdCaMissing } from './apiserver-etcd-ca-missing.js';
import { rule as apiserverEtcdClientCertMissing } from './apiserver-etcd-client-cert-missing.js';
import { rule as apiserverEventRateLimitMissing } from './apiserver-event-rate-limit-missing.js';
import { rule as apiserverInsecurePortEnabled } from './apiserver-insecure-port-enabled.js';
import { rule as apiserverKubeletCaMissing } from './apiserver-kubelet-ca-missing.js';
import { rule as apiserverKubeletClientCertMissing } from './apiserver-kubelet-client-cert-missing.js';
import { rule as apiserverNamespaceLifecycleDisabled } from './apiserver-namespace-lifecycle-disabled.js';
import { rule as apiserverNodeRestrictionMissing } from './apiserver-node-restriction-missing.js';
import { rule as apiserverServiceAccountKeyFileMissing } from './apiserver-service-account-key-file-missing.js';
import { rule as apiserverServiceAccountLookupDisabled } from './apiserver-service-account-lookup-disabled.js';
import { rule as apiserverServiceAccountPluginDisabled } from './apiserver-service-account-plugin-disabled.js';
import { rule as apiserverTlsCertMissing } from './apiserver-tls-cert-missing.js';
import { rule as apiserverTokenAuthFile } from './apiserver-token-auth-file.js';
import { rule as controlPlaneBindAddressExposed } from './control-plane-bind-address-exposed.js';
import { rule as controlPlaneProfilingEnabled } from './control-plane-profiling-enabled.js';
import { rule as controlPlaneWeakTls } from './control-plane-weak-tls.js';
import { rule as controllerManagerKubeletCertRotationDisabled } from './controller-manager-kubelet-cert-rotation-disabled.js';
import { rule as controllerManagerRootCaMissing } from './controller-manager-root-ca-missing.js';
import { rule as controllerManagerSaPrivateKeyMissing } from './controller-manager-sa-private-key-missing.js';
import { rule as controllerManagerServiceAccountCredentialsOff } from './controller-manager-service-account-credentials-off.js';
import { rule as controllerManagerTerminatedPodGcThresholdMissing } from './controller-manager-terminated-pod-gc-threshold-missing.js';
import { rule as encryptionConfigWeak } from './encryption-config-weak.js';
import { rule as etcdCaSharedWithApiserver } from './etcd-ca-shared-with-apiserver.js';
import { rule as etcdManifestAutoTls } from './etcd-manifest-auto-tls.js';
import { rule as etcdManifestClientCertAuthOff } from './etcd-manifest-client-cert-auth-off.js';
import { rule as etcdManifestPeerAutoTls } from './etcd-manifest-peer-auto-tls.js';
import { rule as etcdManifestPeerClientCertAuthOff } from './etcd-manifest-peer-client-cert-auth-off.js';
import { rule as etcdManifestPeerTlsMissing } from './etcd-manifest-peer-tls-missing.js';
import { rule as etcdManifestTlsMissing } from './etcd-manifest-tls-missing.js';
import type { ControlPlaneRule } from './flags.js';

/**
 * CIS Kubernetes Benchmark control-plane checks that can be read from the
 * static pod manifests of kube-apiserver (1.2.x), kube-controller-manager
 * (1.3.x), kube-scheduler (1.4.x) and etcd (2.x). Ordered by component, then
 * by CIS id.
 */
export const controlPlaneRules: ControlPlaneRule[] = [
  apiserverAnonymousAuth,
  apiserverTokenAuthFile,
  apiserverDenyServiceExternalIpsMissing,
  apiserverKubeletClientCertMissing,
  apiserverKubeletCaMissing,
  apiserverAuthorizationAlwaysAllow,
  apiserverAuthorizationNodeMissing,
  apiserverAuthorizationRbacMissing,
  apiserverEventRateLimitMissing,
  apiserverAlwaysAdmitEnabled,
  apiserverAlwaysPullImagesMissing,
  apiserverServiceAccountPluginDisabled,
  apiserverNamespaceLifecycleDisabled,
  apiserverNodeRestrictionMissing,
  apiserverAuditLogMissing,
  apiserverAuditLogRetentionShort,
  encryptionConfigWeak,
  etcdCaSharedWithApiserver,
  apiserverServiceAccountLookupDisabled,
  apiserverServiceAccountKeyFileMissing,
  apiserverEtcdClientCertMissing,
  apiserverTlsCertMissing,
  apiserverClientCaMissing,
  apiserverEtcdCaMissing,
  apiserverEncryptionConfigMissing,
  apiserverInsecurePortEnabled,
  controlPlaneProfilingEnabled,
  controlPlaneBindAddressExposed,
  controlPlaneWeakTls,
  controllerManagerTerminatedPodGcThresholdMissing,
  controllerManagerServiceAccountCredentialsOff,
  controllerManagerSaPrivateKeyMissing,
  controllerManagerRootCaMissing,
  controllerManagerKubeletCertRotationDisabled,
  etcdManifestTlsMissing,
  etcdManifestClientCertAuthOff,
  etcdManifestAutoTls,
  etcdManifestPeerTlsMissing,
  etcdManifestPeerClientCertAuthOff,
  etcdManifestPeerAutoTls,
];
