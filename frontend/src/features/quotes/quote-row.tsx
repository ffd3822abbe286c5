/** One row of the quotes table; flashes green or red when the price changes. */
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { Change } from '@/components/change'
import { TrendLine } from '@/components/trend-line'
import { TableCell, TableRow } from '@/components/ui/table'
import { formatAgo, formatDecimal, toNumber } from '@/lib/format'
import { symbolPath } from '@/lib/route-params'
import { cn } from '@/lib/utils'
import type { SymbolRow } from './use-symbol-rows'

export function QuoteRow({ row, now }: { row: SymbolRow; now: number }) {
  const navigate = useNavigate()
  const [prev, setPrev] = useState(row.price)
  const [flash, setFlash] = useState<{ dir: 'up' | 'down'; n: number } | null>(null)
  if (row.price !== prev) {
    // Adjusting state while rendering (React's "previous props" pattern): no extra effect pass.
    setPrev(row.price)
    const dir = toNumber(row.price) >= toNumber(prev) ? 'up' : 'down'
    setFlash((f) => ({ dir, n: (f?.n ?? 0) + 1 }))
  }
  const [base, quote] = row.symbol.split('/')
  const open = () => navigate(symbolPath(row.symbol))
  return (
    <TableRow
      key={flash?.n}
      data-testid="quote-row"
      data-symbol={row.symbol}
      data-flash={flash?.dir}
      tabIndex={0}
      onClick={open}
      onKeyDown={(e) => e.key === 'Enter' && open()}
      className={cn('cursor-pointer', flash && `flash-${flash.dir}`)}
    >
      <TableCell>
        <span className="font-semibold">{base}</span>
        <span className="text-muted-foreground">/{quote}</span>
      </TableCell>
      <TableCell
        data-testid="quote-price"
        className={cn(
          'num text-right font-medium',
          flash?.dir === 'up' && 'text-up',
          flash?.dir === 'down' && 'text-down',
        )}
      >
        {formatDecimal(row.price)}
      </TableCell>
      <TableCell className="text-right">
        <Change pct={row.change24h} />
      </TableCell>
      <TableCell className="hidden text-center lg:table-cell">
        <TrendLine values={row.trend} label={`Recent prices of ${row.symbol}`} />
      </TableCell>
      <TableCell className="num hidden text-right text-xs text-muted-foreground md:table-cell">
        {row.consensus ? (
          <>
            {formatDecimal(row.consensus.price)}{' '}
            <span className="opacity-70">± {formatDecimal(row.consensus.confidence, 4)}</span>
          </>
        ) : (
          '—'
        )}
      </TableCell>
      <TableCell className="num text-right">{row.sources}</TableCell>
      <TableCell className="num hidden text-right text-xs text-muted-foreground sm:table-cell">
        {formatAgo(row.observedAt, now)}
      </TableCell>
    </TableRow>
  )
}
