/** Byte helpers for the certificate checks: hex, concatenation, little-endian integers, SHA-256. */

/** Thrown when a hex string is not what a field needs. */
export class HexError extends Error {}

/** Decodes lower- or upper-case hex; `length` (bytes) is checked when given. */
export function fromHex(hex: string, length?: number, what = 'value'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new HexError(`${what}: expected hex, got ${JSON.stringify(hex.slice(0, 16))}…`)
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  if (length !== undefined && out.length !== length) {
    throw new HexError(`${what}: expected ${length} bytes, got ${out.length}`)
  }
  return out
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

/** Concatenation of `parts`. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Whether two byte arrays are equal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** u32 little-endian. */
export function u32le(v: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, v, true)
  return out
}

/** u64 little-endian (`v` is a non-negative integer or bigint). */
export function u64le(v: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(v), true)
  return out
}

/** i64 little-endian two's complement. */
export function i64le(v: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigInt64(0, BigInt(v), true)
  return out
}

/** SHA-256 of the concatenation of `parts` (WebCrypto). */
export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const data = concat(...parts)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
}
