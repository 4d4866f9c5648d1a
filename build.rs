//! Embeds `themes/default/` in the binary so `pressroom` works (and `init` writes a site) with
//! no theme folder on disk.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(root, root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The default theme's files: (path inside the theme, bytes).\npub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for rel in &files {
        let abs = std::fs::canonicalize(root.join(rel)).expect("theme file");
        println!("cargo:rerun-if-changed={}", abs.display());
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_theme.rs");
    std::fs::write(out, code).unwrap();
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}
