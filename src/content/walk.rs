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
        .sort_by_file_name()
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_rel(&config.root, p))
                    .unwrap_or_else(|| "content".into());
                diags.push(Diagnostic::error(path, 1, 1, format!("cannot read: {e}")));
                continue;
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
                .with_help(
                    "pressroom reads only real files inside content/; copy the file in instead",
                ),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel_content) = path
            .strip_prefix(&content)
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
            continue;
        };
        // `x.MD` and `x.Md` are Markdown too (files from Windows and macOS keep their
        // upper-case extensions); skipping them silently lost pages.
        if !is_markdown(&rel_content) {
            out.assets.push((rel_content, path.to_path_buf()));
            continue;
        }
        let (dir, file) = match rel_content.rsplit_once('/') {
            Some((d, f)) => (d.to_string(), f),
            None => (String::new(), rel_content.as_str()),
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
                continue;
            }
            _ => (name.to_string(), None),
        };
        out.markdown.push(SourceFile {
            rel,
            abs: path.to_path_buf(),
            dir,
            stem,
            lang,
        });
    }
    out
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
