//! `mdnode devnet` as a user runs it: it starts the exchange and the nodes, reports them ready
//! and connected, and on SIGTERM stops every child process it started (none is left behind).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ports, repo_root};

/// Pids of the direct children of `pid` (Linux `/proc/<pid>/task/*/children`).
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            out.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    out
}

fn alive(pid: u32) -> bool {
    // A zombie has exited; only a live process counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|state| state != "Z"))
        .unwrap_or(false)
}

#[test]
fn devnet_starts_connected_nodes_and_sigterm_stops_every_child() {
    let dir = tempfile::tempdir().expect("temp dir");
    let http = ports::free_block(2);
    let p2p = ports::free_block(2);
    let simex = ports::free_block(1);
    let mut devnet = Command::new(env!("CARGO_BIN_EXE_mdnode"))
        .args(["devnet", "--nodes", "2", "--data-dir"])
        .arg(dir.path())
        .args([
            "--http-port",
            &http.to_string(),
            "--p2p-port",
            &p2p.to_string(),
        ])
        .args([
            "--simex-port",
            &simex.to_string(),
            "--symbols",
            "5",
            "--scripts-dir",
        ])
        .arg(repo_root().join("scripts"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start devnet");
    let stdout = devnet.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.starts_with("Press Ctrl-C")) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = devnet.kill();
                panic!("devnet not ready in time; output so far: {lines:#?}");
            }
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("UI http://127.0.0.1:{http}/"))),
        "{lines:#?}"
    );
    let children = children_of(devnet.id());
    assert_eq!(children.len(), 3, "simex and two nodes: {children:?}");

    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(devnet.id() as libc::pid_t, libc::SIGTERM) };
    let status = devnet.wait().expect("devnet exits");
    assert!(
        status.success(),
        "devnet exits cleanly on SIGTERM: {status:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while children.iter().any(|p| alive(*p)) {
        assert!(
            Instant::now() < deadline,
            "children still running after the devnet stopped"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
