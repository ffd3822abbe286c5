/** Fetches `/api/v1/...` (same origin) and validates every response body with zod. */
import type { z } from 'zod'
import { apiErrorBody } from './schemas'

/** A failed request: HTTP status (0 for network errors), the API's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Query-string parameters; undefined and empty values are left out. */
export type Params = Record<string, string | number | undefined | null>

/** Builds `/api/v1{path}?{params}`. */
export function apiUrl(path: string, params: Params = {}): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  }
  const q = qs.toString()
  return `/api/v1${path}${q ? `?${q}` : ''}`
}

async function request(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(url, { ...init, headers: { Accept: 'application/json', ...init?.headers } })
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the node: ${(e as Error).message}`)
  }
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    if (res.ok) throw new ApiError(res.status, 'bad_json', `${url}: response is not JSON`)
  }
  if (!res.ok) {
    const err = apiErrorBody.safeParse(body)
    if (err.success) throw new ApiError(res.status, err.data.error.code, err.data.error.message)
    throw new ApiError(res.status, 'http', `${url}: HTTP ${res.status} ${res.statusText}`)
  }
  return body
}

/** Parses `body` with `schema`, turning a mismatch into an ApiError that names the field. */
function parse<S extends z.ZodType>(schema: S, body: unknown, url: string): z.infer<S> {
  const r = schema.safeParse(body)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const at = issue?.path.join('.') || '(root)'
  throw new ApiError(200, 'schema', `${url}: unexpected response at ${at}: ${issue?.message}`)
}

/** GET a path and validate the body. */
export async function apiGet<S extends z.ZodType>(
  schema: S,
  path: string,
  params?: Params,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  const url = apiUrl(path, params)
  return parse(schema, await request(url, { signal }), url)
}

/** POST a change with the bearer token; the response body is not interpreted. */
export async function apiPost(path: string, token: string, params?: Params): Promise<unknown> {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  return request(apiUrl(path, params), { method: 'POST', headers })
}
