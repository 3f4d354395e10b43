package main

import (
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/microsoft/durabletask-go/api"
	"github.com/microsoft/durabletask-go/task"
)

// The "hello sequence" of bench/workloads/hello-sequence.ts: the `hello` activity once per city,
// in order; returns the greetings. Same names, input and output as the JavaScript one.
const (
	helloOrchestrator = "helloSequence"
	helloActivity     = "hello"
)

var cityNames = []string{"Tokyo", "Seattle", "London", "Paris", "Cairo"}

// counters tally orchestration episodes (each call of the orchestrator function replays it from
// the start for one work item) and activity executions.
type counters struct {
	episodes   atomic.Int64
	activities atomic.Int64
}

func (c *counters) reset() {
	c.episodes.Store(0)
	c.activities.Store(0)
}

func (c *counters) workItems() int {
	return int(c.episodes.Load() + c.activities.Load())
}

func cities(count int) []string {
	out := make([]string, count)
	for i := range out {
		out[i] = cityNames[i%len(cityNames)]
	}
	return out
}

// expectedOutput is what a correct run returns: the JSON the JavaScript SDK would write, too.
func expectedOutput(input []string) string {
	greetings := make([]string, len(input))
	for i, city := range input {
		greetings[i] = "Hello, " + city
	}
	encoded, _ := json.Marshal(greetings)
	return string(encoded)
}

func registerHelloSequence(registry *task.TaskRegistry, c *counters) error {
	if err := registry.AddActivityN(helloActivity, func(ctx task.ActivityContext) (any, error) {
		c.activities.Add(1)
		var city string
		if err := ctx.GetInput(&city); err != nil {
			return nil, err
		}
		return "Hello, " + city, nil
	}); err != nil {
		return err
	}
	return registry.AddOrchestratorN(helloOrchestrator, func(ctx *task.OrchestrationContext) (any, error) {
		c.episodes.Add(1)
		var input []string
		if err := ctx.GetInput(&input); err != nil {
			return nil, err
		}
		greetings := make([]string, 0, len(input))
		for _, city := range input {
			var greeting string
			if err := ctx.CallActivity(helloActivity, task.WithActivityInput(city)).Await(&greeting); err != nil {
				return nil, err
			}
			greetings = append(greetings, greeting)
		}
		return greetings, nil
	})
}

// checkOutcome names the instance and what it returned when it did not complete with `expected`.
func checkOutcome(id api.InstanceID, meta *api.OrchestrationMetadata, expected string) error {
	if meta == nil {
		return fmt.Errorf("wrong result: instance %s: no state returned", id)
	}
	if status := meta.RuntimeStatus; status != api.RUNTIME_STATUS_COMPLETED {
		failure := ""
		if meta.FailureDetails != nil {
			failure = ": " + meta.FailureDetails.GetErrorMessage()
		}
		return fmt.Errorf("wrong result: instance %s: status %s%s", id, status, failure)
	}
	if meta.SerializedOutput != expected {
		return fmt.Errorf("wrong result: instance %s: output %q, expected %q", id, meta.SerializedOutput, expected)
	}
	return nil
}
