package main

// The orchestrators and activities the catalogue's scenarios name (test/sdk/catalogue.json), as a
// Go app would write them with durabletask-go 0.6.0.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/microsoft/durabletask-go/task"
)

func orchestrators() map[string]task.Orchestrator {
	return map[string]task.Orchestrator{
		"EmptyOrchestration":     emptyOrchestration,
		"ActivitySequence":       activitySequence,
		"FanOutFanIn":            fanOutSum(squareTask),
		"ParentOrchestration":    parentOrchestration,
		"ChildOrchestration":     childOrchestration,
		"SubOrchestrationFanOut": fanOutSum(childTask),
		"Timer":                  timerOrchestration,
		"ExternalEvents":         externalEvents,
		"EventWithTimeout":       eventWithTimeout,
		"WaitForever":            waitForEvent("never"),
		"WaitForGo":              waitForGo,
		"ParentOfWaiter":         callChild("WaitForever"),
		"Grandparent":            callChild("ParentOfWaiter"),
		"ContinueAsNew":          continueAsNew,
		"CustomStatus":           customStatus,
		"EchoThroughActivity":    echoThroughActivity,
	}
}

func activities() map[string]task.Activity {
	return map[string]task.Activity{
		"Hello": func(ctx task.ActivityContext) (any, error) {
			var name string
			err := ctx.GetInput(&name)
			return fmt.Sprintf("Hello, %s!", name), err
		},
		"Square": func(ctx task.ActivityContext) (any, error) {
			var i int
			err := ctx.GetInput(&i)
			return i * i, err
		},
		"Echo": func(ctx task.ActivityContext) (any, error) {
			var v any
			err := ctx.GetInput(&v)
			return v, err
		},
	}
}

func emptyOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var v any
	err := ctx.GetInput(&v)
	return v, err
}

func activitySequence(ctx *task.OrchestrationContext) (any, error) {
	var names []string
	if err := ctx.GetInput(&names); err != nil {
		return nil, err
	}
	out := []string{}
	for _, name := range names {
		var greeting string
		if err := ctx.CallActivity("Hello", task.WithActivityInput(name)).Await(&greeting); err != nil {
			return nil, err
		}
		out = append(out, greeting)
	}
	return out, nil
}

// fanOutSum starts task(i) for 1 <= i <= input.count, all before awaiting any so they run at
// once, and adds their results (the catalogue's fan-outs start at 1).
func fanOutSum(start func(ctx *task.OrchestrationContext, i int) task.Task) task.Orchestrator {
	return func(ctx *task.OrchestrationContext) (any, error) {
		var in struct {
			Count int `json:"count"`
		}
		if err := ctx.GetInput(&in); err != nil {
			return nil, err
		}
		tasks := make([]task.Task, in.Count)
		for i := range tasks {
			tasks[i] = start(ctx, i+1)
		}
		sum := 0
		for _, t := range tasks {
			var n int
			if err := t.Await(&n); err != nil {
				return nil, err
			}
			sum += n
		}
		return sum, nil
	}
}

func squareTask(ctx *task.OrchestrationContext, i int) task.Task {
	return ctx.CallActivity("Square", task.WithActivityInput(i))
}

// childTask lets the SDK choose the sub-orchestration's instance id.
func childTask(ctx *task.OrchestrationContext, i int) task.Task {
	return ctx.CallSubOrchestrator("ChildOrchestration", task.WithSubOrchestratorInput(i))
}

func parentOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var v int
	if err := ctx.GetInput(&v); err != nil {
		return nil, err
	}
	var fromChild int
	child := ctx.CallSubOrchestrator("ChildOrchestration", task.WithSubOrchestratorInput(v),
		task.WithSubOrchestrationInstanceID(string(ctx.ID)+"-child"))
	if err := child.Await(&fromChild); err != nil {
		return nil, err
	}
	return map[string]int{"fromChild": fromChild}, nil
}

func childOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var n, square int
	if err := ctx.GetInput(&n); err != nil {
		return nil, err
	}
	if err := ctx.CallActivity("Square", task.WithActivityInput(n)).Await(&square); err != nil {
		return nil, err
	}
	return square + 1, nil
}

func timerOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var in struct {
		Seconds float64 `json:"seconds"`
	}
	if err := ctx.GetInput(&in); err != nil {
		return nil, err
	}
	before := ctx.CurrentTimeUtc
	if err := ctx.CreateTimer(time.Duration(in.Seconds * float64(time.Second))).Await(nil); err != nil {
		return nil, err
	}
	return map[string]int64{"waitedMs": ctx.CurrentTimeUtc.Sub(before).Milliseconds()}, nil
}

// noTimeout makes WaitForSingleEvent wait with no timer (0 would cancel at once).
const noTimeout = -1

func externalEvents(ctx *task.OrchestrationContext) (any, error) {
	out := map[string]any{}
	for _, name := range []string{"first", "second", "third"} {
		var v any
		if err := ctx.WaitForSingleEvent(name, noTimeout).Await(&v); err != nil {
			return nil, err
		}
		out[name] = v
	}
	items := []any{}
	for i := 0; i < 3; i++ {
		var v any
		if err := ctx.WaitForSingleEvent("item", noTimeout).Await(&v); err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	out["items"] = items
	return out, nil
}

func eventWithTimeout(ctx *task.OrchestrationContext) (any, error) {
	var in struct {
		TimeoutS float64 `json:"timeoutS"`
	}
	if err := ctx.GetInput(&in); err != nil {
		return nil, err
	}
	var approval any
	err := ctx.WaitForSingleEvent("Approval", time.Duration(in.TimeoutS*float64(time.Second))).Await(&approval)
	if err == task.ErrTaskCanceled {
		return "timed out", nil
	} else if err != nil {
		return nil, err
	}
	return map[string]any{"approved": approval}, nil
}

// waitForEvent waits for one event `name` and returns its data.
func waitForEvent(name string) task.Orchestrator {
	return func(ctx *task.OrchestrationContext) (any, error) {
		var v any
		err := ctx.WaitForSingleEvent(name, noTimeout).Await(&v)
		return v, err
	}
}

func waitForGo(ctx *task.OrchestrationContext) (any, error) {
	var v any
	if err := ctx.WaitForSingleEvent("go", noTimeout).Await(&v); err != nil {
		return nil, err
	}
	return map[string]any{"go": v}, nil
}

// callChild runs orchestrator `child` as `<own id>-child` and returns its output.
func callChild(child string) task.Orchestrator {
	return func(ctx *task.OrchestrationContext) (any, error) {
		var v any
		err := ctx.CallSubOrchestrator(child, task.WithSubOrchestrationInstanceID(string(ctx.ID)+"-child")).Await(&v)
		return v, err
	}
}

type generation struct {
	Generation  int   `json:"generation"`
	Generations int   `json:"generations"`
	Received    []any `json:"received"`
}

// continueAsNew takes the event `item-<generation>`, echoes it through an activity, and
// continues as new, carrying the events of later generations over.
func continueAsNew(ctx *task.OrchestrationContext) (any, error) {
	var g generation
	if err := ctx.GetInput(&g); err != nil {
		return nil, err
	}
	var item, echoed any
	if err := ctx.WaitForSingleEvent(fmt.Sprintf("item-%d", g.Generation), noTimeout).Await(&item); err != nil {
		return nil, err
	}
	if err := ctx.CallActivity("Echo", task.WithActivityInput(item)).Await(&echoed); err != nil {
		return nil, err
	}
	next := generation{Generation: g.Generation + 1, Generations: g.Generations, Received: append(g.Received, echoed)}
	if next.Generation <= g.Generations {
		ctx.ContinueAsNew(next, task.WithKeepUnprocessedEvents())
		return nil, nil
	}
	return next, nil
}

// customStatus: durabletask-go 0.6.0 takes a custom status as a string, so it is JSON here.
func customStatus(ctx *task.OrchestrationContext) (any, error) {
	if err := setJSONStatus(ctx, map[string]any{"stage": "waiting", "progress": 0.5, "tags": []string{"a", "b"}}); err != nil {
		return nil, err
	}
	var v any
	if err := ctx.WaitForSingleEvent("go", noTimeout).Await(&v); err != nil {
		return nil, err
	}
	if err := setJSONStatus(ctx, map[string]any{"stage": "done", "go": v}); err != nil {
		return nil, err
	}
	return "finished", nil
}

func setJSONStatus(ctx *task.OrchestrationContext, status any) error {
	b, err := json.Marshal(status)
	if err == nil {
		ctx.SetCustomStatus(string(b))
	}
	return err
}

func echoThroughActivity(ctx *task.OrchestrationContext) (any, error) {
	var v any
	if err := ctx.GetInput(&v); err != nil {
		return nil, err
	}
	var echoed any
	err := ctx.CallActivity("Echo", task.WithActivityInput(v)).Await(&echoed)
	return echoed, err
}
