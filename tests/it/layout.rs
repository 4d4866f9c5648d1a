//! The code's layout keeps the promises docs/architecture.md makes: data flows one way
//! between the top-level modules (no two import each other), and no function in `src/` runs
//! much past 80 lines. Read from the source text, so a change that breaks either fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a function may run, in lines (its signature to its closing brace).
const MAX_FUNCTION_LINES: usize = 85;

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    out
}

/// The source without its unit tests (everything from `#[cfg(test)]` on).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("source is readable");
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The top-level module a file belongs to (`render` for `src/render/pages.rs`); None for the
/// crate root and the binary.
fn module_of(path: &Path) -> Option<String> {
    let rel = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib" && name != "main").then(|| name.to_string())
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources() {
        let Some(from) = module_of(&path) else {
            continue;
        };
        for line in code(&path).lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("crate::") {
                let to: String = line[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !to.is_empty() && to != from {
                    uses.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    let circles: Vec<(&String, &String)> = uses
        .iter()
        .flat_map(|(a, tos)| tos.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && uses.get(*b).is_some_and(|back| back.contains(*a)))
        .collect();
    assert!(
        circles.is_empty(),
        "modules that import each other: {circles:?}"
    );
}

#[test]
fn no_function_runs_much_past_80_lines() {
    let mut long = Vec::new();
    for path in sources() {
        let text = code(&path);
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
                .iter()
                .any(|p| body.starts_with(p));
            if !is_fn {
                i += 1;
                continue;
            }
            // The body opens on the signature's last line; a declaration ends with `;`.
            let mut open = i;
            while open < lines.len() && !lines[open].trim_end().ends_with('{') {
                if lines[open].trim_end().ends_with(';') {
                    break;
                }
                open += 1;
            }
            if open >= lines.len() || !lines[open].trim_end().ends_with('{') {
                i = open + 1;
                continue;
            }
            let close = (open + 1..lines.len())
                .find(|&k| lines[k] == format!("{indent}}}"))
                .unwrap_or(lines.len() - 1);
            if close - i + 1 > MAX_FUNCTION_LINES {
                long.push(format!(
                    "{}:{} ({} lines)",
                    path.display(),
                    i + 1,
                    close - i + 1
                ));
            }
            i = close + 1;
        }
    }
    assert!(
        long.is_empty(),
        "functions to split along their steps: {long:?}"
    );
}
