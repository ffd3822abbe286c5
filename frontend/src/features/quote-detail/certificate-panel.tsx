/** Re-verifies the certificate in the browser and shows each check. */
import { useQuery } from '@tanstack/react-query'
import { CheckCircle2, CircleDashed, ShieldCheck, ShieldX, XCircle } from 'lucide-react'
import type { QuoteDetail, Status } from '@/api/schemas'
import { EmptyState, LoadingRows } from '@/components/states'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { verifyCertificate } from '@/lib/certificate/verify'
import { cn } from '@/lib/utils'
import { checkFields } from './field-check'

export function CertificatePanel({ quote, status }: { quote: QuoteDetail; status: Status }) {
  const cert = quote.certificate
  const result = useQuery({
    queryKey: [
      'verify',
      quote.id,
      status.network_id,
      status.quorum_threshold,
      status.validators.map((v) => v.key),
    ],
    queryFn: async () => {
      const r = await verifyCertificate(
        quote.quote_bytes,
        cert!,
        status.validators.map((v) => v.key),
        status.quorum_threshold,
        status.network_id,
      )
      const fields = checkFields(quote)
      const checks = [
        ...r.checks,
        {
          id: 'fields',
          label: 'Displayed fields match the quote bytes',
          ok: fields.ok,
          detail: fields.detail,
        },
      ]
      return { valid: r.valid && fields.ok, checks }
    },
    enabled: cert !== null,
    staleTime: Infinity,
  })
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>Certificate</CardTitle>
          <CardDescription>
            {cert ? `${cert.entries.length} signed accept votes, checked in this browser` : 'none'}
          </CardDescription>
        </div>
        {result.data && (
          <span
            data-testid="cert-status"
            className={cn(
              'inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm font-semibold',
              result.data.valid ? 'bg-up/15 text-up' : 'bg-down/15 text-down',
            )}
          >
            {result.data.valid ? (
              <ShieldCheck className="size-4" />
            ) : (
              <ShieldX className="size-4" />
            )}
            {result.data.valid ? 'valid' : 'invalid'}
          </span>
        )}
      </CardHeader>
      {!cert ? (
        <EmptyState title="No certificate">
          Only validated quotes carry one (this quote is {quote.status}).
        </EmptyState>
      ) : !result.data ? (
        <LoadingRows rows={4} />
      ) : (
        <ol aria-label="Certificate checks" className="divide-y">
          {result.data.checks.map((c) => (
            <li key={c.id} className="flex items-start gap-2 px-4 py-2 text-sm">
              {c.ok === true ? (
                <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-up" aria-label="passed" />
              ) : c.ok === false ? (
                <XCircle className="mt-0.5 size-4 shrink-0 text-down" aria-label="failed" />
              ) : (
                <CircleDashed
                  className="mt-0.5 size-4 shrink-0 text-muted-foreground"
                  aria-label="skipped"
                />
              )}
              <div className="min-w-0">
                <p className={cn(c.ok === false && 'font-medium text-down')}>{c.label}</p>
                <p className="num text-xs break-all text-muted-foreground">{c.detail}</p>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  )
}
