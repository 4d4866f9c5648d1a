//! The old site's data files (Hugo's `data/`, Jekyll's `_data/`): authors become pressroom's
//! `data/authors.toml` records; every other file is kept under `data/` (pressroom does not
//! read it, so each gets a report line), renamed when it would take a file pressroom reads.

use super::{Plan, files_under, front};
use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The data files pressroom reads itself, with their own format.
const PRESSROOM_DATA: &[&str] = &["authors", "contacts", "sources"];

/// Reads the data folder `dir` (relative to `src`).
pub(super) fn import(src: &Path, dir: &str, plan: &mut Plan) {
    for rel in files_under(&src.join(dir)) {
        let path = format!("{dir}/{rel}");
        let (stem, ext) = rel.rsplit_once('.').unwrap_or((&rel, ""));
        let authors_file = stem == "authors";
        let author_dir = stem.strip_prefix("authors/").filter(|id| !id.contains('/'));
        let Some(table) = (authors_file || author_dir.is_some())
            .then(|| read(&src.join(&path), ext))
            .flatten()
        else {
            keep(src, &path, &rel, plan);
            continue;
        };
        match author_dir {
            Some(id) => person(id, &Value::Table(table), &path, plan),
            None => {
                for (id, record) in table {
                    person(&id, &record, &path, plan);
                }
            }
        }
    }
}

/// A data file as a table, when it is TOML, YAML or JSON and holds one.
fn read(path: &Path, ext: &str) -> Option<Table> {
    let text = std::fs::read_to_string(path).ok()?;
    match ext {
        "toml" => front::parse(&text, false).ok(),
        "yml" | "yaml" | "json" => front::parse(&text, true).ok(),
        _ => None,
    }
}

/// One author record as pressroom's: its name, role, bio, e-mail, phone and portrait under
/// the names generators' themes use; other keys are reported.
fn person(id: &str, record: &Value, path: &str, plan: &mut Plan) {
    let mut out = Table::new();
    let mut dropped = Vec::new();
    let fields: &[(&str, &[&str])] = &[
        (
            "name",
            &["name", "display_name", "fullname", "full_name", "title"],
        ),
        ("role", &["role", "job", "position", "job_title"]),
        ("bio", &["bio", "description", "about", "summary"]),
        ("email", &["email", "mail"]),
        ("phone", &["phone", "telephone"]),
        (
            "image",
            &["image", "avatar", "picture", "photo", "portrait"],
        ),
    ];
    match record {
        Value::Table(t) => {
            for (key, value) in t {
                let to = fields.iter().find(|(_, from)| from.contains(&key.as_str()));
                match (to, value) {
                    (Some((to, _)), Value::String(s)) if !out.contains_key(*to) => {
                        out.insert((*to).into(), Value::String(s.clone()));
                    }
                    _ => dropped.push(key.as_str()),
                }
            }
        }
        Value::String(name) => {
            out.insert("name".into(), Value::String(name.clone()));
        }
        _ => {}
    }
    out.entry("name")
        .or_insert_with(|| Value::String(id.to_string()));
    if !dropped.is_empty() {
        plan.report.notes.push(
            Diagnostic::warning(
                path,
                1,
                1,
                format!(
                    "author `{id}`: {} not kept (pressroom's authors have name, role, bio, email, phone and image)",
                    dropped.join(", ")
                ),
            )
            .with_help("add what readers should see to the author's `bio` in data/authors.toml"),
        );
    }
    plan.people
        .insert(crate::slug::slugify(id), Value::Table(out));
}

/// Keeps a data file under `data/` of the new site, reported.
fn keep(src: &Path, path: &str, rel: &str, plan: &mut Plan) {
    let stem = rel.split(['.', '/']).next().unwrap_or(rel);
    let to = if PRESSROOM_DATA.contains(&stem) {
        format!("data/old-{rel}")
    } else {
        format!("data/{rel}")
    };
    plan.copies.push((src.join(path), PathBuf::from(&to)));
    plan.report.notes.push(
        Diagnostic::warning(path, 1, 1, format!("data file kept as `{to}`: pressroom's theme does not read it"))
            .with_help("put what pages show in their front matter `[extra]` or in site.toml `[extra]`, or read it from your own theme"),
    );
}
