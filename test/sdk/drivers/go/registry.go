package main

import (
	"encoding/json"

	"github.com/microsoft/durabletask-go/task"
)

// newRegistry registers every orchestrator and activity the catalogue and the fault tests name.
func newRegistry(d *driver) *task.TaskRegistry {
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
	must(r.AddOrchestratorN("FaultSteps", faultSteps))
	must(r.AddActivityN("FaultStepA", faultStepA))
	must(r.AddActivityN("FaultStepB", faultStepB))
	must(r.AddOrchestratorN("BlockingOrchestration", blockingOrchestration))
	must(r.AddActivityN("BlockingActivity", d.blockingActivity))
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
