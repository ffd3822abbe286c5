//! Ctrl-C and SIGTERM, listened for from the moment a command starts.
//!
//! On Unix the handlers are installed when [`Shutdown::listen`] is called, not when the wait is
//! first polled: a signal that arrives while a command is still starting (or between printing
//! "ready" and waiting) is remembered instead of killing the process with the default action.
//! Elsewhere only Ctrl-C is handled, from the first poll of [`Shutdown::wait`].

/// Installed Ctrl-C and SIGTERM handlers; [`Shutdown::wait`] resolves on the first of them.
pub(crate) struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Shutdown {
    /// Installs the handlers now. Needs a running tokio runtime with signals enabled.
    pub(crate) fn listen() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use anyhow::Context as _;
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
                terminate: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves once Ctrl-C or SIGTERM has arrived (at any time since [`Shutdown::listen`]).
    pub(crate) async fn wait(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
