/** zod schemas for URL path and search parameters, and a hook that parses them. */
import { useMemo } from 'react'
import { useParams, useSearchParams } from 'react-router'
import { z } from 'zod'
import { hex32, quoteStatus } from '@/api/schemas'

const side = z.string().regex(/^[A-Z0-9]{1,16}$/)

/** `/symbols/:base/:quote`. */
export const symbolParams = z
  .object({ base: side, quote: side })
  .transform(({ base, quote }) => ({ symbol: `${base}/${quote}` }))

/** `/quotes/:id`. */
export const quoteParams = z.object({ id: hex32 })

/** `/quotes?q=&status=` search parameters. */
export const quotesSearch = z.object({
  q: z.string().max(40).catch(''),
  status: z.enum(['all', 'fresh', 'stale']).catch('all'),
})

/** `/symbols/:base/:quote?range=` search parameters. */
export const symbolSearch = z.object({
  range: z.enum(['1h', '6h', '24h', '7d']).catch('6h'),
  status: quoteStatus.optional().catch(undefined),
})

/** Path parameters parsed with `schema`; `null` when they do not match. */
export function useRouteParams<S extends z.ZodType>(schema: S): z.infer<S> | null {
  const params = useParams()
  return useMemo(() => {
    const r = schema.safeParse(params)
    return r.success ? r.data : null
  }, [schema, params])
}

/** Search parameters parsed with `schema` (fields fall back to defaults) and a setter. */
export function useSearch<S extends z.ZodType<Record<string, unknown>>>(schema: S) {
  const [sp, setSp] = useSearchParams()
  const value = useMemo(() => schema.parse(Object.fromEntries(sp)) as z.infer<S>, [schema, sp])
  const update = (patch: Partial<z.infer<S>>) => {
    const next = new URLSearchParams(sp)
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '' || v === null) next.delete(k)
      else next.set(k, String(v))
    }
    setSp(next, { replace: true })
  }
  return [value, update] as const
}

/** Path of a symbol page: `BTC/USD` → `/symbols/BTC/USD`. */
export const symbolPath = (symbol: string) => `/symbols/${symbol}`
