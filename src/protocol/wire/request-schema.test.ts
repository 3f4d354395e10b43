/**
 * request-schema.ts against the code the server decodes with: the generated serializers of the
 * installed protocol package (and google-protobuf's struct types), and KEDA's proto file. For
 * every message of the schema, the fields that embed a message or repeat must be exactly those
 * the generated code writes, with the same numbers, names, types and repetition.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadSync } from '@grpc/proto-loader';
import { REQUEST_SCHEMA, TIME_MESSAGES, type MessageRules } from './request-schema.ts';

/** `number:name:shape`, e.g. `4:innerfailure:TaskFailureDetails` or `8:tags:map StringEntry`. */
type Shape = string;

function describeRules(rules: MessageRules): Shape[] {
  return Object.entries(rules).map(([number, rule]) => {
    const shape = rule.repeated === undefined ? rule.message : `${rule.packed === true ? 'packed' : 'repeated'} ${rule.message ?? 'scalar'}`;
    return `${number}:${rule.name.toLowerCase()}:${shape}`;
  }).sort();
}

/** The embedded-message and repeated fields each generated `serializeBinaryToWriter` writes. */
function generatedShapes(source: string): Map<string, Shape[]> {
  const shapes = new Map<string, Shape[]>();
  for (const [body, name] of source.matchAll(/proto\.([\w.]+)\.serializeBinaryToWriter = function[^]*?\n};/g)) {
    const fields: Shape[] = [];
    const field = /f = (?:\/\*\*[^/]*\/ )?\(?(?:message\.get(\w+?)(List|Map)?\((?:true)?\)|jspb\.Message\.\w+\(message, (\d+)\))[^]*?(?:writer\.write(\w+)\(\s*(\d+),\s*f(?:,\s*(?:proto\.)?([\w.]+)\.serializeBinaryToWriter)?|f\.serializeBinary\((\d+), writer, [\w.]+, [\w.]+\.write(\w+)(?:, (?:proto\.)?([\w.]+)\.serializeBinaryToWriter)?)/g;
    for (const [, getter, suffix, , kind, number, type, mapNumber, mapValue, mapType] of body.matchAll(field)) {
      const fieldName = (getter ?? '').toLowerCase();
      const typeName = (t: string | undefined) => t?.split('.').pop();
      if (suffix === 'Map') fields.push(`${mapNumber}:${fieldName}:repeated ${mapValue === 'Message' ? `ValueEntry` : 'StringEntry'}${mapValue === 'Message' && typeName(mapType) !== 'Value' ? '?' : ''}`);
      else if (kind?.startsWith('Packed')) fields.push(`${number}:${fieldName}:packed scalar`);
      else if (kind === 'RepeatedMessage') fields.push(`${number}:${fieldName}:repeated ${typeName(type)}`);
      else if (kind?.startsWith('Repeated')) fields.push(`${number}:${fieldName}:repeated scalar`);
      else if (kind === 'Message') fields.push(`${number}:${fieldName}:${typeName(type)}`);
    }
    shapes.set(name as string, fields.sort());
  }
  return shapes;
}

const requireHere = createRequire(import.meta.url);
const pbPath = requireHere.resolve('@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js');
const structPath = createRequire(pbPath).resolve('google-protobuf/google/protobuf/struct_pb.js');
const generated = new Map([...generatedShapes(readFileSync(pbPath, 'utf8')), ...generatedShapes(readFileSync(structPath, 'utf8'))]);

test('every schema message of the sidecar protocol lists exactly the message and repeated fields of the generated code', () => {
  const synthetic = new Set(['Empty', 'StringValue', 'Int32Value', 'BoolValue', 'StringEntry', 'ValueEntry', 'ScaledObjectRef', 'GetMetricsRequest', ...TIME_MESSAGES]);
  let checked = 0;
  for (const [name, rules] of Object.entries(REQUEST_SCHEMA)) {
    if (synthetic.has(name)) continue;
    const key = ['Value', 'Struct', 'ListValue'].includes(name) ? `google.protobuf.${name}` : name;
    const expected = generated.get(key);
    assert.ok(expected !== undefined, `the generated code has no message ${key}`);
    assert.deepEqual(describeRules(rules), expected, `fields of ${name}`);
    checked++;
  }
  assert.ok(checked > 80, `only ${checked} messages were compared`);
});

test('the KEDA messages match proto/externalscaler.proto', () => {
  const protoFile = fileURLToPath(new URL('../../../proto/externalscaler.proto', import.meta.url));
  type Descriptor = { field: { name: string; number: number; label: string; type: string; typeName: string }[]; nestedType?: { name: string; options: { mapEntry: boolean } }[] };
  const definition = loadSync(protoFile, { keepCase: true }) as unknown as Record<string, { type: Descriptor }>;
  const shape = (message: string) => {
    const type = definition[`externalscaler.${message}`]!.type;
    const isMap = (typeName: string) => type.nestedType?.some((n) => n.name === typeName && n.options.mapEntry) === true;
    return type.field
      .filter((f) => f.type === 'TYPE_MESSAGE' || f.label === 'LABEL_REPEATED')
      .map((f) => `${f.number}:${f.name.toLowerCase()}:${f.label === 'LABEL_REPEATED' ? `repeated ${isMap(f.typeName) ? 'StringEntry' : f.typeName}` : f.typeName}`)
      .sort();
  };
  assert.deepEqual(describeRules(REQUEST_SCHEMA['ScaledObjectRef']!), shape('ScaledObjectRef'));
  assert.deepEqual(describeRules(REQUEST_SCHEMA['GetMetricsRequest']!), shape('GetMetricsRequest'));
});
