package main

import (
	"strings"
	"testing"

	"github.com/microsoft/durabletask-go/api"
)

func TestExpectedOutputIsTheJSONTheJavaScriptWorkloadsExpect(t *testing.T) {
	got := expectedOutput(cities(6))
	want := `["Hello, Tokyo","Hello, Seattle","Hello, London","Hello, Paris","Hello, Cairo","Hello, Tokyo"]`
	if got != want {
		t.Fatalf("expectedOutput = %s, want %s", got, want)
	}
}

func TestCheckOutcomeNamesTheInstanceAndTheWrongValue(t *testing.T) {
	expected := expectedOutput(cities(1))
	cases := []struct {
		name string
		meta *api.OrchestrationMetadata
		want string // "" for a correct outcome
	}{
		{"completed with the expected output", &api.OrchestrationMetadata{RuntimeStatus: api.RUNTIME_STATUS_COMPLETED, SerializedOutput: expected}, ""},
		{"completed with another output", &api.OrchestrationMetadata{RuntimeStatus: api.RUNTIME_STATUS_COMPLETED, SerializedOutput: `["Hello, Paris"]`},
			`wrong result: instance i-1: output "[\"Hello, Paris\"]", expected "[\"Hello, Tokyo\"]"`},
		{"failed", &api.OrchestrationMetadata{RuntimeStatus: api.RUNTIME_STATUS_FAILED}, "wrong result: instance i-1: status ORCHESTRATION_STATUS_FAILED"},
		{"no state", nil, "wrong result: instance i-1: no state returned"},
	}
	for _, c := range cases {
		err := checkOutcome("i-1", c.meta, expected)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one starting %q", c.name, err, c.want)
		}
	}
}

func TestSummarizeMatchesTheNearestRankPercentilesOfStatsTs(t *testing.T) {
	s := summarize([]float64{5, 1, 4, 2, 3})
	if s["p50"] != 3.0 || s["p95"] != 5.0 || s["min"] != 1.0 || s["mean"] != 3.0 || s["count"] != 5 {
		t.Fatalf("summarize = %v", s)
	}
}
