/** A hash, key or peer id: monospace, shortened, full value on hover, copy button. */
import { Check, Copy } from 'lucide-react'
import { useState } from 'react'
import { shortId } from '@/lib/format'
import { cn } from '@/lib/utils'

export function Hash({
  value,
  full = false,
  className,
}: {
  value: string
  full?: boolean
  className?: string
}) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied(true)
      setTimeout(() => setCopied(false), 1200)
    } catch {
      /* clipboard unavailable (insecure context) */
    }
  }
  return (
    <span className={cn('inline-flex min-w-0 items-center gap-1', className)}>
      <span className={cn('num text-xs', full ? 'break-all' : 'truncate')} title={value}>
        {full ? value : shortId(value)}
      </span>
      <button
        type="button"
        onClick={copy}
        aria-label="Copy"
        className="shrink-0 rounded p-0.5 text-muted-foreground hover:text-foreground"
      >
        {copied ? <Check className="size-3" /> : <Copy className="size-3" />}
      </button>
    </span>
  )
}
