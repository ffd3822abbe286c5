/** The validator set with each validator's connection state. */
import { useStatus } from '@/api/queries'
import { OnlineBadge } from '@/components/badges'
import { Hash } from '@/components/hash'
import { QueryState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'

export function ValidatorsCard() {
  const status = useStatus()
  return (
    <Card>
      <CardHeader>
        <CardTitle>Validator set</CardTitle>
        {status.data && (
          <CardDescription>
            threshold {status.data.quorum_threshold} of {status.data.validators.length}
          </CardDescription>
        )}
      </CardHeader>
      <QueryState query={status} rows={4} isEmpty={(s) => s.validators.length === 0}>
        {(s) => (
          <ul className="divide-y">
            {s.validators.map((v) => {
              const self = v.key === s.public_key
              return (
                <li key={v.key} className="flex items-center justify-between gap-2 px-4 py-2">
                  <div className="flex min-w-0 flex-col">
                    <Hash value={v.peer_id} />
                    <span className="text-[11px] text-muted-foreground">
                      key <span className="num">{v.key.slice(0, 12)}…</span>
                    </span>
                  </div>
                  {self ? <Badge>this node</Badge> : <OnlineBadge online={v.connected} />}
                </li>
              )
            })}
          </ul>
        )}
      </QueryState>
    </Card>
  )
}
