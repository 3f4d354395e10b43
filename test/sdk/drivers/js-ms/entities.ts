/**
 * The catalogue's entities for `@microsoft/durabletask-js`: `counter` (add, get, fail; delete
 * is the SDK's implicit operation) and `profile` (set, get, fail).
 */
import { TaskEntity, type TaskHubGrpcWorker } from "@microsoft/durabletask-js";

class Counter extends TaskEntity<number> {
  add(amount: number): number {
    this.state += amount;
    return this.state;
  }
  get(): number {
    return this.state;
  }
  fail(message: string): never {
    throw new Error(message);
  }
  protected override initializeState(): number {
    return 0;
  }
}

interface ProfileState {
  name?: string;
  tags: string[];
}

class Profile extends TaskEntity<ProfileState> {
  set(value: ProfileState): void {
    this.state = value;
  }
  get(): ProfileState {
    return this.state;
  }
  fail(message: string): never {
    throw new Error(message);
  }
  protected override initializeState(): ProfileState {
    return { tags: [] };
  }
}

export function registerEntities(worker: TaskHubGrpcWorker): void {
  worker.addNamedEntity("counter", () => new Counter());
  worker.addNamedEntity("profile", () => new Profile());
}
