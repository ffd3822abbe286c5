/** Pause / resume / promote buttons; they send the bearer token from the settings. */
import { Pause, Play, ArrowUpCircle } from 'lucide-react'
import { useSourceAction } from '@/api/queries'
import type { Source } from '@/api/schemas'
import { Button } from '@/components/ui/button'

export function SourceActions({ s }: { s: Source }) {
  const action = useSourceAction()
  const busy = action.isPending && action.variables?.name === s.name
  return (
    <span className="flex justify-end gap-1">
      {s.paused ? (
        <Button
          size="xs"
          variant="outline"
          disabled={busy}
          aria-label={`Resume ${s.name}`}
          onClick={() => action.mutate({ name: s.name, action: 'resume' })}
        >
          <Play /> Resume
        </Button>
      ) : (
        <Button
          size="xs"
          variant="outline"
          disabled={busy}
          aria-label={`Pause ${s.name}`}
          onClick={() => action.mutate({ name: s.name, action: 'pause' })}
        >
          <Pause /> Pause
        </Button>
      )}
      {s.shadow && (
        <Button
          size="xs"
          variant="ghost"
          disabled={busy}
          aria-label={`Promote ${s.name}`}
          onClick={() => action.mutate({ name: s.name, action: 'promote' })}
        >
          <ArrowUpCircle /> Promote
        </Button>
      )}
    </span>
  )
}
