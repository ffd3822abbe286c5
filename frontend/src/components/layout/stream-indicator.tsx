/** Live stream state in the header: a dot and a word. */
import { useStreamStatus } from '@/stream/status-context'
import { cn } from '@/lib/utils'

const LABEL = { open: 'Live', connecting: 'Connecting', closed: 'Reconnecting' } as const

export function StreamIndicator() {
  const status = useStreamStatus()
  return (
    <span
      data-testid="stream-status"
      data-status={status}
      className="inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs"
      title="Live updates over /api/v1/stream"
    >
      <span className="relative flex size-2">
        {status === 'open' && (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-up opacity-60" />
        )}
        <span
          className={cn(
            'relative inline-flex size-2 rounded-full',
            status === 'open' ? 'bg-up' : status === 'connecting' ? 'bg-warn' : 'bg-down',
          )}
        />
      </span>
      {LABEL[status]}
    </span>
  )
}
