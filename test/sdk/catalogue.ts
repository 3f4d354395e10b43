/**
 * The SDK scenario catalogue (`catalogue.json`) and the exclusion files of the drivers, loaded
 * and checked once: every scenario has a unique id, a title, steps and an expectation; every
 * exclusion names a column and a scenario that exist and gives a reason. Language-neutral: it knows no SDK.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * When a scenario runs. Absent: concurrently with the others, the main worker running.
 * "alone": after those, by itself, the main worker running (it would disturb others, e.g. a
 * purge by time window). "no-worker": last, by itself, after `stop-worker` (it starts the
 * workers it needs, e.g. workers with work-item filters that the main worker would undercut).
 */
export type Isolation = "alone" | "no-worker";

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly input: unknown;
  /** What the driver does and observes, in words every driver author reads the same way. */
  readonly steps: readonly string[];
  readonly expect: unknown;
  readonly isolation?: Isolation;
  /** The runner's deadline for the driver's reply; 90 s when absent. */
  readonly timeoutS?: number;
}

/** The matrix's columns, in the order the protocol document lists them. */
export const columns = ["js-ms", "js-dapr", "python", "python-azuremanaged", "java", "java-azuremanaged", "go"] as const;

const catalogueUrl = new URL("./catalogue.json", import.meta.url);
export const driversDir = fileURLToPath(new URL("./drivers/", import.meta.url));
const defaultTimeoutS = 90;

export function loadCatalogue(): readonly Scenario[] {
  const parsed: unknown = JSON.parse(readFileSync(catalogueUrl, "utf8"));
  if (!Array.isArray(parsed)) throw new Error("catalogue.json: not an array");
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const scenario = entry as Partial<Scenario>;
    const where = `catalogue.json[${index}]`;
    if (typeof scenario.id !== "string" || !/^[a-z0-9-]+$/.test(scenario.id)) throw new Error(`${where}: bad id`);
    if (seen.has(scenario.id)) throw new Error(`${where}: duplicate id ${scenario.id}`);
    seen.add(scenario.id);
    if (typeof scenario.title !== "string" || scenario.title === "") throw new Error(`${where}: no title`);
    if (!Array.isArray(scenario.steps) || scenario.steps.length === 0) throw new Error(`${where}: no steps`);
    if (!("expect" in scenario) || !("input" in scenario)) throw new Error(`${where}: input and expect are required`);
    if (scenario.isolation !== undefined && scenario.isolation !== "alone" && scenario.isolation !== "no-worker") {
      throw new Error(`${where}: unknown isolation ${String(scenario.isolation)}`);
    }
    return scenario as Scenario;
  });
}

export function scenarioTimeoutMs(scenario: Scenario): number {
  return (scenario.timeoutS ?? defaultTimeoutS) * 1000;
}

/** `{ "<scenario id>": "<reason>" }` for one column. */
export type Exclusions = ReadonlyMap<string, string>;

/**
 * The exclusions of `column` from `drivers/<driver>/exclusions.json` (none when the file or the
 * column is absent). Throws on an unknown scenario id or an empty reason, so an exclusion can
 * neither go stale nor hide a scenario without saying why.
 */
export function loadExclusions(driver: string, column: string, catalogue: readonly Scenario[]): Exclusions {
  const path = `${driversDir}${driver}/exclusions.json`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
  const all = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const unknownColumn = Object.keys(all).find((c) => !(columns as readonly string[]).includes(c));
  if (unknownColumn !== undefined) throw new Error(`${path}: unknown column ${unknownColumn}`);
  const ids = new Set(catalogue.map((s) => s.id));
  const result = new Map<string, string>();
  for (const [id, reason] of Object.entries(all[column] ?? {})) {
    if (!ids.has(id)) throw new Error(`${path}: ${column} excludes unknown scenario ${id}`);
    if (typeof reason !== "string" || reason.trim() === "") throw new Error(`${path}: ${column}/${id} has no reason`);
    result.set(id, reason);
  }
  return result;
}
