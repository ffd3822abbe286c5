/** A source's score history: the node's stored history merged with `source.score` stream events. */
import type { ScorePoint, Source } from '@/api/schemas'

/** One point of a score history, `t` in ms. */
export interface ScorePt {
  t: number
  score: number
  quarantined: boolean
  acceptance?: number | null
  deviation?: number | null
  staleness?: number | null
  reliability?: number | null
}

/** Stored points plus live points newer than the last stored one, oldest first; unknown scores dropped. */
export function mergeScores(
  stored: ScorePoint[],
  live: { t: number; score: number; quarantined?: boolean }[],
): ScorePt[] {
  const fromApi: ScorePt[] = stored
    .filter((p) => p.score !== null)
    .map((p) => ({ ...p, t: new Date(p.at).getTime(), score: p.score as number }))
    .sort((a, b) => a.t - b.t)
  const lastStored = fromApi.at(-1)?.t ?? -Infinity
  const fresh = live
    .filter((p) => p.t > lastStored)
    .map((p) => ({ t: p.t, score: p.score, quarantined: p.quarantined ?? false }))
  return [...fromApi, ...fresh]
}

/** Intervals (ms) during which the source was quarantined, from consecutive points. */
export function quarantineSpans(points: ScorePt[]): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = []
  let open: number | null = null
  for (const p of points) {
    if (p.quarantined && open === null) open = p.t
    if (!p.quarantined && open !== null) {
      spans.push({ from: open, to: p.t })
      open = null
    }
  }
  if (open !== null) spans.push({ from: open, to: points.at(-1)!.t })
  return spans
}

/** The status to show: the API's `status`, or one derived from the flags on older nodes. */
export function sourceStatus(s: Source): string {
  if (s.status) return s.status
  if (s.quarantined) return 'quarantined'
  if (s.paused) return 'paused'
  if (s.shadow) return 'shadow'
  return 'active'
}
