//! `mdnode devnet` as a user runs it: it starts the exchange and the nodes, reports them ready
//! and connected, and on SIGTERM stops every child process it started (none is left behind), also
//! when the signal arrives while it is still starting.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::{ports, repo_root};

/// A devnet of two nodes on free ports, its stdout read line by line on a thread.
struct Devnet {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    http: u16,
    simex: u16,
}

impl Devnet {
    fn start(dir: &Path) -> Self {
        let http = ports::free_block(2);
        let p2p = ports::free_block(2);
        let simex = ports::free_block(1);
        let mut child = Command::new(env!("CARGO_BIN_EXE_mdnode"))
            .args(["devnet", "--nodes", "2", "--data-dir"])
            .arg(dir)
            .args(["--http-port", &http.to_string()])
            .args(["--p2p-port", &p2p.to_string()])
            .args(["--simex-port", &simex.to_string()])
            .args(["--symbols", "5", "--scripts-dir"])
            .arg(repo_root().join("scripts"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start devnet");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
            http,
            simex,
        }
    }

    /// Reads output until a line starting with `prefix`; panics after 90 s.
    fn wait_for_line(&mut self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while !self.seen.iter().any(|l| l.starts_with(prefix)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!(
                        "no line {prefix:?} in time; output so far: {:#?}",
                        self.seen
                    );
                }
            }
        }
    }

    /// The live processes of this devnet other than itself: its nodes (their arguments name the
    /// data directory) and simex (its port).
    fn descendants(&self, dir: &Path) -> Vec<u32> {
        // The devnet canonicalizes its data directory; so must the match.
        let dir = dir.canonicalize().expect("data dir").display().to_string();
        let simex_port = self.simex.to_string();
        let me = self.child.id();
        processes_whose_arguments(|args| {
            args.iter().any(|a| a.contains(&dir))
                || (args.iter().any(|a| a == "simex") && args.contains(&simex_port))
        })
        .into_iter()
        .filter(|pid| *pid != me)
        .collect()
    }

    /// Sends SIGTERM and asserts a clean exit within 30 s, after which no process of this devnet
    /// (simex, nodes) is left running.
    fn terminate_and_check_nothing_is_left(mut self, dir: &Path) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("devnet status") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "devnet still running 30 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            status.success(),
            "devnet exits cleanly on SIGTERM: {status:?}"
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let left = self.descendants(dir);
            if left.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "processes still running after the devnet stopped: {left:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Devnet {
    /// A failed test must not leave the devnet running (its children die with it).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

/// Live (not zombie) processes whose argument list matches `wanted`.
fn processes_whose_arguments(wanted: impl Fn(&[String]) -> bool) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if wanted(&args) && alive(pid) {
            out.push(pid);
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
    let mut devnet = Devnet::start(dir.path());
    devnet.wait_for_line("Press Ctrl-C");
    let ui = format!("UI http://127.0.0.1:{}/", devnet.http);
    assert!(
        devnet.seen.iter().any(|l| l.contains(&ui)),
        "{:#?}",
        devnet.seen
    );
    let mut children = children_of(devnet.child.id());
    assert_eq!(children.len(), 3, "simex and two nodes: {children:?}");
    // The leftover check below finds exactly these processes while they run.
    let mut found = devnet.descendants(dir.path());
    children.sort_unstable();
    found.sort_unstable();
    assert_eq!(found, children, "the scan finds simex and the nodes");
    devnet.terminate_and_check_nothing_is_left(dir.path());
    assert!(
        !children.iter().any(|p| alive(*p)),
        "children still running after the devnet stopped"
    );
}

#[test]
fn sigterm_while_the_devnet_is_starting_stops_what_it_started() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut devnet = Devnet::start(dir.path());
    // simex is up and the nodes are being started: the network is not ready yet.
    devnet.wait_for_line("simex listening on");
    assert!(
        !devnet.seen.iter().any(|l| l.starts_with("devnet ready")),
        "{:#?}",
        devnet.seen
    );
    devnet.terminate_and_check_nothing_is_left(dir.path());
}
