// yamldecoder decodes YAML exactly as kubectl v1.36 reads manifests
// (k8s.io/apimachinery's YAMLOrJSONDecoder over sigs.k8s.io/yaml, go-yaml v2
// underneath) and prints what the API server would receive, as JSON. The
// scalar-spelling test in src/sources compares kubeprint's decoder with it.
//
//	yamldecoder < stream.yaml       one JSON line per document: {"ok":VALUE} or {"error":"..."}
//	yamldecoder -each < docs.json   a JSON array of YAML texts in, a JSON array of results out
//
// Build: scripts/ci/install-yamldecoder.sh (into ~/.cache/kubeprint-tools/bin).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type result struct {
	OK    json.RawMessage `json:"ok,omitempty"`
	Error string          `json:"error,omitempty"`
}

// decodeAll reads every document of a stream as kubectl's resource builder
// does (cli-runtime's StreamVisitor decodes into a RawExtension, whose
// UnmarshalJSON means no type-directed coercion: json.RawMessage behaves the same).
func decodeAll(r io.Reader, max int) []result {
	d := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	var out []result
	for max < 0 || len(out) < max {
		var raw json.RawMessage
		err := d.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			out = append(out, result{Error: err.Error()})
			break
		}
		if raw == nil {
			raw = json.RawMessage("null")
		}
		out = append(out, result{OK: raw})
	}
	return out
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if len(os.Args) > 1 && os.Args[1] == "-each" {
		var docs []string
		if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
			fmt.Fprintln(os.Stderr, "yamldecoder -each: stdin must be a JSON array of strings:", err)
			os.Exit(2)
		}
		out := make([]result, len(docs))
		for i, doc := range docs {
			rs := decodeAll(strings.NewReader(doc), 1)
			if len(rs) == 1 {
				out[i] = rs[0]
			} else {
				out[i] = result{OK: json.RawMessage("null")}
			}
		}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, "yamldecoder:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: yamldecoder [-each] < input")
		os.Exit(2)
	}
	for _, r := range decodeAll(os.Stdin, -1) {
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, "yamldecoder:", err)
			os.Exit(1)
		}
	}
}
