import { describe, expect, it } from 'vitest'
import type { ScorePoint, Source } from '@/api/schemas'
import { mergeScores, quarantineSpans, sourceStatus } from './score-series'

const at = (ms: number) => new Date(ms).toISOString()
const stored = (ms: number, score: number | null, quarantined = false): ScorePoint => ({
  at: at(ms),
  score,
  quarantined,
})

describe('score history', () => {
  it('appends live points newer than the stored history and drops unknown scores', () => {
    const merged = mergeScores(
      [stored(3000, 0.5), stored(1000, 0.9), stored(2000, null)],
      [
        { t: 2500, score: 0.1 },
        { t: 4000, score: 0.4, quarantined: true },
      ],
    )
    expect(merged.map((p) => [p.t, p.score, p.quarantined])).toEqual([
      [1000, 0.9, false],
      [3000, 0.5, false],
      [4000, 0.4, true],
    ])
  })

  it('finds quarantined spans, including one still open', () => {
    const pts = [1, 0, 1, 1, 0, 1].map((q, i) => ({ t: i * 10, score: 0.5, quarantined: !!q }))
    expect(quarantineSpans(pts)).toEqual([
      { from: 0, to: 10 },
      { from: 20, to: 40 },
      { from: 50, to: 50 },
    ])
    expect(quarantineSpans([])).toEqual([])
  })

  it('derives a status from the flags when the node does not report one', () => {
    const base = { paused: false, shadow: false } as Source
    expect(sourceStatus({ ...base, status: 'quarantined', paused: true })).toBe('quarantined')
    expect(sourceStatus({ ...base, quarantined: true })).toBe('quarantined')
    expect(sourceStatus({ ...base, paused: true, shadow: true })).toBe('paused')
    expect(sourceStatus({ ...base, shadow: true })).toBe('shadow')
    expect(sourceStatus(base)).toBe('active')
  })
})
