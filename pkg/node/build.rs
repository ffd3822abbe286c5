//! Gives the embedded web UI (`src/api/ui.rs`) the absolute, `..`-free path of `frontend/dist` and
//! rebuilds this crate when that folder changes. rust-embed's debug builds read the folder at run
//! time but compare every file with the folder path as it was at compile time; a path with `..`
//! (or one that did not exist yet) never matches, and every page would be "UI not built".

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let manifest = manifest.canonicalize().unwrap_or(manifest);
    let root = manifest
        .parent()
        .and_then(|pkg| pkg.parent())
        .expect("pkg/node sits two levels below the workspace root");
    let dist = root.join("frontend").join("dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    println!("cargo:rustc-env=MDNODE_UI_DIST={}", dist.display());
}
