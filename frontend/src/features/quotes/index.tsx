/** Quotes page: every symbol with its live price, searchable and filterable. */
import { Search } from 'lucide-react'
import { PageHeader } from '@/components/page-header'
import { EmptyState, QueryState } from '@/components/states'
import { Card } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { useNow } from '@/hooks/use-now'
import { quotesSearch, useSearch } from '@/lib/route-params'
import { QuotesTable } from './quotes-table'
import { filterRows, useSymbolRows } from './use-symbol-rows'

export default function QuotesPage() {
  const [search, setSearch] = useSearch(quotesSearch)
  const query = useSymbolRows()
  const now = useNow()
  return (
    <>
      <PageHeader title="Quotes" description="Last validated price per symbol, updated live" />
      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b p-3">
          <div className="relative w-full sm:w-64">
            <Search
              className="absolute top-2.5 left-2.5 size-4 text-muted-foreground"
              aria-hidden
            />
            <Input
              aria-label="Search symbols"
              placeholder="Search symbol…"
              className="pl-8"
              value={search.q}
              onChange={(e) => setSearch({ q: e.target.value })}
            />
          </div>
          <Tabs
            value={search.status}
            onValueChange={(v) => setSearch({ status: v as typeof search.status })}
          >
            <TabsList aria-label="Filter by freshness">
              <TabsTrigger value="all">All</TabsTrigger>
              <TabsTrigger value="fresh">Updated &lt; 1 min</TabsTrigger>
              <TabsTrigger value="stale">Stale</TabsTrigger>
            </TabsList>
          </Tabs>
        </div>
        <QueryState
          query={{ ...query, data: query.rows }}
          rows={8}
          isEmpty={(rows) => rows.length === 0}
          empty={<EmptyState title="No symbols yet">Validated quotes will appear here.</EmptyState>}
        >
          {(rows) => {
            const shown = filterRows(rows, search.q, search.status, now)
            return shown.length ? (
              <QuotesTable rows={shown} now={now} />
            ) : (
              <EmptyState title="No symbol matches">Change the search or the filter.</EmptyState>
            )
          }}
        </QueryState>
      </Card>
    </>
  )
}
