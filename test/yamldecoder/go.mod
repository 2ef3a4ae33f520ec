// The YAML decoder kubectl v1.36 uses, as a test helper: versions as
// k8s.io/kubectl v0.36.3 pins them. Build: scripts/ci/install-yamldecoder.sh.
module kubeprint.test/yamldecoder

go 1.26.0

require k8s.io/apimachinery v0.36.3

require (
	go.yaml.in/yaml/v2 v2.4.3 // indirect
	sigs.k8s.io/json v0.0.0-20250730193827-2d320260d730 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)
