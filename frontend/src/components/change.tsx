/** A signed percentage change, green up / red down. */
import { ArrowDownRight, ArrowUpRight } from 'lucide-react'
import { formatPct } from '@/lib/format'
import { cn } from '@/lib/utils'

export function Change({ pct, className }: { pct: number | null; className?: string }) {
  const dir = pct === null || pct === 0 ? 'flat' : pct > 0 ? 'up' : 'down'
  return (
    <span
      className={cn(
        'num inline-flex items-center gap-0.5 text-xs',
        dir === 'up' && 'text-up',
        dir === 'down' && 'text-down',
        dir === 'flat' && 'text-muted-foreground',
        className,
      )}
    >
      {dir === 'up' && <ArrowUpRight className="size-3" aria-hidden />}
      {dir === 'down' && <ArrowDownRight className="size-3" aria-hidden />}
      {formatPct(pct)}
    </span>
  )
}
