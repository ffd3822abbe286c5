/** Symbol page: consensus chart with venues and confidence band, and recent decisions. */
import { useState } from 'react'
import { usePrices, useQuotes } from '@/api/queries'
import { Change } from '@/components/change'
import { PageHeader } from '@/components/page-header'
import { ErrorState, LoadingRows, QueryState } from '@/components/states'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { NotFound } from '@/features/errors/not-found'
import { LiveFeed } from '@/features/overview/live-feed'
import { changePct, formatDecimal, toNumber } from '@/lib/format'
import { symbolParams, symbolSearch, useRouteParams, useSearch } from '@/lib/route-params'
import { useStore } from '@/lib/store'
import { livePrices } from '@/stream/live-stores'
import { PriceChart } from './price-chart'
import { RecentQuotes } from './recent-quotes'

const RANGE_MS = { '1h': 3600e3, '6h': 6 * 3600e3, '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3 }

export default function SymbolPage() {
  const params = useRouteParams(symbolParams)
  if (!params) return <NotFound what="symbol" />
  return <SymbolView key={params.symbol} symbol={params.symbol} />
}

function SymbolView({ symbol }: { symbol: string }) {
  const [search, setSearch] = useSearch(symbolSearch)
  const [now] = useState(() => Date.now())
  const since = Math.floor((now - RANGE_MS[search.range]) / 60_000) * 60_000
  const prices = usePrices(symbol, since)
  const quotes = useQuotes({ symbol, since, limit: 500 })
  const live = useStore(livePrices)[symbol]
  const series = prices.data?.items ?? []
  const lastQuote = quotes.data?.items.find((q) => q.status === 'validated')?.price
  const last = live?.price ?? series.at(-1)?.price ?? lastQuote
  const conf = live?.confidence ?? series.at(-1)?.confidence
  return (
    <>
      <PageHeader
        title={symbol}
        description={
          last ? (
            <span className="num flex flex-wrap items-baseline gap-x-3">
              <span className="text-lg font-semibold text-foreground">{formatDecimal(last)}</span>
              {conf && <span>± {formatDecimal(conf, 6)}</span>}
              <Change pct={changePct(series[0]?.price, last)} />
            </span>
          ) : (
            'Consensus price'
          )
        }
        actions={
          <Tabs
            value={search.range}
            onValueChange={(v) => setSearch({ range: v as typeof search.range })}
          >
            <TabsList aria-label="Time range">
              {Object.keys(RANGE_MS).map((r) => (
                <TabsTrigger key={r} value={r}>
                  {r}
                </TabsTrigger>
              ))}
            </TabsList>
          </Tabs>
        }
      />
      <div className="grid items-start gap-4 xl:grid-cols-[1fr_22rem]">
        <Card>
          <CardHeader>
            <CardTitle>Consensus price</CardTitle>
            <CardDescription>
              {prices.data?.missing
                ? 'dots: venues’ validated quotes · red: rejected (this node serves no consensus series yet)'
                : 'line: consensus · dashed: confidence band · dots: venues’ validated quotes · red: rejected'}
            </CardDescription>
          </CardHeader>
          <div className="p-2">
            {prices.isPending || quotes.isPending ? (
              <LoadingRows rows={8} />
            ) : prices.error ? (
              <ErrorState error={prices.error} onRetry={() => prices.refetch()} />
            ) : (
              <PriceChart
                prices={series}
                quotes={quotes.data?.items ?? []}
                live={
                  live && {
                    price: toNumber(live.price),
                    at: live.interval_start ? Date.parse(live.interval_start) : live.receivedAt,
                  }
                }
              />
            )}
          </div>
        </Card>
        <LiveFeed symbol={symbol} limit={30} className="max-h-[392px]" />
      </div>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle>Recent decisions</CardTitle>
          <CardDescription>
            {quotes.data ? `${quotes.data.items.length} in range` : ''}
          </CardDescription>
        </CardHeader>
        <QueryState query={quotes} rows={6}>
          {(d) => (
            <div className="max-h-[440px] overflow-y-auto">
              <RecentQuotes quotes={d.items.slice(0, 100)} />
            </div>
          )}
        </QueryState>
      </Card>
    </>
  )
}
