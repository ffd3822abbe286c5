//! Free port blocks on loopback for test networks (TCP and UDP both free, so QUIC can bind too).

use std::net::{TcpListener, UdpSocket};
use std::sync::atomic::{AtomicU16, Ordering};

static NEXT: AtomicU16 = AtomicU16::new(0);

/// The first of `n` consecutive ports that are free for TCP and UDP on 127.0.0.1 right now.
pub fn free_block(n: usize) -> u16 {
    if NEXT.load(Ordering::Relaxed) == 0 {
        // Spread concurrent test processes over the range by pid.
        let start = 20_000 + (std::process::id() % 2_000) as u16 * 16;
        let _ = NEXT.compare_exchange(0, start, Ordering::Relaxed, Ordering::Relaxed);
    }
    loop {
        let base = NEXT.fetch_add(n as u16 + 1, Ordering::Relaxed);
        assert!(base < 60_000, "no free port block found");
        let free = (0..n as u16).all(|k| {
            TcpListener::bind(("127.0.0.1", base + k)).is_ok()
                && UdpSocket::bind(("127.0.0.1", base + k)).is_ok()
        });
        if free {
            return base;
        }
    }
}
