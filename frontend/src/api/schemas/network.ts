/** Schemas of node status, peers, sources and scripts (docs/api.md). */
import { z } from 'zod'
import { count, hex32, page, peerId, symbol, time } from './common'

export const status = z.object({
  network_id: z.string(),
  peer_id: peerId,
  public_key: hex32,
  is_validator: z.boolean(),
  connected_peers: z.array(peerId),
  validators: z.array(z.object({ key: hex32, peer_id: peerId, connected: z.boolean() })),
  quorum_threshold: count,
  decisions: z.object({ validated: count, rejected: count, expired: count }),
  counters: z.record(z.string(), count),
  // Proposal → commit latency histogram of this node since start (bucket upper bounds in ms).
  latency: z.object({ buckets_ms: z.array(count), counts: z.array(count) }).optional(),
  uptime_secs: count,
})
export type Status = z.infer<typeof status>

export const peer = z.object({
  key: hex32,
  peer_id: peerId,
  validator: z.boolean(),
  connected: z.boolean(),
  last_seen: time.nullable(),
  // Added by the reputation work; absent on nodes without it.
  reputation: z.number().optional(),
  network_reputation: z.number().optional(),
  evidence_count: count,
  gossip_score: z.number().nullable().optional(),
})
export type Peer = z.infer<typeof peer>
export const peerPage = page(peer)

export const sourceEvent = z.object({
  kind: z.string(),
  at_ms: z.number().int(),
  duration_ms: count.optional(),
  detail: z.string().optional(),
})

export const source = z.object({
  name: z.string(),
  schedule: z.string(),
  paused: z.boolean(),
  running: z.boolean(),
  runs: count,
  missed: count,
  shadow: z.boolean(),
  last_event: sourceEvent.nullable().optional(),
  // Added by the reputation work; absent on nodes without it.
  score: z.number().optional(),
  network_score: z.number().optional(),
  quarantined: z.boolean().optional(),
  status: z.string().optional(),
})
export type Source = z.infer<typeof source>
export const sourcePage = page(source)

export const script = z.object({
  hash: hex32,
  name: z.string(),
  version: z.string(),
  author: z.string(),
  description: z.string(),
  symbols: z.array(symbol),
  trusted: z.boolean(),
  shadow: z.boolean(),
  installed_at: time.nullable(),
})
export type Script = z.infer<typeof script>
export const scriptPage = page(script)
