/** Scripts page: installed scraper scripts, their trust and shadow state. */
import { ShieldCheck } from 'lucide-react'
import { useScriptAction, useScripts } from '@/api/queries'
import { Hash } from '@/components/hash'
import { PageHeader } from '@/components/page-header'
import { EmptyState, QueryState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { formatDateTime } from '@/lib/format'

export default function ScriptsPage() {
  const scripts = useScripts()
  const action = useScriptAction()
  return (
    <>
      <PageHeader
        title="Scripts"
        description="Content-addressed scraper scripts known to this node"
      />
      <Card>
        <QueryState
          query={scripts}
          isEmpty={(d) => d.items.length === 0}
          empty={
            <EmptyState title="No scripts">
              Publish or install a script with the mdnode CLI.
            </EmptyState>
          }
        >
          {(d) => (
            <Table aria-label="Scripts">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Name</TableHead>
                  <TableHead>Hash</TableHead>
                  <TableHead className="hidden md:table-cell">Symbols</TableHead>
                  <TableHead className="hidden lg:table-cell">Author</TableHead>
                  <TableHead>Trust</TableHead>
                  <TableHead className="hidden text-right sm:table-cell">Installed</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {d.items.map((s) => (
                  <TableRow key={s.hash}>
                    <TableCell>
                      <div className="font-medium">
                        {s.name}{' '}
                        <span className="num text-xs text-muted-foreground">v{s.version}</span>
                      </div>
                      <div
                        className="max-w-72 truncate text-xs text-muted-foreground"
                        title={s.description}
                      >
                        {s.description}
                      </div>
                    </TableCell>
                    <TableCell>
                      <Hash value={s.hash} />
                    </TableCell>
                    <TableCell className="hidden md:table-cell">
                      <span className="flex max-w-64 flex-wrap gap-1">
                        {s.symbols.map((sym) => (
                          <Badge key={sym} variant="outline">
                            {sym}
                          </Badge>
                        ))}
                      </span>
                    </TableCell>
                    <TableCell className="hidden lg:table-cell">
                      <Hash value={s.author} />
                    </TableCell>
                    <TableCell>
                      <span className="flex items-center gap-1">
                        {s.trusted ? (
                          <Badge variant="success">trusted</Badge>
                        ) : (
                          <Button
                            size="xs"
                            variant="outline"
                            aria-label={`Trust ${s.name}`}
                            disabled={action.isPending}
                            onClick={() => action.mutate({ hash: s.hash, action: 'trust' })}
                          >
                            <ShieldCheck /> Trust
                          </Button>
                        )}
                        {s.shadow && <Badge variant="secondary">shadow</Badge>}
                      </span>
                    </TableCell>
                    <TableCell className="num hidden text-right text-xs text-muted-foreground sm:table-cell">
                      {s.installed_at ? formatDateTime(s.installed_at) : 'not installed'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </QueryState>
      </Card>
    </>
  )
}
