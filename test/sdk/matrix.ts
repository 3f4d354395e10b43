/**
 * The SDK matrix: each column's results written to `test-output/sdk-matrix/<column>.json`, and
 * the whole matrix (a row per scenario, a column per SDK: pass, fail, or excluded with the
 * reason) rendered from every column file present to `test-output/sdk-matrix.md`. Columns run
 * in parallel test processes, so each renders what is there when it finishes; the last one to
 * finish shows them all. Each column says when it ran, so a file left by an older run shows.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/server-process.ts";
import { columns as columnOrder, type Scenario } from "./catalogue.ts";

export type Outcome = "pass" | "fail" | "excluded";

export interface ScenarioResult {
  readonly id: string;
  readonly outcome: Outcome;
  /** The exclusion's reason, or the first lines of a failure. */
  readonly detail?: string;
  readonly durationMs?: number;
}

export interface ColumnResults {
  readonly column: string;
  readonly sdk: string;
  readonly version: string;
  readonly finishedAt: string;
  /** From the driver's build or start to its exit, scenarios included. */
  readonly durationS: number;
  readonly results: readonly ScenarioResult[];
}

const matrixDir = join(repoRoot, "test-output", "sdk-matrix");
const matrixFile = join(repoRoot, "test-output", "sdk-matrix.md");

export function writeColumn(results: ColumnResults): void {
  mkdirSync(matrixDir, { recursive: true });
  writeFileSync(join(matrixDir, `${results.column}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

function readColumns(): ColumnResults[] {
  let names: string[];
  try {
    names = readdirSync(matrixDir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const columns = names.map((n) => JSON.parse(readFileSync(join(matrixDir, n), "utf8")) as ColumnResults);
  const rank = (c: ColumnResults): number => {
    const i = (columnOrder as readonly string[]).indexOf(c.column);
    return i === -1 ? columnOrder.length : i;
  };
  return columns.sort((a, b) => rank(a) - rank(b) || a.column.localeCompare(b.column));
}

function cell(result: ScenarioResult | undefined): string {
  if (result === undefined) return "not run";
  const text = result.outcome === "fail" ? "**FAIL**" : result.outcome === "excluded" ? `excluded: ${result.detail ?? ""}` : "pass";
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The matrix as Markdown, from every column file present. */
function renderMatrix(catalogue: readonly Scenario[]): string {
  const columns = readColumns();
  const header = `| scenario | ${columns.map((c) => c.column).join(" | ")} |`;
  const rule = `| --- | ${columns.map(() => "---").join(" | ")} |`;
  const rows = catalogue.map((s) => `| ${s.id} | ${columns.map((c) => cell(c.results.find((r) => r.id === s.id))).join(" | ")} |`);
  const count = (c: ColumnResults, o: Outcome): number => c.results.filter((r) => r.outcome === o).length;
  const footer = [
    `| **passed / failed / excluded** | ${columns.map((c) => `${count(c, "pass")} / ${count(c, "fail")} / ${count(c, "excluded")}`).join(" | ")} |`,
    `| SDK | ${columns.map((c) => `${c.sdk} ${c.version}`).join(" | ")} |`,
    `| time | ${columns.map((c) => `${c.durationS.toFixed(1)} s`).join(" | ")} |`,
    `| finished | ${columns.map((c) => c.finishedAt).join(" | ")} |`,
  ];
  return [header, rule, ...rows, ...footer].join("\n");
}

/** Writes `test-output/sdk-matrix.md` from every column file present and returns its text. */
export function writeMatrix(catalogue: readonly Scenario[]): string {
  const text = `# SDK matrix\n\n${renderMatrix(catalogue)}\n`;
  mkdirSync(join(repoRoot, "test-output"), { recursive: true });
  writeFileSync(matrixFile, text);
  return text;
}
