/** The sources table: schedule, state, runs, last event, scores and actions. */
import type { Source } from '@/api/schemas'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { ScoreBar } from '@/features/peers/score-bar'
import { formatAgo, formatScore } from '@/lib/format'
import { useStore } from '@/lib/store'
import { cn } from '@/lib/utils'
import { scoreHistory } from '@/stream/live-stores'
import { SourceActions } from './source-actions'
import { SourceState } from './source-state'
import { Sparkline } from './sparkline'

export function SourcesTable({ sources, now }: { sources: Source[]; now: number }) {
  const history = useStore(scoreHistory)
  return (
    <Table aria-label="Sources">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Source</TableHead>
          <TableHead>State</TableHead>
          <TableHead className="text-right">Runs / missed</TableHead>
          <TableHead className="hidden lg:table-cell">Last event</TableHead>
          <TableHead>Score</TableHead>
          <TableHead className="hidden md:table-cell">History</TableHead>
          <TableHead className="text-right">Actions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sources.map((s) => (
          <TableRow key={s.name}>
            <TableCell>
              <div className="font-medium">{s.name}</div>
              <div className="num text-[11px] text-muted-foreground">{s.schedule}</div>
            </TableCell>
            <TableCell>
              <SourceState s={s} />
            </TableCell>
            <TableCell className="num text-right">
              {s.runs} / <span className={cn(s.missed > 0 && 'text-warn')}>{s.missed}</span>
            </TableCell>
            <TableCell className="hidden max-w-64 lg:table-cell">
              {s.last_event ? (
                <div className="text-xs">
                  <span
                    className={cn(
                      'font-medium',
                      s.last_event.kind === 'ok' ? 'text-up' : 'text-down',
                    )}
                  >
                    {s.last_event.kind}
                  </span>{' '}
                  <span className="num text-muted-foreground">
                    {formatAgo(s.last_event.at_ms, now)}
                    {s.last_event.duration_ms !== undefined && ` · ${s.last_event.duration_ms} ms`}
                  </span>
                  {s.last_event.detail && (
                    <div className="truncate text-muted-foreground" title={s.last_event.detail}>
                      {s.last_event.detail}
                    </div>
                  )}
                </div>
              ) : (
                <span className="text-xs text-muted-foreground">never ran</span>
              )}
            </TableCell>
            <TableCell>
              <ScoreBar value={s.score} />
              {s.network_score !== undefined && (
                <div className="num text-[11px] text-muted-foreground">
                  network {formatScore(s.network_score)}
                </div>
              )}
            </TableCell>
            <TableCell className="hidden md:table-cell">
              <Sparkline points={history[s.name] ?? []} label={`Score history of ${s.name}`} />
            </TableCell>
            <TableCell>
              <SourceActions s={s} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}
