/** A source's score points: the node's stored history merged with live stream events. */
import { useMemo } from 'react'
import { useSourceScores } from '@/api/queries'
import { useStore } from '@/lib/store'
import { scoreHistory } from '@/stream/live-stores'
import { mergeScores } from './score-series'

/** Stored and live score points of one source. */
export function useScorePoints(name: string, since: number) {
  const stored = useSourceScores(name, since)
  const live = useStore(scoreHistory)[name]
  const items = stored.data?.items
  // Memoised: the chart redraws only when a point arrives, not on every render of the page.
  const points = useMemo(() => mergeScores(items ?? [], live ?? []), [items, live])
  return { stored, points }
}
