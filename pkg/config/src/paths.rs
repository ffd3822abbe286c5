//! Relative paths in the configuration are relative to the directory of the config file, not
//! to the working directory, so a node starts the same wherever it is launched from. This holds
//! for paths set by environment variables too. Pure (no filesystem access).

use std::path::{Path, PathBuf};

use crate::Config;

/// Makes `node.data_dir`, `node.key_file`, `store.sqlite_path` and `scripts.dir` absolute (or
/// relative to the working directory when `base` is empty). `sources[].script` stays relative
/// to `scripts.dir` (see [`Config::script_path`]).
pub(crate) fn resolve(config: &mut Config, base: &Path) {
    let join = |p: &mut PathBuf| {
        if p.is_relative() && !base.as_os_str().is_empty() {
            *p = base.join(&*p);
        }
    };
    join(&mut config.node.data_dir);
    if let Some(p) = config.node.key_file.as_mut() {
        join(p);
    }
    if let Some(p) = config.store.sqlite_path.as_mut() {
        join(p);
    }
    join(&mut config.scripts.dir);
}

/// The directory relative paths of a config file at `origin` are resolved against.
pub(crate) fn base_dir(origin: &Path) -> PathBuf {
    origin.parent().map(Path::to_path_buf).unwrap_or_default()
}
