/** Inferred response types of the list endpoints. */
import type { z } from 'zod'
import type * as s from './schemas'

export type SymbolPage = z.infer<typeof s.symbolPage>
export type PricePage = z.infer<typeof s.pricePage>
export type QuotePage = z.infer<typeof s.quotePage>
export type SourcePage = z.infer<typeof s.sourcePage>
export type PeerPage = z.infer<typeof s.peerPage>
export type ScriptPage = z.infer<typeof s.scriptPage>
