/** Shared zod building blocks mirroring docs/api.md conventions. */
import { z } from 'zod'

/** A decimal string (prices, sizes, volumes): never a JSON number. */
export const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string')
/** Lower-case hex of any length. */
export const hex = z.string().regex(/^([0-9a-f]{2})*$/, 'expected lower-case hex')
/** A 32-byte hash or key as lower-case hex. */
export const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of lower-case hex')
/** A 64-byte signature as lower-case hex. */
export const hex64 = z.string().regex(/^[0-9a-f]{128}$/, 'expected 64 bytes of lower-case hex')
/** RFC 3339 time string (UTC, milliseconds). */
export const time = z.iso.datetime({ offset: true })
/** A libp2p peer id (base58 text). */
export const peerId = z.string().min(1)
/** A `BASE/QUOTE` symbol. */
export const symbol = z.string().regex(/^[A-Z0-9]{1,16}\/[A-Z0-9]{1,16}$/, 'expected BASE/QUOTE')
/** A non-negative integer. */
export const count = z.number().int().nonnegative()
/** A pagination cursor. */
export const cursor = z.union([z.string(), z.number()]).nullable()

/** A list response: `{items, next}` (`next` absent on unpaginated lists). */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next: cursor.optional().default(null) })

/** The error body of a failed request. */
export const apiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})
