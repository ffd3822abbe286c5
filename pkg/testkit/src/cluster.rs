//! A throwaway PostgreSQL cluster for tests: `initdb` into a temp dir, `pg_ctl start` on a free
//! loopback port, as user `nobody` when running as root (PostgreSQL refuses root). A watchdog
//! shell process stops it and removes its files once the test process is gone, however it ends.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Why a throwaway cluster could not be started.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// No PostgreSQL server binaries on this machine.
    #[error(
        "PostgreSQL is not installed: expected initdb and pg_ctl on PATH or in \
         /usr/lib/postgresql/*/bin, found neither; install it with `apt-get install postgresql` \
         or point DATABASE_URL at a running server"
    )]
    NotInstalled,
    /// A file-system or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A command ran but failed.
    #[error("{what} failed with {status}: {output}")]
    Command {
        /// The command.
        what: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// Its stderr and stdout.
        output: String,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> TestkitError {
    let what = what.into();
    move |source| TestkitError::Io { what, source }
}

/// A running throwaway cluster; stopped on drop.
#[derive(Debug)]
pub struct TestCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
    watchdog: Option<Child>,
}

impl TestCluster {
    /// Creates and starts a cluster with trust auth for user `postgres` on 127.0.0.1.
    pub fn start() -> Result<Self, TestkitError> {
        let bin = find_bin_dir().ok_or(TestkitError::NotInstalled)?;
        let dir = tempfile::Builder::new()
            .prefix("mdn-pg-")
            .tempdir()
            .map_err(io("creating the cluster directory"))?;
        let run_as = is_root().then(|| "nobody".to_owned());
        if let Some(user) = &run_as {
            chown_to(dir.path(), user)?;
        }
        let port = free_port()?;
        let mut cluster = Self {
            dir,
            bin,
            port,
            run_as,
            watchdog: None,
        };
        let data = cluster.data_dir();
        let data_arg = data.to_string_lossy().into_owned();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data_arg,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )?;
        cluster.watchdog = Some(cluster.spawn_watchdog()?);
        let options = format!(
            "-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            sock = cluster.dir.path().display()
        );
        let log = cluster
            .dir
            .path()
            .join("server.log")
            .to_string_lossy()
            .into_owned();
        cluster.run(
            "pg_ctl",
            &[
                "-D", &data_arg, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
            ],
        )?;
        Ok(cluster)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The TCP port the cluster listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), TestkitError> {
        let what = format!("{tool} {}", args.join(" "));
        let out = self
            .command(tool)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(io(format!("running {what}")))?;
        if out.status.success() {
            return Ok(());
        }
        Err(TestkitError::Command {
            what,
            status: out.status,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            ),
        })
    }

    /// A shell that waits for this process to end, then stops the cluster and removes its files.
    fn spawn_watchdog(&self) -> Result<Child, TestkitError> {
        let pg_ctl = self.bin.join("pg_ctl");
        let as_user = self
            .run_as
            .as_ref()
            .map(|u| format!("runuser -u {u} -- "))
            .unwrap_or_default();
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {as_user}'{pg_ctl}' -D '{data}' stop -m immediate >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            pg_ctl = pg_ctl.display(),
            data = self.data_dir().display(),
            dir = self.dir.path().display(),
        );
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(io("starting the cluster watchdog"))
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        let data = self.data_dir().to_string_lossy().into_owned();
        if let Err(e) = self.run("pg_ctl", &["-D", &data, "-w", "-m", "immediate", "stop"]) {
            eprintln!("mdn-testkit: stopping the throwaway cluster: {e}");
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

/// The directory holding initdb, pg_ctl and postgres: from PATH, else the newest
/// /usr/lib/postgresql/*/bin.
fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("initdb"))
            .find(|p| p.is_file())
            .and_then(|p| p.canonicalize().ok())
            .and_then(|p| p.parent().map(Path::to_path_buf))
    });
    on_path.filter(|d| d.join("pg_ctl").is_file()).or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let version = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
                    .then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn chown_to(path: &Path, user: &str) -> Result<(), TestkitError> {
    let id = |flag: &str| -> Result<u32, TestkitError> {
        let out = Command::new("id")
            .arg(flag)
            .arg(user)
            .output()
            .map_err(io(format!("looking up user {user}")))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| TestkitError::Command {
                what: format!("id {flag} {user}"),
                status: out.status,
                output: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
    };
    std::os::unix::fs::chown(path, Some(id("-u")?), Some(id("-g")?))
        .map_err(io(format!("giving {} to {user}", path.display())))
}

fn free_port() -> Result<u16, TestkitError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("finding a free port"))?;
    let port = listener
        .local_addr()
        .map_err(io("finding a free port"))?
        .port();
    Ok(port)
}
