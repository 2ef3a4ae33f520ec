// Wrapper module: builds the etcd server at a pinned release (etcd's own
// server/go.mod has replace lines, so `go install ...@version` refuses it).
module kubeprint.test/controlplane/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 v3.6.16
