/** Display formatting. Decimal strings are formatted as text, never round-tripped through floats. */

/** Groups the integer digits of a decimal string: "60123.45" → "60,123.45". */
export function formatDecimal(s: string, maxFraction?: number): string {
  const neg = s.startsWith('-')
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const f = maxFraction === undefined ? frac : frac.slice(0, maxFraction)
  return `${neg ? '-' : ''}${grouped}${f ? `.${f}` : ''}`
}

/** A decimal string as a float, for charts and percentages only. */
export const toNumber = (s: string): number => Number(s)

/** Relative change in percent from `from` to `to`; null when not computable. */
export function changePct(from: string | undefined, to: string | undefined): number | null {
  if (!from || !to) return null
  const a = toNumber(from)
  const b = toNumber(to)
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null
  return ((b - a) / a) * 100
}

/** "+1.23%" / "-0.40%" / "—". */
export function formatPct(p: number | null, digits = 2): string {
  if (p === null) return '—'
  return `${p > 0 ? '+' : ''}${p.toFixed(digits)}%`
}

/** Local wall time with milliseconds: "14:03:07.123". */
export function formatTime(t: string | number | Date): string {
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return '—'
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** Local date and time: "2026-11-21 04:30:00". */
export function formatDateTime(t: string | number | Date): string {
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return '—'
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(d).slice(0, 8)}`
}

/** "3s ago", "5m ago", "2h ago", "4d ago". */
export function formatAgo(t: string | number | Date, now = Date.now()): string {
  const ms = now - new Date(t).getTime()
  if (!Number.isFinite(ms)) return '—'
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86400)}d ago`
}

/** "in 3s", "in 5m", "in 2h", "now" for a time at or before `now`. */
export function formatIn(t: string | number | Date, now = Date.now()): string {
  const ms = new Date(t).getTime() - now
  if (!Number.isFinite(ms)) return '—'
  const s = Math.round(ms / 1000)
  if (s <= 0) return 'now'
  if (s < 60) return `in ${s}s`
  if (s < 3600) return `in ${Math.floor(s / 60)}m`
  return `in ${Math.floor(s / 3600)}h`
}

/** "1d 2h", "3h 4m", "5m 6s", "7s". */
export function formatDuration(secs: number): string {
  const d = Math.floor(secs / 86400)
  const h = Math.floor((secs % 86400) / 3600)
  const m = Math.floor((secs % 3600) / 60)
  const s = Math.floor(secs % 60)
  if (d) return `${d}d ${h}h`
  if (h) return `${h}h ${m}m`
  if (m) return `${m}m ${s}s`
  return `${s}s`
}

/** "ab12cd34…ef56" for long hex or peer ids. */
export function shortId(s: string, head = 8, tail = 6): string {
  return s.length <= head + tail + 1 ? s : `${s.slice(0, head)}…${s.slice(-tail)}`
}

/** A 0..1 score as a percentage: 0.981 → "98.1%". */
export const formatScore = (x: number | null | undefined) =>
  x === undefined || x === null ? '—' : `${(x * 100).toFixed(1)}%`
