/** Client-side state built from live stream events: recent decisions, consensus prices, scores. */
import type { DecisionEvent, PriceEvent } from '@/api/schemas'
import { createStore } from '@/lib/store'

/** A decision as received, with the local receive time. */
export type FeedItem = DecisionEvent & { receivedAt: number }

/** Most recent decisions first (at most 200). */
export const recentDecisions = createStore<FeedItem[]>([])
/** Latest consensus price per symbol from `price.updated`. */
export const livePrices = createStore<Record<string, PriceEvent & { receivedAt: number }>>({})
/** Score history per source from `source.score`, oldest first (at most 500 per source). */
export const scoreHistory = createStore<
  Record<string, { t: number; score: number; quarantined?: boolean }[]>
>({})
/** Recent validated prices per symbol from `quote.validated`, oldest first (at most 60 each). */
export const recentPrices = createStore<Record<string, number[]>>({})
/** Receive time of the last frame of any kind (heartbeats included). */
export const lastFrameAt = createStore<number | null>(null)

const FEED_MAX = 200
const SCORE_MAX = 500

export function addDecision(e: DecisionEvent, now = Date.now()) {
  recentDecisions.set((all) => [{ ...e, receivedAt: now }, ...all].slice(0, FEED_MAX))
}

const TREND_MAX = 60

export function addTrendPoint(symbol: string, price: number) {
  if (!Number.isFinite(price)) return
  recentPrices.set((all) => ({
    ...all,
    [symbol]: [...(all[symbol] ?? []), price].slice(-TREND_MAX),
  }))
}

export function addPrice(e: PriceEvent, now = Date.now()) {
  livePrices.set((all) => ({ ...all, [e.symbol]: { ...e, receivedAt: now } }))
}

export function addScore(source: string, score: number, now = Date.now(), quarantined?: boolean) {
  scoreHistory.set((all) => ({
    ...all,
    [source]: [...(all[source] ?? []), { t: now, score, quarantined }].slice(-SCORE_MAX),
  }))
}

/**
 * Decisions per second over the last `windowMs`. The span shrinks to what the list covers (at least
 * 5 s), so the rate is right just after connecting and when the capped list holds under `windowMs`.
 */
export function decisionRate(items: FeedItem[], now: number, windowMs = 30_000): number {
  const recent = items.filter((d) => now - d.receivedAt <= windowMs)
  if (recent.length === 0) return 0
  const oldest = Math.min(...items.map((d) => d.receivedAt))
  const span = Math.max(5_000, Math.min(windowMs, now - oldest))
  return recent.length / (span / 1000)
}

/** Share of rejected (and expired) among the given decisions; null when there are none. */
export function rejectionRate(items: { type: DecisionEvent['type'] }[]): number | null {
  if (items.length === 0) return null
  return items.filter((d) => d.type !== 'quote.validated').length / items.length
}
