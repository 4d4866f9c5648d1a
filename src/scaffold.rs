//! `pressroom new` and `pressroom init`: write a content file with complete front matter, or a
//! whole new site with the default theme and sample content.

use crate::content::placeholders::{
    DATELINE, FACTSHEET_INTRO, POST_BODY, RELEASE_LEAD, RELEASE_QUOTE, SOURCE_URL, STATEMENT_BODY,
    SUMMARY,
};
use crate::deploy::workflow::{InstallSource, WORKFLOW_PATH, github_workflow};
use crate::error::{Error, Result};
use crate::model::slug::slugify;
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// The kinds `new` can write, and the section folder each goes into.
const KINDS: &[(&str, &str)] = &[
    ("post", "blog"),
    ("release", "press"),
    ("statement", "statements"),
    ("factsheet", "facts"),
];

/// Writes `content/SECTION/YYYY-MM-DD-slug.md` for a new item of `kind` and returns its path.
pub fn new_item(
    root: &Path,
    kind: &str,
    title: &str,
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<PathBuf> {
    let Some((_, section)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(Error::Usage(format!(
            "unknown kind `{kind}`: use one of post, release, statement, factsheet"
        )));
    };
    if title.trim().is_empty() {
        return Err(Error::Usage("the title must not be empty".into()));
    }
    let local = now.to_zoned(tz.clone());
    let date = local.strftime("%Y-%m-%d").to_string();
    let stamp = local.strftime("%Y-%m-%dT%H:%M:00%:z").to_string();
    let slug = match slugify(title) {
        s if s.is_empty() => "untitled".to_string(),
        s => s,
    };
    let dir = root.join("content").join(section);
    let path = dir.join(format!("{date}-{slug}.md"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "`{}` already exists; choose another title",
            path.display()
        )));
    }
    let title_toml = toml_string(title);
    let front = match kind {
        "release" => format!(
            "+++\ntitle = {title_toml}\ndate = {stamp}\n# summary = \"{SUMMARY}\"\ndateline = \"{DATELINE}\"\ntags = []\ncategories = []\nauthors = []\ncontacts = []\ndraft = true\n# embargo = {stamp}\n+++\n\n{RELEASE_LEAD}\n\n<!-- more -->\n\n{RELEASE_QUOTE}\n"
        ),
        "statement" => format!(
            "+++\ntitle = {title_toml}\ndate = {stamp}\n# summary = \"{SUMMARY}\"\nauthors = []\ncontacts = []\ndraft = true\n\n[[sources]]\nid = \"source-1\"\ntitle = \"\"\nurl = \"{SOURCE_URL}\"\npublisher = \"\"\n+++\n\n{STATEMENT_BODY}[^source-1]\n"
        ),
        "factsheet" => format!(
            "+++\ntitle = {title_toml}\ndate = {date}\n# summary = \"{SUMMARY}\"\ndraft = true\n\n[facts]\n\"Founded\" = \"\"\n\"Employees\" = \"\"\n+++\n\n{FACTSHEET_INTRO}\n"
        ),
        _ => format!(
            "+++\ntitle = {title_toml}\ndate = {stamp}\n# summary = \"{SUMMARY}\"\ntags = []\nauthors = []\ndraft = true\n+++\n\n{POST_BODY}\n"
        ),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
    std::fs::write(&path, front).map_err(|e| Error::io("cannot write", &path, e))?;
    Ok(path)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes a new site into `dir` (which must be empty or absent), with a CI workflow that
/// installs pressroom from `source`.
pub fn init(dir: &Path, source: &InstallSource) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io("cannot read", dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage(format!(
            "`{}` is not empty; choose a new folder",
            dir.display()
        )));
    }
    let workflow = github_workflow(source);
    let files: &[(&str, &str)] = &[
        (
            "site.toml",
            "title = \"Example Newsroom\"\nbase_url = \"https://newsroom.example.com\"\ndescription = \"News, statements and facts from Example Corp.\"\ndefault_language = \"en\"\ntimezone = \"UTC\"\nboilerplate = \"Example Corp makes examples. Learn more at https://example.com.\"\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Example Newsroom\"\n+++\n\nNews, statements and facts from Example Corp.\n",
        ),
        (
            "content/blog/_index.md",
            "+++\ntitle = \"Blog\"\nkind = \"post\"\n+++\n",
        ),
        (
            "content/press/_index.md",
            "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
        ),
        (
            "content/statements/_index.md",
            "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
        ),
        (
            "content/facts/_index.md",
            "+++\ntitle = \"Fact sheets\"\nkind = \"factsheet\"\n+++\n",
        ),
        (
            "content/press/2026-01-15-hello.md",
            "+++\ntitle = \"Example Corp opens its newsroom\"\ndate = 2026-01-15T09:00:00Z\ndateline = \"LONDON\"\ncontacts = [\"press-office\"]\ntags = [\"company\"]\n+++\n\nExample Corp today opened its online newsroom, where it will publish releases, statements and fact sheets.\n\n<!-- more -->\n\n\"We will answer with facts,\" said the press office.\n",
        ),
        (
            "content/blog/2026-01-16-welcome.md",
            "+++\ntitle = \"Welcome to our blog\"\ndate = 2026-01-16\nauthors = [\"editor\"]\ntags = [\"company\"]\n+++\n\nThis is where our people write about their work.\n",
        ),
        (
            "data/authors.toml",
            "[editor]\nname = \"Alex Editor\"\nrole = \"Editor\"\n",
        ),
        (
            "data/contacts.toml",
            "[press-office]\nname = \"Press Office\"\nemail = \"press@example.com\"\nphone = \"+44 20 0000 0000\"\n",
        ),
        (
            "data/sources.toml",
            "# Site-wide sources: cite them anywhere with [^id].\n# [[sources]]\n# id = \"annual-report\"\n# title = \"Annual Report 2025\"\n# url = \"https://example.com/annual-report-2025.pdf\"\n",
        ),
        ("static/.gitkeep", ""),
        (".gitignore", "/public\n/public-drafts\n"),
        (WORKFLOW_PATH, &workflow),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("cannot write", &path, e))?;
    }
    Ok(())
}
