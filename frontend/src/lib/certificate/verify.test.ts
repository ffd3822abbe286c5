import { describe, expect, it } from 'vitest'
import { decodeCertificate } from '@/test/decode-certificate'
import { vectors } from '@/test/vectors'
import { verifyCertificate, type CertificateJson, type CheckId } from './verify'

const cert = () => decodeCertificate(vectors.certificate.encoded)
const keys = vectors.validator_set.keys
const threshold = vectors.validator_set.threshold
const net = vectors.network_id

/** Flips the last hex digit of a hex string. */
const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0')

async function failed(
  c: CertificateJson,
  opts: { quote?: string; keys?: string[]; threshold?: number; net?: string } = {},
): Promise<CheckId[]> {
  const r = await verifyCertificate(
    opts.quote ?? vectors.quote.encoded,
    c,
    opts.keys ?? keys,
    opts.threshold ?? threshold,
    opts.net ?? net,
  )
  expect(r.valid).toBe(false)
  return r.checks.filter((x) => x.ok !== true).map((x) => x.id)
}

describe('verifyCertificate', () => {
  it('accepts the certificate of the test vectors', async () => {
    const c = cert()
    expect(c.entries.map((e) => e.header.voter)).toEqual(vectors.certificate.voters)
    const r = await verifyCertificate(vectors.quote.encoded, c, keys, threshold, net)
    expect(r.checks.filter((x) => !x.ok)).toEqual([])
    expect(r.valid).toBe(true)
    expect(r.computedQuoteId).toBe(vectors.quote.id)
  })

  it('rejects tampered quote bytes at the quote id step', async () => {
    const tampered = vectors.quote.encoded.replace('d95e63', 'da5e63')
    expect(await failed(cert(), { quote: tampered })).toEqual(['quote_id', 'proofs'])
  })

  it('rejects another network', async () => {
    expect(await failed(cert(), { net: 'mdn-mainnet' })).toEqual(['network'])
  })

  it('rejects a voter outside the validator set', async () => {
    const others = keys.filter((k) => k !== vectors.certificate.voters[1])
    expect(await failed(cert(), { keys: others })).toEqual(['validators'])
  })

  it('rejects duplicated or unsorted voters', async () => {
    const c = cert()
    expect(await failed({ ...c, entries: [c.entries[0], c.entries[0], c.entries[1]] })).toEqual([
      'distinct',
    ])
    expect(await failed({ ...c, entries: [...c.entries].reverse() })).toEqual(['distinct'])
  })

  it('rejects a bad Merkle proof', async () => {
    const c = cert()
    const e = c.entries.find((x) => x.proof.siblings.length > 0)!
    e.proof.siblings[0] = flip(e.proof.siblings[0])
    expect(await failed(c)).toEqual(['proofs'])
    const d = cert()
    d.entries[2].proof.index = d.entries[2].header.vote_count
    expect(await failed(d)).toEqual(['proofs'])
  })

  it('rejects a bad signature or a header changed after signing', async () => {
    const c = cert()
    c.entries[1].signature = flip(c.entries[1].signature)
    expect(await failed(c)).toEqual(['signatures'])
    const d = cert()
    d.entries[0].header.created_at_ms += 1
    expect(await failed(d)).toEqual(['signatures'])
    const e = cert()
    e.entries[0].header.merkle_root = flip(e.entries[0].header.merkle_root)
    expect(await failed(e)).toEqual(['proofs', 'signatures'])
  })

  it('rejects too few entries', async () => {
    const c = cert()
    expect(await failed({ ...c, entries: c.entries.slice(0, 2) })).toEqual(['threshold'])
    expect(await failed({ ...c, entries: [] }, { threshold: 0 })).toEqual(['threshold'])
  })

  it('reports malformed input as failed checks instead of throwing', async () => {
    const c = cert()
    c.entries[0].signature = 'zz'
    expect(await failed(c, { quote: 'not hex' })).toEqual(['quote_id', 'proofs', 'signatures'])
  })
})
