/** The live list of decisions from the stream. */
import { Link } from 'react-router'
import { Badge } from '@/components/ui/badge'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { EmptyState } from '@/components/states'
import { formatDecimal, formatTime } from '@/lib/format'
import { useStore } from '@/lib/store'
import { cn } from '@/lib/utils'
import { recentDecisions } from '@/stream/live-stores'

const KIND = {
  'quote.validated': ['validated', 'success'],
  'quote.rejected': ['rejected', 'danger'],
  'quote.expired': ['expired', 'warning'],
} as const

/** The live decisions, all or of one `symbol` (then the symbol column is left out). */
export function LiveFeed({
  limit = 60,
  symbol,
  className,
}: {
  limit?: number
  symbol?: string
  /** Classes of the scrolling list, e.g. its maximum height. */
  className?: string
}) {
  const all = useStore(recentDecisions)
  const items = (symbol ? all.filter((d) => d.symbol === symbol) : all).slice(0, limit)
  return (
    <Card className="flex min-h-0 flex-col">
      <CardHeader>
        <CardTitle>Live decisions</CardTitle>
        <CardDescription>
          {items.length ? `${items.length} latest` : 'waiting for the stream'}
        </CardDescription>
      </CardHeader>
      {items.length === 0 ? (
        <EmptyState title="No decisions yet">
          New decisions appear here as the network reaches them.
        </EmptyState>
      ) : (
        <ul
          aria-label="Live decisions"
          className={cn('max-h-[560px] divide-y overflow-y-auto', className)}
        >
          {items.map((d) => {
            const [label, variant] = KIND[d.type]
            return (
              <li key={`${d.id}-${d.type}`} data-testid="feed-item">
                <Link
                  to={`/quotes/${d.id}`}
                  className={cn(
                    'grid items-center gap-2 px-4 py-1.5 text-xs hover:bg-muted/50',
                    symbol
                      ? 'grid-cols-[5.5rem_1fr_auto] sm:grid-cols-[5.5rem_1fr_auto_4rem]'
                      : 'grid-cols-[5.5rem_1fr_auto] sm:grid-cols-[6rem_7rem_1fr_auto_4rem]',
                  )}
                >
                  <span className="num text-muted-foreground">{formatTime(d.receivedAt)}</span>
                  {!symbol && <span className="font-medium">{d.symbol}</span>}
                  <span className="hidden truncate text-muted-foreground sm:inline">
                    {d.source}
                  </span>
                  <span
                    className={cn(
                      'num text-right',
                      d.type !== 'quote.validated' && 'text-muted-foreground',
                    )}
                  >
                    {formatDecimal(d.price)}
                  </span>
                  <Badge variant={variant} className="hidden justify-center sm:inline-flex">
                    {label}
                  </Badge>
                </Link>
              </li>
            )
          })}
        </ul>
      )}
    </Card>
  )
}
