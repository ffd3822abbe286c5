/** Test helper: decodes the canonical `Certificate` blob of the test vectors into the API's JSON form. */
import { fromHex, toHex } from '@/lib/certificate/bytes'
import type { HeaderJson } from '@/lib/certificate/encoding'
import type { CertificateJson } from '@/lib/certificate/verify'

/** A cursor over bytes with the primitive readers of the canonical encoding. */
export class ByteReader {
  private at = 0
  private readonly view: DataView
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new Error(`truncated at ${this.at}`)
    this.at += n
    return this.bytes.subarray(this.at - n, this.at)
  }
  u8 = () => this.take(1)[0]
  u32 = () => (this.take(4), this.view.getUint32(this.at - 4, true))
  u64 = () => (this.take(8), Number(this.view.getBigUint64(this.at - 8, true)))
  i64 = () => (this.take(8), Number(this.view.getBigInt64(this.at - 8, true)))
  hex = (n: number) => toHex(this.take(n))
  str = () => new TextDecoder().decode(this.take(this.u32()))
  done = () => this.at === this.bytes.length
}

/** Reads a `VoteBatchHeader`. */
export function readHeader(r: ByteReader): HeaderJson {
  return {
    network_id: r.str(),
    voter: r.hex(32),
    seq: r.u64(),
    created_at_ms: r.i64(),
    vote_count: r.u32(),
    merkle_root: r.hex(32),
  }
}

/** Decodes `01 03 quote_id entries` into the JSON shape of `GET /api/v1/quotes/{id}`. */
export function decodeCertificate(hex: string): CertificateJson {
  const r = new ByteReader(fromHex(hex))
  if (r.u8() !== 0x01 || r.u8() !== 0x03) throw new Error('not a v1 certificate')
  const quote_id = r.hex(32)
  const entries = Array.from({ length: r.u32() }, () => {
    const header = readHeader(r)
    const signature = r.hex(64)
    const index = r.u32()
    const siblings = Array.from({ length: r.u32() }, () => r.hex(32))
    return { header, signature, proof: { index, siblings } }
  })
  if (!r.done()) throw new Error('trailing bytes after the certificate')
  return { quote_id, entries }
}
