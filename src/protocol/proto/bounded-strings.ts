/**
 * google-protobuf 3.21 decodes a string field without checking its declared length against the
 * buffer (its bytes reader does check): a 7-byte request that declares a 4 GB string keeps the
 * event loop busy for minutes, a denial of service open to any client. `boundStringReads` gives
 * the decoder's string read the same bounds check, so such a request fails to decode at once and
 * is answered INVALID_ARGUMENT (service-definition.ts).
 */
import { invariant } from '../../lib/assert.ts';

interface Decoder {
  readString(length: number): string;
  getCursor(): number;
  getEnd(): number;
}

interface Jspb {
  BinaryReader: new (bytes: Uint8Array) => object;
}

export function boundStringReads(jspb: Jspb): void {
  const reader = new jspb.BinaryReader(new Uint8Array(0));
  const decoder = Object.values(reader).find((value): value is Decoder => typeof (value as Partial<Decoder> | null)?.readString === 'function');
  invariant(decoder !== undefined, 'google-protobuf: no decoder found inside BinaryReader; its layout changed');
  const prototype = Object.getPrototypeOf(decoder) as Record<string, unknown>;
  const unchecked = prototype['readString'] as Decoder['readString'];
  if ((unchecked as { bounded?: boolean }).bounded === true) return;
  const checked = function (this: Decoder, length: number): string {
    if (!(length >= 0) || this.getCursor() + length > this.getEnd()) {
      throw new RangeError(`a string field declares ${length} bytes but the message has ${this.getEnd() - this.getCursor()} left`);
    }
    return unchecked.call(this, length);
  };
  Object.assign(checked, { bounded: true });
  // The minified library calls the method under a second, internal name too.
  for (const name of Object.getOwnPropertyNames(prototype)) if (prototype[name] === unchecked) prototype[name] = checked;
}
