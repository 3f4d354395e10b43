/**
 * What a test or a benchmark reads from another process: parsed JSON (REST, the CLI's `-o json`,
 * a workload's result line) or what proto-loader made of a .proto (its dynamic clients and the
 * messages they decode). The reader takes it field by field and asserts its shape as it goes, so
 * a wrong shape fails where it is read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- another process's answer, whose shape its reader asserts
export type Json = any;
