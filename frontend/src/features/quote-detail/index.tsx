/** Quote detail: facts, provenance, votes, and the certificate verified in the browser. */
import { useQuote, useStatus } from '@/api/queries'
import { StatusBadge } from '@/components/badges'
import { Hash } from '@/components/hash'
import { PageHeader } from '@/components/page-header'
import { ErrorState, LoadingRows, QueryState } from '@/components/states'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { NotFound } from '@/features/errors/not-found'
import { ApiError } from '@/api/client'
import { formatDecimal } from '@/lib/format'
import { quoteParams, useRouteParams } from '@/lib/route-params'
import { CertificatePanel } from './certificate-panel'
import { QuoteSummary } from './quote-summary'
import { VotesTable } from './votes-table'

export default function QuoteDetailPage() {
  const params = useRouteParams(quoteParams)
  if (!params) return <NotFound what="quote" />
  return <QuoteDetailView id={params.id} />
}

function QuoteDetailView({ id }: { id: string }) {
  const quote = useQuote(id)
  const status = useStatus()
  if (quote.error instanceof ApiError && quote.error.status === 404)
    return <NotFound what="quote" />
  return (
    <QueryState query={quote} rows={10}>
      {(q) => (
        <>
          <PageHeader
            title={
              <span className="flex flex-wrap items-center gap-2">
                {q.symbol}{' '}
                <span className="num text-muted-foreground">{formatDecimal(q.price)}</span>
                <StatusBadge status={q.status} />
              </span>
            }
            description={<Hash value={q.id} full />}
          />
          <div className="flex flex-col gap-4">
            <QuoteSummary q={q} />
            <div className="grid gap-4 lg:grid-cols-2">
              <Card>
                <CardHeader>
                  <CardTitle>Votes</CardTitle>
                  <CardDescription>{q.votes.length} voters</CardDescription>
                </CardHeader>
                <VotesTable
                  votes={q.votes}
                  certified={new Set(q.certificate?.entries.map((e) => e.header.voter) ?? [])}
                />
              </Card>
              {status.data ? (
                <CertificatePanel quote={q} status={status.data} />
              ) : status.isPending ? (
                <LoadingRows rows={6} />
              ) : (
                <ErrorState error={status.error} onRetry={() => status.refetch()} />
              )}
            </div>
          </div>
        </>
      )}
    </QueryState>
  )
}
