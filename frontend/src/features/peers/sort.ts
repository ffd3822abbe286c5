/** Order of the peers table. */
import type { Peer } from '@/api/schemas'

/** Whose reputation figures lead: this node's own, or the network's aggregate. */
export type View = 'local' | 'network'

/** Connected first, then by the chosen view's reputation (unknown last). */
export function sortPeers(peers: Peer[], view: View): Peer[] {
  const rep = (p: Peer) => p.reputation?.[view] ?? -1
  return [...peers].sort((a, b) => Number(b.connected) - Number(a.connected) || rep(b) - rep(a))
}
