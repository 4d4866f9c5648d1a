//! `site.toml`: read into the raw `SiteToml` (serde, unknown keys refused), then validated
//! and resolved into the [`Config`] every later phase uses.

use crate::anchors::HeadingIds;
use crate::diag::{LineIndex, Severity};
use crate::error::{Error, Result};
use crate::keys::{field_names, find_key_offset};
use indexmap::IndexMap;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Keys allowed at the top of `site.toml`: the fields of `SiteToml`.
pub fn site_keys() -> &'static [&'static str] {
    field_names::<SiteToml>()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    title: String,
    base_url: String,
    description: Option<String>,
    default_language: Option<String>,
    timezone: Option<String>,
    theme: Option<String>,
    boilerplate: Option<String>,
    paginate_by: Option<usize>,
    feed_limit: Option<usize>,
    feed_content: Option<FeedContent>,
    prefix_default_language: Option<bool>,
    translation_fallback: Option<bool>,
    smart_punctuation: Option<bool>,
    heading_ids: Option<HeadingIds>,
    feeds: Option<FeedsToml>,
    check: Option<CheckToml>,
    footnotes: Option<Footnotes>,
    images: Option<ImagesToml>,
    subscribe: Option<SubscribeToml>,
    #[serde(default)]
    languages: IndexMap<String, LanguageToml>,
    #[serde(default)]
    extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Where footnotes are shown (`footnotes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Footnotes {
    /// Where each is defined, as pressroom always did.
    #[default]
    Inline,
    /// Numbered at the end of the text, with links back to each reference.
    Bottom,
}

/// `[check]`: the severity of each class of `pressroom check` finding.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckToml {
    links: Option<Severity>,
    anchors: Option<Severity>,
    external: Option<Severity>,
    lint: Option<Severity>,
    translations: Option<Severity>,
}

/// How bad each class of `check` finding is (`[check]` in `site.toml`): CI fails on errors,
/// so a site can let, say, anchors be warnings while its old posts are fixed. The embargo
/// audit is not among them: a leak is always an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSeverities {
    /// A link to a page or file the site does not have (default error).
    pub links: Severity,
    /// A link to a `#fragment` its page does not have (default error).
    pub anchors: Severity,
    /// An external link or source that does not answer, with `--external` (default warning).
    pub external: Severity,
    /// A release without dateline, contact or boilerplate; a statement citing no source
    /// (default warning).
    pub lint: Severity,
    /// A translation older than its original's newest notice (default warning).
    pub translations: Severity,
}

impl Default for CheckSeverities {
    fn default() -> Self {
        CheckSeverities {
            links: Severity::Error,
            anchors: Severity::Error,
            external: Severity::Warning,
            lint: Severity::Warning,
            translations: Severity::Warning,
        }
    }
}

impl CheckSeverities {
    fn of(raw: Option<CheckToml>) -> Self {
        let raw = raw.unwrap_or_default();
        let d = CheckSeverities::default();
        CheckSeverities {
            links: raw.links.unwrap_or(d.links),
            anchors: raw.anchors.unwrap_or(d.anchors),
            external: raw.external.unwrap_or(d.external),
            lint: raw.lint.unwrap_or(d.lint),
            translations: raw.translations.unwrap_or(d.translations),
        }
    }
}

/// `[feeds]`: the file names of every feed, and old feed URLs kept alive.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsToml {
    atom: Option<String>,
    rss: Option<String>,
    json: Option<String>,
    #[serde(default)]
    keep: IndexMap<String, String>,
}

/// The file names of a feed's three files, in the feed's folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FeedNames {
    /// The Atom feed's file name (`atom.xml`; Zola's default, `feed.xml` on some blogs).
    pub atom: String,
    /// The RSS feed's file name (`rss.xml`).
    pub rss: String,
    /// The JSON Feed's file name (`feed.json`).
    pub json: String,
}

impl Default for FeedNames {
    fn default() -> Self {
        FeedNames {
            atom: "atom.xml".into(),
            rss: "rss.xml".into(),
            json: "feed.json".into(),
        }
    }
}

impl FeedNames {
    /// The three names, Atom, RSS and JSON Feed.
    pub fn all(&self) -> [&str; 3] {
        [&self.atom, &self.rss, &self.json]
    }

    /// These names with those a `[feeds]` table sets instead, checked: each a plain file name
    /// (a feed's files sit in its folder), the three different. The error names the key at
    /// fault (`atom`, `rss`, `json`, or `feeds` when two are the same) and what is wrong.
    pub fn overridden(
        &self,
        atom: Option<&str>,
        rss: Option<&str>,
        json: Option<&str>,
    ) -> std::result::Result<FeedNames, (&'static str, String)> {
        let names = FeedNames {
            atom: atom.unwrap_or(&self.atom).to_string(),
            rss: rss.unwrap_or(&self.rss).to_string(),
            json: json.unwrap_or(&self.json).to_string(),
        };
        for (key, name) in [
            ("atom", &names.atom),
            ("rss", &names.rss),
            ("json", &names.json),
        ] {
            let plain = !name.is_empty()
                && name != "."
                && name != ".."
                && !name.contains(['/', '\\', '?', '#'])
                && name != "index.html";
            if !plain {
                return Err((
                    key,
                    format!(
                        "`{key} = {name:?}` is not a file name: a feed's files sit in its folder (`feed.xml`, not `/blog/feed.xml`); keep an old URL elsewhere with `[feeds.keep]` in site.toml"
                    ),
                ));
            }
        }
        let [a, r, j] = names.all();
        if a == r || a == j || r == j {
            let same = if a == r || a == j { a } else { r };
            return Err((
                "feeds",
                format!(
                    "the Atom, RSS and JSON feeds need three different file names, and two of them here are `{same}`"
                ),
            ));
        }
        Ok(names)
    }
}

/// The names of the three files of every feed (site, language, section, term, author,
/// corrections), in the feed's folder, and the old feed URLs the site keeps alive. A
/// section's `[feeds]` names its own feed's files instead (`render::feeds::names_at`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedFiles {
    /// The site's file names.
    pub names: FeedNames,
    /// Old feed URLs (site paths of files) and the feed file each carries a copy of: a
    /// subscriber's reader keeps working, which a redirect page would not do.
    pub keep: Vec<(String, String)>,
}

/// Reads `[feeds]`: file names are plain names (no folder), distinct; kept URLs are paths of
/// files (`/feed.xml`, `/blog/feed/index.xml`) and each names a feed file of the site.
fn feed_files(site_toml: &SiteText<'_>, raw: Option<FeedsToml>) -> Result<FeedFiles> {
    let Some(raw) = raw else {
        return Ok(FeedFiles::default());
    };
    let names = FeedNames::default()
        .overridden(raw.atom.as_deref(), raw.rss.as_deref(), raw.json.as_deref())
        .map_err(|(key, message)| site_toml.at_key(key, message))?;
    let mut files = FeedFiles {
        names,
        keep: Vec::new(),
    };
    for (old, target) in raw.keep {
        let path = |p: &str| p.starts_with('/') && !p.ends_with('/') && !p.contains(['?', '#']);
        if !path(&old) || !path(&target) {
            return Err(site_toml.at_key(
                "keep",
                format!("`\"{old}\" = \"{target}\"`: both sides are paths of files on the site, such as `\"/feed.xml\" = \"/atom.xml\"`"),
            ));
        }
        files.keep.push((old, target));
    }
    Ok(files)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageToml {
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    boilerplate: Option<String>,
    subscribe_privacy: Option<String>,
}

/// `[subscribe]`: the e-mail sign-up form of the subscribe pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscribeToml {
    email_action: String,
    email_field: Option<String>,
    #[serde(default)]
    hidden: IndexMap<String, String>,
    privacy: Option<String>,
}

/// The e-mail sign-up form of the subscribe pages (`[subscribe]` in `site.toml`): a plain
/// HTML form posted to the mailing-list provider, no third-party script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailSignup {
    /// The provider's form URL (https).
    pub action: String,
    /// The name of the address field the provider reads (`email`, Mailchimp's `EMAIL`).
    pub field: String,
    /// Hidden fields the provider wants (a list id), in file order.
    pub hidden: Vec<(String, String)>,
}

/// `[images]`: how local photos are resized and encoded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImagesToml {
    widths: Option<Vec<u32>>,
    quality: Option<u8>,
    formats: Option<Vec<String>>,
    avif_speed: Option<u8>,
}

/// How local images are processed (`[images]` in `site.toml`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImageSettings {
    /// The widths, in pixels, of the derived sizes offered in `srcset` (never above the
    /// original's width), ascending.
    pub widths: Vec<u32>,
    /// The encoding quality of derived JPEG, WebP and AVIF files, 1 to 100.
    pub quality: u8,
    /// The modern formats offered before the JPEG or PNG fallback, in the order a browser
    /// is offered them (AVIF first: the smaller file wins where both are understood). WebP
    /// alone by default: AVIF costs seconds of CPU per photo, so a site asks for it.
    pub formats: Vec<ModernFormat>,
    /// The AVIF encoder's speed, 1 (smallest files, slowest) to 10 (fastest).
    pub avif_speed: u8,
}

/// A format a `<picture>` offers in a `<source>` before its fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum ModernFormat {
    /// AV1 in HEIF: about half the bytes of WebP at speed 8; every current browser.
    Avif,
    /// Lossy WebP: a third of JPEG's bytes; every browser since 2020.
    WebP,
}

impl ModernFormat {
    /// The name in `site.toml` and in `resize_image(format=...)`.
    pub fn name(self) -> &'static str {
        match self {
            ModernFormat::Avif => "avif",
            ModernFormat::WebP => "webp",
        }
    }
}

/// AVIF's default speed: at 8 a 1600 px photo is about 40% of its WebP's bytes for a few
/// seconds of CPU, made once and cached; at 10 it saves little over WebP, below 6 it costs
/// several times the CPU for a few percent.
pub const AVIF_SPEED: u8 = 8;

impl Default for ImageSettings {
    /// Phone, tablet/laptop column and full-width desktop sizes; quality 80 is where photos
    /// stop showing artefacts at a third of the bytes of quality 95.
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            quality: 80,
            formats: vec![ModernFormat::WebP],
            avif_speed: AVIF_SPEED,
        }
    }
}

/// Whether feeds carry whole items or only their summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The full rendered body (the default: journalists read releases in their readers).
    #[default]
    Full,
    /// The summary only.
    Summary,
}

/// One language of the site.
#[derive(Debug, Clone)]
pub struct Language {
    /// Code such as `en`, `fr`, `ko`.
    pub code: String,
    /// Its own name for itself ("Français").
    pub name: String,
    /// Site title in this language.
    pub title: String,
    /// Site description in this language.
    pub description: String,
    /// The company boilerplate (Markdown) in this language: `[languages.CODE] boilerplate`,
    /// else the site's.
    pub boilerplate: Option<String>,
    /// The privacy note under the e-mail sign-up form (Markdown) in this language:
    /// `[languages.CODE] subscribe_privacy`, else `[subscribe] privacy`.
    pub subscribe_privacy: Option<String>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (folder of `site.toml`).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL without trailing slash, e.g. `https://news.example.com/newsroom`.
    pub base_url: String,
    /// The path part of `base_url` (`""` or `/newsroom`), prefixed to every root-relative URL.
    pub base_path: String,
    /// Default language code.
    pub default_language: String,
    /// Site time zone name.
    pub timezone_name: String,
    /// Site time zone.
    pub timezone: TimeZone,
    /// Theme name.
    pub theme: String,
    /// The company boilerplate (Markdown).
    pub boilerplate: Option<String>,
    /// Items per list page.
    pub paginate_by: usize,
    /// Entries per feed.
    pub feed_limit: usize,
    /// Full content or summaries in feeds.
    pub feed_content: FeedContent,
    /// Every language, the default first.
    pub languages: Vec<Language>,
    /// Whether the default language also lives under its prefix (`/en/`), with `/` redirecting.
    pub prefix_default_language: bool,
    /// Whether a language without its own translation of an item gets a stand-in page showing
    /// the default-language original, marked as such.
    pub translation_fallback: bool,
    /// Whether Markdown prose gets typographic punctuation (`--` → –, `"…"` → “…”); on unless
    /// `smart_punctuation = false` (sites migrating from generators that leave text as typed).
    pub smart_punctuation: bool,
    /// The style of the ids headings get without an explicit `{#id}` (`heading_ids`): a site
    /// brought from Zola, Hugo or Jekyll keeps its anchors.
    pub heading_ids: HeadingIds,
    /// `[feeds]`: feed file names and old feed URLs kept alive.
    pub feeds: FeedFiles,
    /// `[check]`: the severity of each class of `check` finding.
    pub check: CheckSeverities,
    /// `footnotes = "inline" | "bottom"`.
    pub footnotes: Footnotes,
    /// `[images]`: derived sizes and quality of local images.
    pub images: ImageSettings,
    /// The e-mail sign-up form (`[subscribe]`), when the site has one.
    pub email_signup: Option<EmailSignup>,
    /// Free-form `[extra]`, passed to templates.
    pub extra: serde_json::Value,
}

impl Config {
    /// Reads `site.toml` in `root`. `base_url` overrides the configured base URL.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Config> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => no_site(root),
            _ => Error::io("cannot read", &path, e),
        })?;
        Config::parse(root, &text, base_url)
    }

    /// Fails, as [`Config::load`] would, when `root` is not a site folder (no `site.toml`):
    /// for commands that must stop at once rather than report a failed build.
    pub fn require_site(root: &Path) -> Result<()> {
        if root.join("site.toml").exists() {
            Ok(())
        } else {
            Err(no_site(root))
        }
    }

    /// Parses and validates the text of `site.toml`.
    pub fn parse(root: &Path, text: &str, base_url: Option<&str>) -> Result<Config> {
        let site_toml = SiteText::new(text);
        let raw = site_toml.read()?;
        let base_url = base_url
            .unwrap_or(&raw.base_url)
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(site_toml.at_key(
                "base_url",
                format!("`base_url` must start with http:// or https://, not `{base_url}`"),
            ));
        }
        let base_path = base_url
            .splitn(4, '/')
            .nth(3)
            .map(|p| format!("/{}", p.trim_matches('/')))
            .filter(|p| p != "/")
            .unwrap_or_default();
        let default_language = raw.default_language.clone().unwrap_or_else(|| "en".into());
        if !valid_language_code(&default_language) {
            return Err(site_toml.at_key(
                "default_language",
                format!(
                    "`{default_language}` is not a language code; use a code such as `en`, `fr` or `pt-BR`"
                ),
            ));
        }
        let timezone_name = raw.timezone.clone().unwrap_or_else(|| "UTC".into());
        let timezone = crate::dates::time_zone(&timezone_name)
            .map_err(|e| site_toml.at_key("timezone", e.to_string()))?;
        let languages = languages(&site_toml, &raw, &default_language)?;
        let paginate_by = raw.paginate_by.unwrap_or(10);
        if paginate_by == 0 {
            return Err(site_toml.at_key("paginate_by", "`paginate_by` must be at least 1".into()));
        }
        let images = image_settings(&site_toml, raw.images.clone())?;
        let email_signup = email_signup(&site_toml, raw.subscribe.clone(), &languages)?;
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            base_url,
            base_path,
            default_language,
            timezone_name,
            timezone,
            theme: raw.theme.unwrap_or_else(|| "default".into()),
            boilerplate: raw.boilerplate,
            paginate_by,
            feed_limit: raw.feed_limit.unwrap_or(20),
            feed_content: raw.feed_content.unwrap_or_default(),
            languages,
            prefix_default_language: raw.prefix_default_language.unwrap_or(false),
            translation_fallback: raw.translation_fallback.unwrap_or(false),
            smart_punctuation: raw.smart_punctuation.unwrap_or(true),
            heading_ids: raw.heading_ids.unwrap_or_default(),
            feeds: feed_files(&site_toml, raw.feeds.clone())?,
            check: CheckSeverities::of(raw.check.clone()),
            footnotes: raw.footnotes.unwrap_or_default(),
            images,
            email_signup,
            extra: serde_json::Value::Object(raw.extra.unwrap_or_default()),
        })
    }

    /// A config error at the line of `key` in `site.toml` (for checks made after parsing, such
    /// as the theme's languages).
    pub fn error_at_key(&self, key: &str, message: String) -> Error {
        let text = std::fs::read_to_string(self.root.join("site.toml")).unwrap_or_default();
        let (line, col) = LineIndex::new(&text).position(find_key_offset(&text, key));
        Error::Config {
            path: "site.toml".into(),
            line,
            col,
            message,
        }
    }

    /// Whether `code` is one of the site's languages.
    pub fn has_language(&self, code: &str) -> bool {
        self.languages.iter().any(|l| l.code == code)
    }

    /// The language record for `code` (the default one when unknown).
    pub fn language(&self, code: &str) -> &Language {
        self.languages
            .iter()
            .find(|l| l.code == code)
            .unwrap_or(&self.languages[0])
    }

    /// The URL prefix of a language: `""` for the default (unless `prefix_default_language`),
    /// `/fr` for the others.
    pub fn lang_prefix(&self, code: &str) -> String {
        if code == self.default_language && !self.prefix_default_language {
            String::new()
        } else {
            format!("/{code}")
        }
    }

    /// Root-relative URL (with base path) for a site path such as `/press/x/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// Absolute URL for a root-relative URL that already carries the base path.
    pub fn permalink(&self, url: &str) -> String {
        let origin_end = self.base_url.len() - self.base_path.len();
        format!("{}{url}", &self.base_url[..origin_end])
    }
}

/// `[images]` checked: widths between 1 and 16384 pixels (sorted, repeats dropped), quality
/// between 1 and 100, known formats, an AVIF speed between 1 and 10.
fn image_settings(site_toml: &SiteText<'_>, raw: Option<ImagesToml>) -> Result<ImageSettings> {
    let mut settings = ImageSettings::default();
    let Some(raw) = raw else {
        return Ok(settings);
    };
    if let Some(mut widths) = raw.widths {
        if widths.is_empty() || widths.iter().any(|&w| w == 0 || w > 16384) {
            return Err(site_toml.at_key(
                "widths",
                "`[images] widths` must list widths between 1 and 16384 pixels, e.g. `widths = [480, 960, 1600]`".into(),
            ));
        }
        widths.sort_unstable();
        widths.dedup();
        settings.widths = widths;
    }
    if let Some(quality) = raw.quality {
        if !(1..=100).contains(&quality) {
            return Err(site_toml.at_key(
                "quality",
                format!("`[images] quality` must be between 1 and 100, not {quality}"),
            ));
        }
        settings.quality = quality;
    }
    if let Some(names) = raw.formats {
        settings.formats = modern_formats(site_toml, &names)?;
    }
    if let Some(speed) = raw.avif_speed {
        if !(1..=10).contains(&speed) {
            return Err(site_toml.at_key(
                "avif_speed",
                format!("`[images] avif_speed` must be between 1 (smallest files) and 10 (fastest), not {speed}"),
            ));
        }
        settings.avif_speed = speed;
    }
    Ok(settings)
}

/// `[images] formats` read: `avif` and `webp`, each once, offered AVIF first whatever the
/// order written; an empty list offers the fallback alone.
fn modern_formats(site_toml: &SiteText<'_>, names: &[String]) -> Result<Vec<ModernFormat>> {
    let mut formats = Vec::new();
    for name in names {
        let format = match name.to_ascii_lowercase().as_str() {
            "avif" => ModernFormat::Avif,
            "webp" => ModernFormat::WebP,
            _ => {
                return Err(site_toml.at_key(
                    "formats",
                    format!("`[images] formats` lists `{name}`, which is not a format pressroom makes\n  help: list `webp` (the default), `avif`, both (`formats = [\"avif\", \"webp\"]`) or neither (`formats = []`: JPEG or PNG alone)"),
                ))
            }
        };
        formats.push(format);
    }
    formats.sort_unstable();
    formats.dedup();
    Ok(formats)
}

/// `[subscribe]` checked: the form posts to an https URL (a subscriber's address never
/// travels in clear text), the field names are plain names, and every language has a privacy
/// note (the form collects personal data).
fn email_signup(
    site_toml: &SiteText<'_>,
    raw: Option<SubscribeToml>,
    languages: &[Language],
) -> Result<Option<EmailSignup>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    if !is_https_url(&raw.email_action) {
        return Err(site_toml.at_key(
            "email_action",
            format!(
                "`[subscribe] email_action = {:?}` is not an https URL\n  help: give the form address your mailing-list provider shows for an embedded form, such as `email_action = \"https://lists.example.com/subscribe/post\"`",
                raw.email_action
            ),
        ));
    }
    let field = raw.email_field.unwrap_or_else(|| "email".into());
    for (key, name) in
        std::iter::once(("email_field", &field)).chain(raw.hidden.keys().map(|k| ("hidden", k)))
    {
        if !is_field_name(name) {
            return Err(site_toml.at_key(
                key,
                format!("`{name:?}` is not a form field name\n  help: use the field name your provider's embed code shows, such as `EMAIL` or `list_id` (letters, digits, `_`, `-`, `[`, `]`)"),
            ));
        }
    }
    if let Some(lang) = languages.iter().find(|l| {
        l.subscribe_privacy
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
    }) {
        return Err(site_toml.at_key(
            "subscribe",
            format!("the e-mail sign-up form has no privacy note for language `{}`\n  help: add `privacy = \"We use your address only to send our news; unsubscribe with one click. [Privacy policy](https://…)\"` under `[subscribe]` (and `subscribe_privacy` under `[languages.CODE]` to translate it)", lang.code),
        ));
    }
    Ok(Some(EmailSignup {
        action: raw.email_action,
        field,
        hidden: raw.hidden.into_iter().collect(),
    }))
}

/// An absolute https URL with a host and nothing a form's `action` cannot carry.
fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
            && !host.starts_with(['.', '-', ':'])
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    })
}

/// A form field name a provider could ask for.
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '[' | ']' | '.'))
}

/// The text of `site.toml`, for errors at a position in it.
struct SiteText<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
}

impl<'a> SiteText<'a> {
    fn new(text: &'a str) -> Self {
        SiteText {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// A config error at a byte offset.
    fn at(&self, offset: usize, message: String) -> Error {
        let (line, col) = self.lines.position(offset);
        Error::Config {
            path: "site.toml".into(),
            line,
            col,
            message,
        }
    }

    /// A config error at the line that sets `key`.
    fn at_key(&self, key: &str, message: String) -> Error {
        self.at(find_key_offset(self.text, key), message)
    }

    /// Deserializes the text, explaining TOML slips and unknown keys.
    fn read(&self) -> Result<SiteToml> {
        toml::from_str(self.text).map_err(|e| {
            let language_keys = field_names::<LanguageToml>();
            // serde names the table's keys: the first of a language's tells which table.
            let known = if e
                .message()
                .contains(&format!("expected one of `{}`", language_keys[0]))
            {
                language_keys
            } else {
                site_keys()
            };
            let line_of = |o: usize| self.lines.position(o).0;
            let slip = crate::toml_slip::explain(self.text, &e, known, "site.toml", &line_of);
            let message = match slip.help {
                Some(help) => format!("{}\n  help: {help}", slip.message),
                None => slip.message,
            };
            self.at(slip.offset, message)
        })
    }
}

/// The site's languages, the default first (with its overrides from `[languages.CODE]`), then
/// the others in file order.
fn languages(
    site_toml: &SiteText<'_>,
    raw: &SiteToml,
    default_language: &str,
) -> Result<Vec<Language>> {
    let description = raw.description.clone().unwrap_or_default();
    let privacy = raw.subscribe.as_ref().and_then(|s| s.privacy.clone());
    let mut languages = vec![Language {
        name: language_name(default_language),
        code: default_language.to_string(),
        title: raw.title.clone(),
        description: description.clone(),
        boilerplate: raw.boilerplate.clone(),
        subscribe_privacy: privacy.clone(),
    }];
    for (code, lang) in &raw.languages {
        if !valid_language_code(code) {
            return Err(site_toml.at_key(
                &format!("languages.{code}"),
                format!(
                    "`{code}` is not a language code; use a code such as `fr`, `ko` or `pt-BR`"
                ),
            ));
        }
        let lang = lang.clone();
        if code == default_language {
            // Overrides for the default language itself.
            let first = &mut languages[0];
            first.name = lang.name.unwrap_or(first.name.clone());
            first.title = lang.title.unwrap_or(first.title.clone());
            first.description = lang.description.unwrap_or(first.description.clone());
            first.boilerplate = lang.boilerplate.or(first.boilerplate.take());
            first.subscribe_privacy = lang.subscribe_privacy.or(first.subscribe_privacy.take());
            continue;
        }
        languages.push(Language {
            name: lang.name.unwrap_or_else(|| language_name(code)),
            title: lang.title.unwrap_or_else(|| raw.title.clone()),
            description: lang.description.unwrap_or_else(|| description.clone()),
            boilerplate: lang.boilerplate.or_else(|| raw.boilerplate.clone()),
            subscribe_privacy: lang.subscribe_privacy.or_else(|| privacy.clone()),
            code: code.clone(),
        });
    }
    Ok(languages)
}

fn valid_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// A language's name for itself, for the languages pressroom knows.
fn language_name(code: &str) -> String {
    match code {
        "en" => "English",
        "fr" => "Français",
        "ko" => "한국어",
        "sv" => "Svenska",
        "ja" => "日本語",
        "de" => "Deutsch",
        "es" => "Español",
        "zh" => "中文",
        _ => code,
    }
    .to_string()
}

/// The usage error of a folder without `site.toml`, with the two ways out.
fn no_site(root: &Path) -> Error {
    Error::Usage(format!(
        "no `site.toml` in `{}`: run pressroom in a site folder, pass `--root DIR`, or create one with `pressroom init DIR`",
        root.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("/site"), text, None)
    }

    #[test]
    fn defaults() {
        let c = parse("title = \"N\"\nbase_url = \"https://n.example/news/\"\n").unwrap();
        assert_eq!(c.base_url, "https://n.example/news");
        assert_eq!(c.base_path, "/news");
        assert_eq!(c.default_language, "en");
        assert_eq!(c.paginate_by, 10);
        assert_eq!(c.feed_limit, 20);
        assert_eq!(c.url("/a/"), "/news/a/");
        assert_eq!(c.permalink("/news/a/"), "https://n.example/news/a/");
    }

    #[test]
    fn unknown_key_is_an_error_with_a_suggestion_and_position() {
        let err = parse("title = \"N\"\nbase_url = \"https://n.example\"\ntimezon = \"UTC\"\n")
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("site.toml:3:1: error:"), "{text}");
        assert!(
            text.contains("timezon") && text.contains("did you mean `timezone`"),
            "{text}"
        );
    }

    #[test]
    fn bad_time_zone_points_at_the_key() {
        let err =
            parse("title = \"N\"\nbase_url = \"https://n.example\"\ntimezone = \"Mars/Olympus\"\n")
                .unwrap_err();
        assert!(err.to_string().starts_with("site.toml:3:1:"), "{err}");
    }

    #[test]
    fn an_email_form_posts_to_https_with_a_privacy_note() {
        let site = "title = \"N\"\nbase_url = \"https://n.example\"\n[languages.fr]\n";
        let ok = parse(&format!("{site}subscribe_privacy = \"Vie privée.\"\n[subscribe]\nemail_action = \"https://lists.example.com/s?u=1\"\nemail_field = \"EMAIL\"\nhidden = {{ id = \"42\" }}\nprivacy = \"Privacy.\"\n")).unwrap();
        let form = ok.email_signup.clone().unwrap();
        assert_eq!(form.action, "https://lists.example.com/s?u=1");
        assert_eq!(form.field, "EMAIL");
        assert_eq!(form.hidden, [("id".to_string(), "42".to_string())]);
        assert_eq!(
            ok.language("fr").subscribe_privacy.as_deref(),
            Some("Vie privée.")
        );
        assert_eq!(
            ok.language("en").subscribe_privacy.as_deref(),
            Some("Privacy.")
        );
        assert_eq!(parse(site).unwrap().email_signup, None);

        for action in [
            "http://lists.example.com/s",
            "https://",
            "lists.example.com",
            "https://a.example/\\\"x",
        ] {
            let err = parse(&format!(
                "{site}[subscribe]\nemail_action = {action:?}\nprivacy = \"P.\"\n"
            ))
            .unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with("site.toml:5:1: error:")
                    && text.contains("https")
                    && text.contains("help:"),
                "{action}: {text}"
            );
        }
        let no_note = parse(&format!(
            "{site}[subscribe]\nemail_action = \"https://l.example/s\"\n"
        ))
        .unwrap_err();
        assert!(no_note.to_string().contains("privacy note"), "{no_note}");
        let bad_field = parse(&format!("{site}[subscribe]\nemail_action = \"https://l.example/s\"\nemail_field = \"e mail\"\nprivacy = \"P.\"\n")).unwrap_err();
        assert!(
            bad_field.to_string().starts_with("site.toml:6:1:"),
            "{bad_field}"
        );
    }

    #[test]
    fn languages_keep_their_order_after_the_default() {
        let c = parse("title = \"N\"\nbase_url = \"https://n.example\"\n[languages.ko]\n[languages.fr]\ntitle = \"Salle\"\n").unwrap();
        let codes: Vec<_> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "ko", "fr"]);
        assert_eq!(c.language("fr").title, "Salle");
        assert_eq!(c.language("ko").name, "한국어");
    }
}
