/** A self-reconnecting WebSocket to `/api/v1/stream` with exponential backoff and jitter. */
import { streamEvent, type StreamEvent } from '@/api/schemas'
import { createStore } from '@/lib/store'

/** Connection state shown in the header. */
export type StreamStatus = 'connecting' | 'open' | 'closed'

/** Callbacks of a stream connection. */
export interface StreamHandlers {
  onEvent(e: StreamEvent): void
  /** Called when a connection opens after an earlier one was lost (refetch what was missed). */
  onReconnect(): void
}

/** `ws(s)://<this host>/api/v1/stream`. */
export function streamUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/stream`
}

/** Backoff before reconnect attempt `n` (0-based): 0.5 s doubling to 15 s, with ±25 % jitter. */
export function backoffMs(n: number, random = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** n)
  return Math.round(base * (0.75 + random() * 0.5))
}

/** One logical stream; `start()` connects and keeps reconnecting until `stop()`. */
export class StreamConnection {
  readonly status = createStore<StreamStatus>('closed')
  private ws: WebSocket | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private attempts = 0
  private everOpened = false
  private stopped = true

  constructor(
    private readonly url: string,
    private readonly handlers: StreamHandlers,
    private readonly Socket: typeof WebSocket = WebSocket,
  ) {}

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.connect()
  }

  stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.ws?.close(1000)
    this.ws = null
    this.status.set('closed')
  }

  private connect() {
    this.status.set('connecting')
    let ws: WebSocket
    try {
      ws = new this.Socket(this.url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      this.attempts = 0
      this.status.set('open')
      if (this.everOpened) this.handlers.onReconnect()
      this.everOpened = true
    }
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string') return
      let json: unknown
      try {
        json = JSON.parse(msg.data)
      } catch {
        return
      }
      const parsed = streamEvent.safeParse(json)
      // Unknown or malformed frames are skipped: newer nodes may send more event types.
      if (parsed.success) this.handlers.onEvent(parsed.data)
    }
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ws = null
      this.scheduleReconnect()
    }
    ws.onerror = () => ws.close()
  }

  private scheduleReconnect() {
    if (this.stopped) return
    this.status.set('closed')
    this.timer = setTimeout(() => this.connect(), backoffMs(this.attempts++))
  }
}
