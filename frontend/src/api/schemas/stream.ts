/** Schemas of the live stream's server → client frames (`/api/v1/stream`). */
import { z } from 'zod'
import { count, decimal, hex32, peerId, symbol, time } from './common'

export const decisionEvent = z.object({
  type: z.enum(['quote.validated', 'quote.rejected', 'quote.expired']),
  id: hex32,
  symbol,
  source: z.string(),
  price: decimal,
  observed_at: time,
  latency_ms: z.number().nonnegative(),
})
export type DecisionEvent = z.infer<typeof decisionEvent>

export const priceEvent = z.object({
  type: z.literal('price.updated'),
  symbol,
  interval_start: time.optional(),
  price: decimal,
  confidence: decimal,
  sources: count.optional(),
})
export type PriceEvent = z.infer<typeof priceEvent>

export const peerEvent = z.object({
  type: z.enum(['peer.connected', 'peer.disconnected']),
  peer_id: peerId,
})

export const scoreEvent = z.object({
  type: z.literal('source.score'),
  source: z.string(),
  score: z.number().nullable(),
  quarantined: z.boolean().optional(),
})
export type ScoreEvent = z.infer<typeof scoreEvent>

export const heartbeatEvent = z.object({ type: z.literal('heartbeat'), at: time })

export const streamEvent = z.discriminatedUnion('type', [
  decisionEvent,
  priceEvent,
  peerEvent,
  scoreEvent,
  heartbeatEvent,
])
export type StreamEvent = z.infer<typeof streamEvent>
