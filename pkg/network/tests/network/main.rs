//! Integration tests of the network layer: several real Swarms in one process talking over TCP
//! (and QUIC) on 127.0.0.1 with ports chosen by the OS. Every wait has a deadline.

mod common;
mod gossip;
mod mdns;
mod request_response;
mod scoring;
mod transport;
