//! Free port blocks on loopback for test networks (TCP and UDP both free, so QUIC can bind too).
//!
//! Blocks come from below Linux's ephemeral range (32768–60999 by default): a port checked free
//! there can be taken by any outgoing connection (HTTP clients, PostgreSQL, peer dials) before
//! the node binds it.

use std::net::{TcpListener, UdpSocket};
use std::sync::atomic::{AtomicU32, Ordering};

/// Blocks are taken from `FIRST..END`; END is the start of the ephemeral range.
const FIRST: u32 = 10_000;
const END: u32 = 32_768;

/// Ports handed out (or skipped) so far by this process.
static TAKEN: AtomicU32 = AtomicU32::new(0);

/// The first of `n` consecutive ports that are free for TCP and UDP on 127.0.0.1 right now.
pub fn free_block(n: usize) -> u16 {
    let n = n as u32;
    // Concurrent test processes start at different places (by pid) and wrap around.
    let start = (std::process::id() % 1_000) * 16;
    let span = END - FIRST - n + 1;
    for _ in 0..span {
        let offset = (start + TAKEN.fetch_add(n + 1, Ordering::Relaxed)) % span;
        let base = (FIRST + offset) as u16;
        let free = (0..n as u16).all(|k| {
            TcpListener::bind(("127.0.0.1", base + k)).is_ok()
                && UdpSocket::bind(("127.0.0.1", base + k)).is_ok()
        });
        if free {
            return base;
        }
    }
    panic!("no free block of {n} ports below {END}");
}
