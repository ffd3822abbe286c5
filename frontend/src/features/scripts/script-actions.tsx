/** Install / trust buttons for one script; they send the bearer token from the settings. */
import { Download, ShieldCheck } from 'lucide-react'
import { useScriptAction } from '@/api/queries'
import { Button } from '@/components/ui/button'

/** Install when not installed, trust when installed but untrusted, nothing once trusted. */
export function ScriptActions({
  hash,
  name,
  installed,
  trusted,
}: {
  hash: string
  name: string
  installed: boolean
  trusted: boolean
}) {
  const action = useScriptAction()
  const busy = action.isPending && action.variables?.hash === hash
  if (trusted) return null
  return installed ? (
    <Button
      size="xs"
      variant="outline"
      disabled={busy}
      aria-label={`Trust ${name}`}
      onClick={() => action.mutate({ hash, action: 'trust' })}
    >
      <ShieldCheck /> Trust
    </Button>
  ) : (
    <Button
      size="xs"
      variant="outline"
      disabled={busy}
      aria-label={`Install ${name}`}
      onClick={() => action.mutate({ hash, action: 'install' })}
    >
      <Download /> Install
    </Button>
  )
}
