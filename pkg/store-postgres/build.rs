//! Rebuilds this crate when a migration in `db/postgres` is added or changed: refinery's
//! `embed_migrations!` reads the folder at compile time but does not tell cargo to watch it.

fn main() {
    println!("cargo:rerun-if-changed=../../db/postgres");
}
