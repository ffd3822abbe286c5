/** Schemas of quotes, votes, certificates, symbols and prices (docs/api.md). */
import { z } from 'zod'
import { count, decimal, hex, hex32, hex64, page, peerId, symbol, time } from './common'

export const quoteStatus = z.enum(['validated', 'rejected', 'expired'])
export type QuoteStatus = z.infer<typeof quoteStatus>

export const quote = z.object({
  id: hex32,
  seq: count,
  symbol,
  source: z.string(),
  price: decimal,
  bid: decimal.optional(),
  ask: decimal.optional(),
  volume: decimal.optional(),
  observed_at: time,
  proposer: peerId,
  proposer_key: hex32,
  status: quoteStatus,
  decided_at: time,
  script_hash: hex32,
  evidence_hash: hex32,
})
export type Quote = z.infer<typeof quote>
export const quotePage = page(quote)

export const rejectReason = z.enum([
  'malformed',
  'stale',
  'future',
  'duplicate',
  'out_of_band',
  'unknown_source',
])

export const verdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accept') }),
  z.object({ kind: z.literal('abstain') }),
  z.object({ kind: z.literal('reject'), reason: rejectReason }),
])
export type Verdict = z.infer<typeof verdict>

export const vote = z.object({ voter: peerId, voter_key: hex32, verdict, batch_seq: count })
export type Vote = z.infer<typeof vote>

export const certificateEntry = z.object({
  header: z.object({
    network_id: z.string(),
    voter: hex32,
    seq: count,
    created_at_ms: z.number().int(),
    vote_count: count,
    merkle_root: hex32,
  }),
  signature: hex64,
  proof: z.object({ index: count, siblings: z.array(hex32) }),
})

export const certificate = z.object({ quote_id: hex32, entries: z.array(certificateEntry) })
export type Certificate = z.infer<typeof certificate>

export const quoteDetail = quote.extend({
  votes: z.array(vote),
  certificate: certificate.nullable(),
  quote_bytes: hex,
})
export type QuoteDetail = z.infer<typeof quoteDetail>

export const symbolSummary = z.object({ symbol, price: decimal, observed_at: time, sources: count })
export type SymbolSummary = z.infer<typeof symbolSummary>
export const symbolPage = page(symbolSummary)

export const pricePoint = z.object({
  symbol,
  interval_start: time,
  price: decimal,
  confidence: decimal,
  sources: count,
})
export type PricePoint = z.infer<typeof pricePoint>
export const pricePage = page(pricePoint)
