//! mDNS discovery. libp2p-mdns skips loopback interfaces, and multicast on a real interface would
//! leave this machine, so the test runs only inside a private network namespace with a veth pair:
//! `bash pkg/network/tests/mdns-netns.sh` sets it up and runs this ignored test there.

use crate::common::{config, connected_to, start};

/// Environment variable with the namespace's IPv4 address to listen on.
const IP_VAR: &str = "MDN_MDNS_TEST_IP";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a private network namespace: run pkg/network/tests/mdns-netns.sh"]
async fn mdns_discovers_and_connects_peers_without_bootnodes() {
    let ip = std::env::var(IP_VAR)
        .unwrap_or_else(|_| panic!("{IP_VAR} unset: run pkg/network/tests/mdns-netns.sh"));
    let mdns = || {
        let mut config = config(vec![format!("/ip4/{ip}/tcp/0").parse().unwrap()]);
        config.mdns = true;
        config
    };
    let a = start(mdns()).await;
    let b = start(mdns()).await;
    connected_to(&a.client, &[b.peer_id]).await;
    connected_to(&b.client, &[a.peer_id]).await;
}
