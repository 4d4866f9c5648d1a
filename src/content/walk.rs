//! Walks `content/` in sorted order and classifies what it finds: items, section indexes
//! (`_index.md`) and assets, each with its language read from the file name (`x.fr.md`).

use crate::config::Config;
use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

/// One file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (e.g. `content/press/x.fr.md`): used in diagnostics.
    pub rel: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Folder relative to `content/` (`""` for the root, `press`, `press/launch`).
    pub dir: String,
    /// File name without `.md` and without the language suffix (`x`, `_index`, `index`).
    pub stem: String,
    /// Language from the file name, if it has one.
    pub lang: Option<String>,
}

impl SourceFile {
    /// `_index.md`: the section's own page.
    pub fn is_section_index(&self) -> bool {
        self.stem == "_index"
    }

    /// `index.md`: an item that owns its folder (a page bundle) with co-located assets.
    pub fn is_bundle(&self) -> bool {
        self.stem == "index"
    }
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Walked {
    /// Markdown files, sorted by path.
    pub markdown: Vec<SourceFile>,
    /// Other files (images, PDFs), sorted: (path relative to `content/`, absolute path).
    pub assets: Vec<(String, PathBuf)>,
}

/// Lists `content/` under the site root. Problems (unreadable entries, names that are not
/// UTF-8, unknown language suffixes) become diagnostics; the walk goes on.
pub fn walk(config: &Config, diags: &mut Vec<Diagnostic>) -> Walked {
    let content = config.root.join("content");
    let mut out = Walked::default();
    if !content.is_dir() {
        return out;
    }
    let walker = walkdir::WalkDir::new(&content)
        .sort_by(by_name)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        let Some((rel_content, path)) = regular_file(config, &content, entry, diags) else {
            continue;
        };
        // `x.MD` and `x.Md` are Markdown too (files from Windows and macOS keep their
        // upper-case extensions); skipping them silently lost pages.
        if !is_markdown(&rel_content) {
            out.assets.push((rel_content, path));
        } else if let Some(source) = markdown_source(config, &rel_content, path, diags) {
            out.markdown.push(source);
        }
    }
    out
}

/// Orders the entries of one folder by name, as `WalkDir::sort_by_file_name` does, by
/// comparing their paths: entries of one folder share the folder's path up to their names,
/// so the paths order as the names do. `sort_by_file_name` took each name from its path
/// again in every comparison, 3.7% of a nothing-changed 10,000-item rebuild's instructions
/// (its ~280,000 comparisons of a folder of 7,000 releases).
pub(crate) fn by_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

/// A regular file of the walk, as (path relative to `content/` with `/` separators, absolute
/// path); None, with a diagnostic when it is a problem, for what is not one.
fn regular_file(
    config: &Config,
    content: &Path,
    entry: walkdir::Result<walkdir::DirEntry>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, PathBuf)> {
    let entry = match entry {
        Ok(e) => e,
        Err(e) => {
            let path = e
                .path()
                .map(|p| display_rel(&config.root, p))
                .unwrap_or_else(|| "content".into());
            diags.push(Diagnostic::error(path, 1, 1, format!("cannot read: {e}")));
            return None;
        }
    };
    let path = entry.path();
    if entry.file_type().is_symlink() {
        diags.push(
            Diagnostic::warning(
                display_rel(&config.root, path),
                1,
                1,
                "symbolic link skipped",
            )
            .with_help("pressroom reads only real files inside content/; copy the file in instead"),
        );
        return None;
    }
    if !entry.file_type().is_file() {
        return None;
    }
    let Some(rel_content) = path
        .strip_prefix(content)
        .ok()
        .and_then(|p| p.to_str())
        .map(|s| s.replace('\\', "/"))
    else {
        diags.push(Diagnostic::error(
            display_rel(&config.root, path),
            1,
            1,
            "file name is not valid UTF-8; rename it",
        ));
        return None;
    };
    Some((rel_content, path.to_path_buf()))
}

/// A Markdown file as a [`SourceFile`]: its folder, and its stem and language from its name
/// (`x.fr.md`). A suffix that looks like a language the site does not declare is an error.
fn markdown_source(
    config: &Config,
    rel_content: &str,
    abs: PathBuf,
    diags: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let (dir, file) = match rel_content.rsplit_once('/') {
        Some((d, f)) => (d.to_string(), f),
        None => (String::new(), rel_content),
    };
    let name = &file[..file.len() - 3];
    let rel = format!("content/{rel_content}");
    let (stem, lang) = match name.rsplit_once('.') {
        Some((stem, code)) if config.has_language(code) => {
            (stem.to_string(), Some(code.to_string()))
        }
        Some((_, code)) if looks_like_language(code) => {
            diags.push(
                Diagnostic::error(
                    &rel,
                    1,
                    1,
                    format!(
                        "the file name says language `{code}`, which site.toml does not declare"
                    ),
                )
                .with_help(format!(
                    "add `[languages.{code}]` to site.toml, or rename the file"
                )),
            );
            return None;
        }
        _ => (name.to_string(), None),
    };
    Some(SourceFile {
        rel,
        abs,
        dir,
        stem,
        lang,
    })
}

/// Whether a file name ends in `.md`, in any case.
fn is_markdown(name: &str) -> bool {
    name.len() > 3
        && name.is_char_boundary(name.len() - 3)
        && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

/// Hidden files, editor backups and swap files are not content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn looks_like_language(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase())
}

/// A path relative to the site root for messages (lossy for non-UTF-8 names).
pub fn display_rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order of a walk sorted by [`by_name`] is the order `sort_by_file_name`, which it
    /// replaced, gives: names that are prefixes of others, bytes on either side of `/`, upper
    /// and lower case and non-ASCII names, files and folders side by side.
    #[test]
    fn by_name_walks_in_the_order_of_file_names() {
        let tmp = tempfile::tempdir().unwrap();
        let names = [
            "a",
            "a-c",
            "a.md",
            "a0",
            "ab",
            "B",
            "b",
            "é",
            "e",
            "a b",
            "_index.md",
            "~x",
            "a.b",
        ];
        for name in names {
            std::fs::write(tmp.path().join(name), "").unwrap();
            let dir = tmp.path().join(format!("{name}.d"));
            std::fs::create_dir(&dir).unwrap();
            for inner in ["z", "y.md", "y", "Y"] {
                std::fs::write(dir.join(inner), "").unwrap();
            }
        }
        let walk = |w: walkdir::WalkDir| -> Vec<std::path::PathBuf> {
            w.into_iter().map(|e| e.unwrap().into_path()).collect()
        };
        let ours = walk(walkdir::WalkDir::new(tmp.path()).sort_by(by_name));
        let theirs = walk(walkdir::WalkDir::new(tmp.path()).sort_by_file_name());
        assert_eq!(ours.len(), 1 + names.len() * 6);
        assert_eq!(ours, theirs);
    }
}
