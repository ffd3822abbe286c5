//! Embeds `db/sqlite/V{n}__{name}.sql` in version order as `$OUT_DIR/migrations.rs`.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("../../db/sqlite");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut found: Vec<(i64, String, PathBuf)> = Vec::new();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading migrations in {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let parsed = stem
            .strip_prefix('V')
            .and_then(|s| s.split_once("__"))
            .and_then(|(v, name)| Some((v.parse::<i64>().ok()?, name.to_owned())));
        let Some((version, name)) = parsed else {
            panic!("migration file {file} is not named V{{n}}__{{name}}.sql");
        };
        println!("cargo:rerun-if-changed={}", entry.path().display());
        found.push((version, name, entry.path()));
    }
    found.sort();
    let mut out = String::from("[\n");
    for (version, name, path) in &found {
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({:?}) }},",
            path.display().to_string()
        );
    }
    out.push(']');
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("migrations.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("writing {}: {e}", target.display()));
}
