import { describe, expect, it } from 'vitest'
import { ByteReader, readHeader } from '@/test/decode-certificate'
import { vectors } from '@/test/vectors'
import { fromHex, sha256, toHex, utf8 } from './bytes'
import { encodeHeader, headerSigningBytes, TAG_QUOTE_ID } from './encoding'
import { acceptLeafHash, leafHash, nodeHash, rootFromProof, TAG_VOTE_LEAF } from './merkle'
import { decodeQuote, decimalToString, normalizeDecimal } from './quote-decode'

/** Splits the vote batch vector into its header and raw vote encodings. */
function voteBatch() {
  const r = new ByteReader(fromHex(vectors.vote_batch.encoded))
  expect([r.u8(), r.u8()]).toEqual([0x01, 0x02])
  const header = readHeader(r)
  const votes = Array.from({ length: r.u32() }, () => {
    const id = r.take(32)
    const tag = r.u8()
    return Uint8Array.from([...id, tag, ...(tag === 0x02 ? [r.u8()] : [])])
  })
  return { header, votes }
}

/** Reference Merkle Tree Hash (RFC 6962) over leaf hashes. */
async function mth(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)))
}

describe('canonical encoding against tests/vectors/v1.json', () => {
  it('recomputes the quote id from the quote bytes', async () => {
    const id = await sha256(TAG_QUOTE_ID, fromHex(vectors.quote.encoded))
    expect(toHex(id)).toBe(vectors.quote.id)
  })

  it('re-encodes the vote batch header byte for byte and builds its signing input', () => {
    const { header } = voteBatch()
    expect(toHex(encodeHeader(header))).toBe(vectors.vote_batch.header)
    expect(toHex(headerSigningBytes(header))).toBe(vectors.vote_batch.signing_input)
  })

  it('hashes the leaves and the root of the vote batch', async () => {
    const { votes } = voteBatch()
    const leaves = await Promise.all(
      votes.map((v) => leafHash(Uint8Array.from([...TAG_VOTE_LEAF, ...v]))),
    )
    expect(leaves.map(toHex)).toEqual(vectors.vote_batch.leaf_hashes)
    expect(toHex(await mth(leaves))).toBe(vectors.vote_batch.merkle_root)
    expect(toHex(await acceptLeafHash(fromHex(vectors.quote.id)))).toBe(
      vectors.vote_batch.leaf_hashes[4],
    )
  })

  it('verifies the audit path of every leaf of trees of 1 to 9 leaves', async () => {
    for (let n = 1; n <= 9; n++) {
      const leaves = await Promise.all(
        Array.from({ length: n }, (_, i) => leafHash(utf8(`leaf ${i}`))),
      )
      const root = await mth(leaves)
      for (let m = 0; m < n; m++) {
        const path = await auditPath(m, leaves)
        expect(toHex(await rootFromProof(leaves[m], m, path, n))).toBe(toHex(root))
        if (path.length > 0) {
          await expect(rootFromProof(leaves[m], m, path.slice(1), n)).rejects.toThrow(
            /wrong length/,
          )
        }
      }
      await expect(rootFromProof(leaves[0], n, [], n)).rejects.toThrow(/out of range/)
    }
  })

  it('decodes the quote bytes into the vector quote', () => {
    const q = decodeQuote(vectors.quote.encoded)
    const v = vectors.quote.value
    expect(q).toEqual({
      symbol: v.symbol,
      source: v.source,
      price: v.price,
      bid: v.bid,
      ask: v.ask,
      volume: v.volume,
      observed_at_ms: v.observed_at_ms,
      script_hash: v.script_hash,
      evidence_hash: v.evidence_hash,
      proposer_key: v.proposer,
    })
    expect(() => decodeQuote(vectors.quote.encoded + '00')).toThrow(/trailing/)
    expect(() => decodeQuote(vectors.quote.encoded.slice(0, 40))).toThrow(/truncated/)
  })

  it('formats and normalises decimals', () => {
    expect(decimalToString(6512345n, 2)).toBe('65123.45')
    expect(decimalToString(-5n, 3)).toBe('-0.005')
    expect(decimalToString(0n, 0)).toBe('0')
    expect(normalizeDecimal('1.500')).toBe('1.5')
    expect(normalizeDecimal('007.0')).toBe('7')
  })
})

/** RFC 6962 PATH(m, D[n]), deepest sibling first. */
async function auditPath(m: number, leaves: Uint8Array[]): Promise<Uint8Array[]> {
  if (leaves.length <= 1) return []
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return m < k
    ? [...(await auditPath(m, leaves.slice(0, k))), await mth(leaves.slice(k))]
    : [...(await auditPath(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))]
}
