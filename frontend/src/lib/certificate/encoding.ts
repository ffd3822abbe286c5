/** Canonical (MDN v1) encoding of a vote-batch header and the domain tags used for hashing/signing. */
import { concat, fromHex, i64le, u32le, u64le, utf8 } from './bytes'

/** Tag prefixed to an encoded quote before hashing it into its id. */
export const TAG_QUOTE_ID = utf8('mdnode/v1/quote-id')
/** Tag prefixed to an encoded vote batch header to form the signed message. */
export const TAG_VOTE_BATCH = utf8('mdnode/v1/vote-batch')

/** A vote batch header as it appears in a certificate entry (JSON form). */
export interface HeaderJson {
  network_id: string
  voter: string
  seq: number
  created_at_ms: number
  vote_count: number
  merkle_root: string
}

/** A string field: u32 little-endian byte length, then the UTF-8 bytes. */
export function encodeString(s: string): Uint8Array {
  const b = utf8(s)
  return concat(u32le(b.length), b)
}

/**
 * `encode(header)`: network_id (string), voter (32 bytes), seq (u64 LE), created_at_ms (i64 LE),
 * vote_count (u32 LE), merkle_root (32 bytes).
 */
export function encodeHeader(h: HeaderJson): Uint8Array {
  return concat(
    encodeString(h.network_id),
    fromHex(h.voter, 32, 'voter key'),
    u64le(h.seq),
    i64le(h.created_at_ms),
    u32le(h.vote_count),
    fromHex(h.merkle_root, 32, 'merkle root'),
  )
}

/** The message a voter signs: `"mdnode/v1/vote-batch" || encode(header)`. */
export const headerSigningBytes = (h: HeaderJson) => concat(TAG_VOTE_BATCH, encodeHeader(h))
