// Typed arrays <-> base64, the binary parts of a saved model (JSON-safe, exact to the bit).
// Byte order is the machine's (little-endian on every platform Node supports).

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;

export function toBase64(a: Typed): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function bytes(s: string, width: number, what: string): Uint8Array {
  if (typeof s !== 'string') throw new TypeError(`${what}: expected a base64 string`);
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % width !== 0) throw new RangeError(`${what}: ${b.byteLength} bytes is not a whole number of ${width}-byte values`);
  // Copy into a fresh, aligned buffer: a Buffer may be a slice of a shared pool at any offset.
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

export const f64FromBase64 = (s: string, what = 'float64 array'): Float64Array => new Float64Array(bytes(s, 8, what).buffer);
export const f32FromBase64 = (s: string, what = 'float32 array'): Float32Array => new Float32Array(bytes(s, 4, what).buffer);
export const i32FromBase64 = (s: string, what = 'int32 array'): Int32Array => new Int32Array(bytes(s, 4, what).buffer);
export const u8FromBase64 = (s: string, what = 'uint8 array'): Uint8Array => bytes(s, 1, what);
