//! `include_dir!` does not tell cargo which files it read: without this, a changed CSV under
//! `data/` would not rebuild the binary and it would keep serving the old copy.
fn main() {
    println!("cargo:rerun-if-changed=data");
}
