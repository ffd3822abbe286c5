/** Quote facts and provenance: prices, times, proposer, source, script and raw-response hashes. */
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { QuoteDetail } from '@/api/schemas'
import { Hash } from '@/components/hash'
import { Card, CardHeader, CardTitle } from '@/components/ui/card'
import { formatDateTime, formatDecimal } from '@/lib/format'
import { symbolPath } from '@/lib/route-params'

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-3 px-4 py-1.5 text-sm">
      <dt className="shrink-0 text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-right">{children}</dd>
    </div>
  )
}

const dec = (s?: string) => <span className="num">{s ? formatDecimal(s) : '—'}</span>

export function QuoteSummary({ q }: { q: QuoteDetail }) {
  const latency = new Date(q.decided_at).getTime() - new Date(q.observed_at).getTime()
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Quote</CardTitle>
        </CardHeader>
        <dl className="divide-y">
          <Row label="Symbol">
            <Link to={symbolPath(q.symbol)} className="font-medium text-primary hover:underline">
              {q.symbol}
            </Link>
          </Row>
          <Row label="Price">{dec(q.price)}</Row>
          <Row label="Bid / Ask">
            {dec(q.bid)} / {dec(q.ask)}
          </Row>
          <Row label="Volume">{dec(q.volume)}</Row>
          <Row label="Observed">
            <span className="num">{formatDateTime(q.observed_at)}</span>
          </Row>
          <Row label="Decided">
            <span className="num">
              {formatDateTime(q.decided_at)}{' '}
              <span className="text-muted-foreground">(+{latency} ms)</span>
            </span>
          </Row>
        </dl>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Provenance</CardTitle>
        </CardHeader>
        <dl className="divide-y">
          <Row label="Source">{q.source}</Row>
          <Row label="Proposer">
            <Hash value={q.proposer} />
          </Row>
          <Row label="Proposer key">
            <Hash value={q.proposer_key} />
          </Row>
          <Row label="Script hash">
            <Hash value={q.script_hash} />
          </Row>
          <Row label="Raw-response hash">
            <Hash value={q.evidence_hash} />
          </Row>
          <Row label="Sequence">
            <span className="num">#{q.seq}</span>
          </Row>
        </dl>
      </Card>
    </div>
  )
}
