//! Child processes of the devnet: spawned with their output in a log file, tied to this process's
//! life (Linux `PR_SET_PDEATHSIG`), stopped with SIGTERM then SIGKILL.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child as TokioChild, ChildStdout, Command};

/// A running child.
pub(crate) struct Child {
    pub(crate) name: String,
    pub(crate) process: TokioChild,
    stdout: Option<BufReader<ChildStdout>>,
    log: std::path::PathBuf,
}

/// Spawns `exe args` with stderr (and stdout unless `capture_stdout`) appended to `log`.
pub(crate) fn spawn_logged(
    exe: &Path,
    args: &[String],
    log: &Path,
    capture_stdout: bool,
) -> anyhow::Result<Child> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::from(file.try_clone()?))
        .kill_on_drop(true);
    if capture_stdout {
        cmd.stdout(Stdio::piped());
    } else {
        cmd.stdout(Stdio::from(file));
    }
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; it only sets this child's parent-death signal.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut process = cmd
        .spawn()
        .with_context(|| format!("starting {} {}", exe.display(), args.join(" ")))?;
    let stdout = process.stdout.take().map(BufReader::new);
    Ok(Child {
        name: args.first().cloned().unwrap_or_default(),
        process,
        stdout,
        log: log.to_owned(),
    })
}

/// Reads the child's stdout until a line containing `needle` (returned), copying lines to its log.
pub(crate) async fn wait_for_line(
    child: &mut Child,
    needle: &str,
    timeout: Duration,
) -> anyhow::Result<String> {
    let reader = child.stdout.as_mut().context("child stdout not captured")?;
    let read = async {
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                anyhow::bail!("{} exited before printing {needle:?}", child.name);
            }
            if line.contains(needle) {
                return Ok(line.trim().to_owned());
            }
        }
    };
    let found = tokio::time::timeout(timeout, read)
        .await
        .with_context(|| format!("no {needle:?} from {} within {timeout:?}", child.name))??;
    // Keep draining stdout into the log so the child never blocks on a full pipe.
    if let Some(mut reader) = child.stdout.take() {
        let log = child.log.clone();
        tokio::spawn(async move {
            let Ok(mut file) = tokio::fs::OpenOptions::new().append(true).open(&log).await else {
                return;
            };
            let mut line = String::new();
            while matches!(reader.read_line(&mut line).await, Ok(n) if n > 0) {
                let _ = file.write_all(line.as_bytes()).await;
                line.clear();
            }
        });
    }
    Ok(found)
}

/// Resolves when any child exits, describing which.
pub(crate) async fn any_exited(children: &mut [Child]) -> String {
    loop {
        for c in children.iter_mut() {
            if let Ok(Some(status)) = c.process.try_wait() {
                return format!("{} exited with {status} (log: {})", c.name, c.log.display());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// SIGTERM to every child, then SIGKILL to those still running after `grace`.
pub(crate) async fn stop_all(children: &mut [Child], grace: Duration) {
    for c in children.iter() {
        if let Some(pid) = c.process.id() {
            // SAFETY: plain kill(2) on our own child's pid.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGTERM);
            }
        }
    }
    let deadline = tokio::time::Instant::now() + grace;
    for c in children.iter_mut() {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if tokio::time::timeout(left, c.process.wait()).await.is_err() {
            let _ = c.process.kill().await;
        }
    }
}
