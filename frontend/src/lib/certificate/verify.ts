/**
 * Browser-side certificate verification (docs/protocol.md): recompute the quote id, check each
 * entry's network, voter, Merkle proof and ed25519 signature, distinct voters, and the threshold.
 * Every step reports its own result so the UI can show which check failed.
 */
import { verifyAsync } from '@noble/ed25519'
import { equalBytes, fromHex, sha256, toHex } from './bytes'
import { headerSigningBytes, TAG_QUOTE_ID, type HeaderJson } from './encoding'
import { acceptLeafHash, rootFromProof } from './merkle'

/** A certificate as served by `GET /api/v1/quotes/{id}`. */
export interface CertificateJson {
  quote_id: string
  entries: {
    header: HeaderJson
    signature: string
    proof: { index: number; siblings: string[] }
  }[]
}

/** The checks, in the order they run. */
export type CheckId =
  'quote_id' | 'network' | 'validators' | 'distinct' | 'proofs' | 'threshold' | 'signatures'

/** Outcome of one check. `ok` is null when an earlier failure made it impossible to run. */
export interface CheckResult {
  id: CheckId
  label: string
  ok: boolean | null
  detail: string
}

/** The overall result: valid only when every check passed. */
export interface VerifyResult {
  valid: boolean
  /** The id recomputed from the quote bytes (hex), or null when the bytes are not hex. */
  computedQuoteId: string | null
  checks: CheckResult[]
}

const LABELS: Record<CheckId, string> = {
  quote_id: 'Quote id matches the quote bytes',
  network: 'Every entry is for this network',
  validators: 'Every voter is in the validator set',
  distinct: 'Voters are distinct (ascending order)',
  proofs: 'Merkle proofs lead to the signed roots',
  threshold: 'Enough validators accepted',
  signatures: 'Ed25519 signatures are valid',
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e))

/**
 * Verifies `certificate` for the quote whose canonical encoding is `quoteBytesHex`, against the
 * validator keys (hex), the quorum `threshold` and `networkId`. Never throws: malformed input is
 * reported as a failed check.
 */
export async function verifyCertificate(
  quoteBytesHex: string,
  certificate: CertificateJson,
  validatorKeys: string[],
  threshold: number,
  networkId: string,
): Promise<VerifyResult> {
  const results = new Map<CheckId, CheckResult>()
  const set = (id: CheckId, ok: boolean | null, detail: string) =>
    results.set(id, { id, label: LABELS[id], ok, detail })
  const entries = certificate.entries
  let computedQuoteId: string | null = null
  let quoteId: Uint8Array | null = null

  try {
    const computed = await sha256(TAG_QUOTE_ID, fromHex(quoteBytesHex, undefined, 'quote bytes'))
    computedQuoteId = toHex(computed)
    const claimed = certificate.quote_id.toLowerCase()
    if (computedQuoteId === claimed) {
      quoteId = computed
      set('quote_id', true, computedQuoteId)
    } else
      set('quote_id', false, `certificate is for ${claimed}, quote hashes to ${computedQuoteId}`)
  } catch (e) {
    set('quote_id', false, errText(e))
  }

  const badNet = entries.findIndex((e) => e.header.network_id !== networkId)
  set(
    'network',
    badNet < 0,
    badNet < 0
      ? `all ${entries.length} entries are for ${networkId}`
      : `entry ${badNet} is for ${JSON.stringify(entries[badNet].header.network_id)}, expected ${JSON.stringify(networkId)}`,
  )

  const members = new Set(validatorKeys.map((k) => k.toLowerCase()))
  const badVoter = entries.findIndex((e) => !members.has(e.header.voter.toLowerCase()))
  set(
    'validators',
    badVoter < 0,
    badVoter < 0
      ? `${entries.length} voters, all in the set of ${members.size}`
      : `entry ${badVoter}: voter ${entries[badVoter].header.voter} is not a validator`,
  )

  const voters = entries.map((e) => e.header.voter.toLowerCase())
  const badOrder = voters.findIndex((v, i) => i > 0 && !(voters[i - 1] < v))
  set(
    'distinct',
    badOrder < 0,
    badOrder < 0
      ? `${voters.length} distinct voters`
      : `entry ${badOrder}: voter ${voters[badOrder]} is not after ${voters[badOrder - 1]}`,
  )

  if (quoteId) {
    const leaf = await acceptLeafHash(quoteId)
    set('proofs', ...(await checkProofs(leaf, certificate)))
  } else set('proofs', null, 'skipped: no valid quote id to build the accept leaf')

  set('signatures', ...(await checkSignatures(certificate)))

  const need = Math.max(threshold, 1)
  set(
    'threshold',
    entries.length >= need,
    `${entries.length} accept votes, ${need} needed (set of ${members.size})`,
  )

  const checks = (Object.keys(LABELS) as CheckId[]).map((id) => results.get(id)!)
  return { valid: checks.every((c) => c.ok === true), computedQuoteId, checks }
}

async function checkProofs(leaf: Uint8Array, cert: CertificateJson): Promise<[boolean, string]> {
  for (const [i, e] of cert.entries.entries()) {
    try {
      const siblings = e.proof.siblings.map((s) => fromHex(s, 32, 'sibling'))
      const root = await rootFromProof(leaf, e.proof.index, siblings, e.header.vote_count)
      if (!equalBytes(root, fromHex(e.header.merkle_root, 32, 'merkle root'))) {
        return [
          false,
          `entry ${i}: proof leads to ${toHex(root)}, expected ${e.header.merkle_root}`,
        ]
      }
    } catch (err) {
      return [false, `entry ${i}: ${errText(err)}`]
    }
  }
  return [true, `${cert.entries.length} proofs checked`]
}

async function checkSignatures(cert: CertificateJson): Promise<[boolean, string]> {
  for (const [i, e] of cert.entries.entries()) {
    try {
      const sig = fromHex(e.signature, 64, 'signature')
      const key = fromHex(e.header.voter, 32, 'voter key')
      const ok = await verifyAsync(sig, headerSigningBytes(e.header), key, { zip215: false })
      if (!ok) return [false, `entry ${i}: signature by ${e.header.voter} does not verify`]
    } catch (err) {
      return [false, `entry ${i}: ${errText(err)}`]
    }
  }
  return [true, `${cert.entries.length} signatures checked`]
}
