import fc from 'fast-check';

/**
 * Messages from `valid` with up to 4 bytes overwritten and up to 2 bytes cut from the end: what
 * the hand-written readers must either read as the generated decoder does or give up on.
 */
export function mutatedBytes(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat())
    .map(([bytes, flips, cut]) => {
      const out = Buffer.from(bytes);
      for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
      return out.subarray(0, bytes.length === 0 ? 0 : bytes.length - (cut % Math.min(bytes.length, 3)));
    });
}
