import { describe, expect, it } from 'vitest'
import { formatIn } from './format'

describe('formatIn', () => {
  const now = 1_767_225_600_000
  it('counts down to a future time', () => {
    expect(formatIn(now + 1_412, now)).toBe('in 1s')
    expect(formatIn(now + 125_000, now)).toBe('in 2m')
    expect(formatIn(now + 7_300_000, now)).toBe('in 2h')
  })
  it('says now for a time already passed, and a dash for no time', () => {
    expect(formatIn(now - 5_000, now)).toBe('now')
    expect(formatIn('not a time', now)).toBe('—')
  })
})
