/** Pure network-health figures derived from `/status`. */
import type { Status } from '@/api/schemas'

/** Validators connected (this node counts as connected to itself) and whether quorum is reachable. */
export function validatorHealth(s: Status) {
  const total = s.validators.length
  const connected = s.validators.filter((v) => v.connected || v.key === s.public_key).length
  return { connected, total, quorumReachable: total > 0 && connected >= s.quorum_threshold }
}

/** Rejected + expired share of all decisions; null before the first decision. */
export function statusRejectionRate(s: Status): number | null {
  const { validated, rejected, expired } = s.decisions
  const all = validated + rejected + expired
  return all === 0 ? null : (rejected + expired) / all
}
