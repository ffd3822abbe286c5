/** Recent decisions (validated, rejected, expired quotes) of one symbol. */
import { Link } from 'react-router'
import type { Quote } from '@/api/schemas'
import { StatusBadge } from '@/components/badges'
import { EmptyState } from '@/components/states'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { formatDecimal, formatTime, shortId } from '@/lib/format'

export function RecentQuotes({ quotes }: { quotes: Quote[] }) {
  if (quotes.length === 0) return <EmptyState title="No decisions in this range" />
  return (
    <Table aria-label="Recent decisions">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Observed</TableHead>
          <TableHead>Source</TableHead>
          <TableHead className="hidden lg:table-cell">Proposer</TableHead>
          <TableHead className="text-right">Price</TableHead>
          <TableHead className="hidden text-right md:table-cell">Bid / Ask</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Latency</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {quotes.map((q) => (
          <TableRow key={q.id}>
            <TableCell className="num text-xs text-muted-foreground">
              <Link to={`/quotes/${q.id}`} className="hover:text-foreground hover:underline">
                {formatTime(q.observed_at)}
              </Link>
            </TableCell>
            <TableCell>{q.source}</TableCell>
            <TableCell className="num hidden text-xs text-muted-foreground lg:table-cell">
              {shortId(q.proposer, 6, 6)}
            </TableCell>
            <TableCell className="num text-right">{formatDecimal(q.price)}</TableCell>
            <TableCell className="num hidden text-right text-xs text-muted-foreground md:table-cell">
              {q.bid ? formatDecimal(q.bid) : '—'} / {q.ask ? formatDecimal(q.ask) : '—'}
            </TableCell>
            <TableCell>
              <StatusBadge status={q.status} />
            </TableCell>
            <TableCell className="num hidden text-right text-xs text-muted-foreground sm:table-cell">
              {new Date(q.decided_at).getTime() - new Date(q.observed_at).getTime()} ms
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}
