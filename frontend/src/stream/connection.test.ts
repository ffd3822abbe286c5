import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffMs, StreamConnection } from './connection'

/** A controllable stand-in for the browser WebSocket. */
class FakeSocket {
  static all: FakeSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: unknown }) => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  close() {
    if (this.closed) return
    this.closed = true
    this.onclose?.()
  }
}

describe('backoffMs', () => {
  it('doubles from 0.5 s up to 15 s with bounded jitter', () => {
    expect(backoffMs(0, () => 0.5)).toBe(500)
    expect(backoffMs(3, () => 0.5)).toBe(4000)
    expect(backoffMs(20, () => 0.5)).toBe(15000)
    expect(backoffMs(2, () => 0)).toBe(1500)
    expect(backoffMs(2, () => 1)).toBe(2500)
  })
})

describe('StreamConnection', () => {
  beforeEach(() => {
    FakeSocket.all = []
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('parses events, skips unknown frames and reconnects with backoff', () => {
    const events: unknown[] = []
    const onReconnect = vi.fn()
    const conn = new StreamConnection(
      'ws://x/api/v1/stream',
      { onEvent: (e) => events.push(e), onReconnect },
      FakeSocket as unknown as typeof WebSocket,
    )
    conn.start()
    expect(conn.status.get()).toBe('connecting')
    const first = FakeSocket.all[0]
    first.onopen?.()
    expect(conn.status.get()).toBe('open')
    first.onmessage?.({
      data: JSON.stringify({ type: 'heartbeat', at: '2026-01-01T00:00:00.000Z' }),
    })
    first.onmessage?.({ data: JSON.stringify({ type: 'something.new', x: 1 }) })
    first.onmessage?.({ data: 'not json' })
    expect(events).toEqual([{ type: 'heartbeat', at: '2026-01-01T00:00:00.000Z' }])

    first.close() // e.g. close code 1008: too slow
    expect(conn.status.get()).toBe('closed')
    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(800)
    expect(FakeSocket.all).toHaveLength(2)
    expect(onReconnect).not.toHaveBeenCalled()
    FakeSocket.all[1].onopen?.()
    expect(onReconnect).toHaveBeenCalledTimes(1)

    conn.stop()
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.all).toHaveLength(2)
    expect(conn.status.get()).toBe('closed')
  })

  it('backs off further after each failed attempt', () => {
    const conn = new StreamConnection(
      'ws://x',
      { onEvent: () => {}, onReconnect: () => {} },
      FakeSocket as unknown as typeof WebSocket,
    )
    conn.start()
    FakeSocket.all[0].close()
    vi.advanceTimersByTime(625)
    expect(FakeSocket.all).toHaveLength(2)
    FakeSocket.all[1].close()
    vi.advanceTimersByTime(700)
    expect(FakeSocket.all).toHaveLength(2)
    vi.advanceTimersByTime(600)
    expect(FakeSocket.all).toHaveLength(3)
    conn.stop()
  })
})
