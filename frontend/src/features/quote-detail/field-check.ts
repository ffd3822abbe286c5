/** Compares the quote's JSON fields with its canonical bytes (what the certificate actually covers). */
import type { QuoteDetail } from '@/api/schemas'
import { decodeQuote, normalizeDecimal } from '@/lib/certificate/quote-decode'

/** `{ok, detail}`: whether every displayed field equals the decoded bytes. */
export function checkFields(q: QuoteDetail): { ok: boolean; detail: string } {
  let d
  try {
    d = decodeQuote(q.quote_bytes)
  } catch (e) {
    return { ok: false, detail: `quote bytes do not decode: ${(e as Error).message}` }
  }
  const dec = (s: string | null | undefined) => (s == null ? null : normalizeDecimal(s))
  const pairs: [string, unknown, unknown][] = [
    ['symbol', q.symbol, d.symbol],
    ['source', q.source, d.source],
    ['price', dec(q.price), dec(d.price)],
    ['bid', dec(q.bid), dec(d.bid)],
    ['ask', dec(q.ask), dec(d.ask)],
    ['volume', dec(q.volume), dec(d.volume)],
    ['observed_at', new Date(q.observed_at).getTime(), d.observed_at_ms],
    ['script_hash', q.script_hash, d.script_hash],
    ['evidence_hash', q.evidence_hash, d.evidence_hash],
    ['proposer_key', q.proposer_key, d.proposer_key],
  ]
  const bad = pairs.find(([, a, b]) => a !== b)
  return bad
    ? { ok: false, detail: `${bad[0]} shown as ${String(bad[1])}, bytes say ${String(bad[2])}` }
    : { ok: true, detail: 'symbol, source, prices, time, hashes and proposer match' }
}
