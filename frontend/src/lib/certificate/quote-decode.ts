/** Decodes a quote's canonical encoding (the API's `quote_bytes`) so it can be compared with the JSON. */
import { fromHex, toHex } from './bytes'

/** The fields of a quote as carried in its canonical bytes. */
export interface DecodedQuote {
  symbol: string
  source: string
  price: string
  bid: string | null
  ask: string | null
  volume: string | null
  observed_at_ms: number
  script_hash: string
  evidence_hash: string
  proposer_key: string
}

/** Renders a decimal `mantissa × 10^-scale` as a plain string (no exponent). */
export function decimalToString(mantissa: bigint, scale: number): string {
  const neg = mantissa < 0n
  let digits = (neg ? -mantissa : mantissa).toString()
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0')
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  }
  return neg ? `-${digits}` : digits
}

/** Reads the canonical quote layout; throws on truncated input or trailing bytes. */
export function decodeQuote(hex: string): DecodedQuote {
  const bytes = fromHex(hex, undefined, 'quote bytes')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  const take = (n: number) => {
    if (at + n > bytes.length) throw new Error(`quote bytes truncated at offset ${at}`)
    const out = bytes.subarray(at, at + n)
    at += n
    return out
  }
  const u32 = () => {
    take(4)
    return view.getUint32(at - 4, true)
  }
  const str = () => new TextDecoder('utf-8', { fatal: true }).decode(take(u32()))
  const decimal = () => {
    take(17)
    const lo = view.getBigUint64(at - 17, true)
    const hi = view.getBigInt64(at - 9, true)
    return decimalToString((hi << 64n) | lo, view.getUint8(at - 1))
  }
  const option = () => {
    const tag = take(1)[0]
    if (tag === 0) return null
    if (tag === 1) return decimal()
    throw new Error(`bad option tag 0x${tag.toString(16)} at offset ${at - 1}`)
  }
  const quote: DecodedQuote = {
    symbol: str(),
    source: str(),
    price: decimal(),
    bid: option(),
    ask: option(),
    volume: option(),
    observed_at_ms: (take(8), Number(view.getBigInt64(at - 8, true))),
    script_hash: toHex(take(32)),
    evidence_hash: toHex(take(32)),
    proposer_key: toHex(take(32)),
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} trailing bytes after the quote`)
  return quote
}

/** Normalises a decimal string for comparison ("1.50" and "1.5" are equal). */
export function normalizeDecimal(s: string): string {
  if (!s.includes('.')) return s.replace(/^(-?)0+(?=\d)/, '$1')
  const out = s.replace(/0+$/, '').replace(/\.$/, '')
  return out.replace(/^(-?)0+(?=\d)/, '$1')
}
