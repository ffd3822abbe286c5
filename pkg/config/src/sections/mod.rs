//! The configuration's sections, one struct per top-level YAML key. Every struct refuses unknown
//! keys and fills missing ones with the documented default.

mod consensus;
mod network;
mod services;

pub use consensus::{Band, Bands, Consensus, SymbolBand};
pub use network::{Byzantine, Network, Node, Validators};
pub use services::{Api, Reputation, Scripts, Source, Store, StoreBackend};
