//! `pressroom new` and `pressroom init`: write a content file with complete front matter, or a
//! whole new site with the default theme and sample content.

use crate::config::Config;
use crate::content::placeholders::{
    DATELINE, FACTSHEET_INTRO, POST_BODY, RELEASE_LEAD, RELEASE_QUOTE, SOURCE_URL, STATEMENT_BODY,
    SUMMARY, TRANSLATE,
};
use crate::deploy::workflow::{InstallSource, Schedule, WORKFLOW_PATH, github_workflow};
use crate::error::{Error, Result};
use crate::slug::{slugify, strip_date_prefix, url_segment};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// The kinds `new` can write, and the section folder each goes into.
const KINDS: &[(&str, &str)] = &[
    ("post", "blog"),
    ("release", "press"),
    ("statement", "statements"),
    ("factsheet", "facts"),
];

/// What `pressroom new` writes besides its kind and title.
#[derive(Debug, Default, Clone)]
pub struct NewOptions {
    /// The slug (file name and URL); default: from the title.
    pub slug: Option<String>,
    /// A language of the site: the file is `NAME.CODE.md`, a translation.
    pub lang: Option<String>,
}

/// Writes `content/SECTION/YYYY-MM-DD-slug[.lang].md` for a new item of `kind` and returns its
/// path.
pub fn new_item(
    root: &Path,
    kind: &str,
    title: &str,
    new: &NewOptions,
    now: Timestamp,
    config: &Config,
) -> Result<PathBuf> {
    let tz = &config.timezone;
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
    let slug = match slugify(new.slug.as_deref().unwrap_or(title)) {
        s if s.is_empty() => "untitled".to_string(),
        s => s,
    };
    let dir = root.join("content").join(section);
    let path = dir.join(format!(
        "{date}-{slug}{}.md",
        lang_suffix(new.lang.as_deref(), config)?
    ));
    refuse_existing(&path)?;
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
    write_new(&path, &front)?;
    Ok(path)
}

/// `.CODE` for a translation into `lang`; nothing for the default language or none.
fn lang_suffix(lang: Option<&str>, config: &Config) -> Result<String> {
    match lang {
        None => Ok(String::new()),
        Some(code) if code == config.default_language => Ok(String::new()),
        Some(code) if config.has_language(code) => Ok(format!(".{code}")),
        Some(code) => Err(Error::Usage(format!(
            "--lang `{code}` is not a language of this site\n  help: add `[languages.{code}]` to site.toml (e.g. `name = \"...\"`), or use one of: {}",
            config
                .languages
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn refuse_existing(path: &Path) -> Result<()> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "`{}` already exists; choose another title or --slug",
            path.display()
        )));
    }
    Ok(())
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io("cannot write", path, e))
}

/// The front-matter keys a translation copies from its original: what is the same fact in
/// every language (when, what kind, under which slug and embargo, who to call, the evidence).
const TRANSLATION_KEYS: &[&str] = &[
    "date", "kind", "slug", "embargo", "dateline", "contacts", "authors",
];

/// Writes the `lang` translation of the item at `original` beside it, as a draft whose title
/// and body say what to translate; returns its path.
pub fn translate_item(original: &Path, lang: &str, config: &Config) -> Result<PathBuf> {
    let text =
        std::fs::read_to_string(original).map_err(|e| Error::io("cannot read", original, e))?;
    let front = original_front(original, &text)?;
    let name = original
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".md"))
        .ok_or_else(|| {
            Error::Usage(format!(
                "`{}` is not a Markdown content file",
                original.display()
            ))
        })?;
    // `x.fr.md` translated to German is `x.de.md`, not `x.fr.de.md`.
    let stem = match name.rsplit_once('.') {
        Some((stem, code)) if config.has_language(code) => stem,
        _ => name,
    };
    let suffix = lang_suffix(Some(lang), config)?;
    if suffix.is_empty() {
        return Err(Error::Usage(format!(
            "--lang `{lang}` is the site's default language: a translation needs another language"
        )));
    }
    let path = original.with_file_name(format!("{stem}{suffix}.md"));
    refuse_existing(&path)?;
    let title = front.get("title").and_then(|t| t.as_str()).unwrap_or("");
    let mut out = format!(
        "+++\ntitle = {}\n",
        toml_string(&format!("{TRANSLATE} {title}"))
    );
    for key in TRANSLATION_KEYS {
        if let Some(value) = front.get(*key) {
            out.push_str(&format!("{key} = {value}\n"));
        }
    }
    out.push_str("# summary = \"TRANSLATE: one or two sentences for lists and feeds (optional)\"\ndraft = true\n");
    if let Some(sources) = front.get("sources") {
        let mut table = toml::Table::new();
        table.insert("sources".into(), sources.clone());
        let sources = toml::to_string(&table).map_err(|e| Error::Other(e.to_string()))?;
        out.push('\n');
        out.push_str(&sources);
    }
    out.push_str(&format!(
        "+++\n\n{TRANSLATE} the body of `{}`, keeping its source marks and its summary break as they are.\n",
        original.display()
    ));
    write_new(&path, &out)?;
    Ok(path)
}

/// The site path (`/fr/press/x/`) the content file at `path` under `root` will have: what
/// `new` tells the writer to open in the preview. None when `path` is not under `content/`.
pub fn site_path(root: &Path, path: &Path, config: &Config) -> Option<String> {
    let rel = path.strip_prefix(root.join("content")).ok()?;
    let dir = rel.parent()?.to_str()?.replace('\\', "/");
    let name = rel.file_name()?.to_str()?.strip_suffix(".md")?;
    let (stem, lang) = match name.rsplit_once('.') {
        Some((stem, code)) if config.has_language(code) => (stem, code),
        _ => (name, config.default_language.as_str()),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let front = original_front(path, &text).ok()?;
    let slug = match front.get("slug").and_then(|s| s.as_str()) {
        Some(slug) => url_segment(slug),
        None => slugify(strip_date_prefix(stem)),
    };
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("/{dir}")
    };
    Some(format!("{}{dir}/{slug}/", config.lang_prefix(lang)))
}

/// The original's front matter as a TOML table (YAML front matter converted).
fn original_front(original: &Path, text: &str) -> Result<toml::Table> {
    let bad =
        |why: String| Error::Usage(format!("cannot translate `{}`: {why}", original.display()));
    let split = crate::content::frontmatter::split(text).map_err(|e| bad(e.to_string()))?;
    match split.syntax {
        crate::content::frontmatter::Syntax::Toml => split
            .front
            .parse()
            .map_err(|e: toml::de::Error| bad(e.message().to_string())),
        crate::content::frontmatter::Syntax::Yaml => {
            let yaml: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(split.front).map_err(|e| bad(e.to_string()))?;
            toml::Table::try_from(yaml).map_err(|e| bad(e.to_string()))
        }
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes a new site into `dir` (which must be empty or absent), with a CI workflow that
/// installs pressroom from `source` and runs on `schedule`.
pub fn init(dir: &Path, source: &InstallSource, schedule: &Schedule) -> Result<()> {
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
    let workflow = github_workflow(source, schedule);
    let files: &[(&str, &str)] = &[
        (
            "site.toml",
            "title = \"Example Newsroom\"\nbase_url = \"https://newsroom.example.com\"\ndescription = \"News, statements and facts from Example Corp.\"\ndefault_language = \"en\"\ntimezone = \"UTC\"\nboilerplate = \"Example Corp makes examples. Learn more at https://example.com.\"\n\n[extra]\n# The organisation's name, for \"About ...\" above the boilerplate and the footer's ©.\ncompany = \"Example Corp\"\n",
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
            "content/statements/2026-01-20-response-to-reports.md",
            "+++\ntitle = \"Our response to reports about our supply chain\"\ndate = 2026-01-20T15:00:00Z\ncontacts = [\"press-office\"]\n\n[[sources]]\nid = \"audit-2025\"\ntitle = \"Independent supply-chain audit 2025\"\nurl = \"https://example.com/audit-2025.pdf\"\npublisher = \"Example Audit LLP\"\n+++\n\nReports today said our suppliers were not audited. Every one of our 42 suppliers was audited independently in 2025.[^audit-2025]\n\nWe publish the full audit and will answer questions from the press office.\n",
        ),
        (
            "content/facts/2026-01-15-company.md",
            "+++\ntitle = \"Example Corp at a glance\"\ndate = 2026-01-15\n\n[facts]\n\"Founded\" = \"2001, London\"\n\"Employees\" = \"1,200\"\n\"Headquarters\" = \"London, United Kingdom\"\n+++\n\nThe key facts about Example Corp, kept current by the press office.\n",
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
        (".gitignore", "/public\n/public-drafts\n/.pressroom/\n"),
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
