/** RFC 6962 Merkle hashing of vote batches and RFC 9162 §2.1.3.2 audit-path verification. */
import { concat, sha256, utf8 } from './bytes'

/** Tag prefixed to an encoded vote to form its Merkle leaf bytes. */
export const TAG_VOTE_LEAF = utf8('mdnode/v1/vote')
/** Verdict tag byte of `Accept` in the canonical vote encoding. */
const VERDICT_ACCEPT = 0x01

/** RFC 6962 leaf hash: `SHA-256(0x00 || leafBytes)`. */
export const leafHash = (leafBytes: Uint8Array) => sha256(new Uint8Array([0x00]), leafBytes)

/** RFC 6962 interior node hash: `SHA-256(0x01 || left || right)`. */
export const nodeHash = (left: Uint8Array, right: Uint8Array) =>
  sha256(new Uint8Array([0x01]), left, right)

/** Leaf hash of the vote `(quoteId, Accept)`: `SHA-256(0x00 || "mdnode/v1/vote" || id || 0x01)`. */
export const acceptLeafHash = (quoteId: Uint8Array) =>
  leafHash(concat(TAG_VOTE_LEAF, quoteId, new Uint8Array([VERDICT_ACCEPT])))

/** Why an audit path does not lead anywhere. */
export class MerkleError extends Error {}

/**
 * Root reached from `leaf` along `siblings` (deepest first) for leaf `index` of a tree with
 * `leafCount` leaves, following RFC 9162 §2.1.3.2.
 */
export async function rootFromProof(
  leaf: Uint8Array,
  index: number,
  siblings: Uint8Array[],
  leafCount: number,
): Promise<Uint8Array> {
  if (!(index >= 0 && index < leafCount)) {
    throw new MerkleError(`proof index ${index} out of range: expected less than ${leafCount}`)
  }
  const wrongLength = () =>
    new MerkleError(
      `proof for leaf ${index} of ${leafCount} has the wrong length: got ${siblings.length} siblings`,
    )
  // Unsigned shifts: indexes are u32 and may exceed 2^31.
  let fn = index >>> 0
  let sn = (leafCount - 1) >>> 0
  let r = leaf
  for (const p of siblings) {
    if (sn === 0) throw wrongLength()
    if ((fn & 1) === 1 || fn === sn) {
      r = await nodeHash(p, r)
      while ((fn & 1) === 0 && fn !== 0) {
        fn >>>= 1
        sn >>>= 1
      }
    } else {
      r = await nodeHash(r, p)
    }
    fn >>>= 1
    sn >>>= 1
  }
  if (sn !== 0) throw wrongLength()
  return r
}
