package main

import (
	"encoding/json"

	"github.com/microsoft/durabletask-go/task"
)

// newRegistry registers every orchestrator and activity the catalogue and the fault tests name;
// blockingMode is BlockingActivity's mode ("block" or "return").
func newRegistry(d *driver, blockingMode string) *task.TaskRegistry {
	r := task.NewTaskRegistry()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	for name, o := range orchestrators() {
		must(r.AddOrchestratorN(name, o))
	}
	for name, a := range activities() {
		must(r.AddActivityN(name, a))
	}
	must(r.AddOrchestratorN("FaultOrchestration", faultOrchestration))
	must(r.AddActivityN("StepA", stepA))
	must(r.AddActivityN("StepB", stepB))
	must(r.AddOrchestratorN("BlockingOrchestration", blockingOrchestration))
	must(r.AddActivityN("BlockingActivity", blockingActivity(d, blockingMode)))
	return r
}

// decodeJSON is a serialized payload as a JSON value; an absent payload is null.
func decodeJSON(raw string) any {
	if raw == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw
	}
	return v
}
