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
import { formatAgo, formatIn, formatScore } from '@/lib/format'
import { cn } from '@/lib/utils'
import { SourceActions } from './source-actions'
import { SourceSparkline } from './score-history'
import { SourceState } from './source-state'

/** The components of a source's score, in display order. */
const PARTS = [
  ['acceptance', 'acc'],
  ['deviation', 'dev'],
  ['staleness', 'stale'],
  ['reliability', 'rel'],
] as const

export function SourcesTable({
  sources,
  now,
  since,
  selected,
  onSelect,
}: {
  sources: Source[]
  now: number
  /** Start of the score history shown (ms). */
  since: number
  selected?: string
  onSelect?: (name: string) => void
}) {
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
          <TableRow
            key={s.name}
            data-testid="source-row"
            data-state={s.name === selected ? 'selected' : undefined}
            className={cn(onSelect && 'cursor-pointer', s.name === selected && 'bg-muted/40')}
            onClick={() => onSelect?.(s.name)}
          >
            <TableCell>
              <div className="font-medium">{s.name}</div>
              <div className="num text-[11px] text-muted-foreground">
                {s.schedule}
                {s.splay_offset_ms !== undefined && ` +${s.splay_offset_ms} ms`}
              </div>
              {typeof s.next_run_at_ms === 'number' && (
                <div className="num text-[11px] text-muted-foreground">
                  next {formatIn(s.next_run_at_ms, now)}
                </div>
              )}
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
              <ScoreBar value={s.score?.local} label={`score of ${s.name}`} />
              {s.score && (
                <div className="num text-[11px] text-muted-foreground">
                  network {formatScore(s.score.network)}
                </div>
              )}
              {PARTS.some(([k]) => typeof s[k] === 'number') && (
                <div className="num hidden max-w-48 text-[11px] leading-tight text-muted-foreground xl:block">
                  {PARTS.map(([k, short]) => (
                    <span key={k} className="mr-2 inline-block">
                      {short} {formatScore(s[k])}
                    </span>
                  ))}
                </div>
              )}
            </TableCell>
            <TableCell className="hidden md:table-cell">
              <SourceSparkline name={s.name} since={since} />
            </TableCell>
            <TableCell onClick={(e) => e.stopPropagation()}>
              <SourceActions s={s} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}
