//! The theme: templates (built-in default ← site's theme folder ← site's `templates/`, file by
//! file), i18n strings per language, static files; and the Tera instances with pressroom's
//! functions and filters (`trans`, `date`, `date_style`, `get_url`).

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::fast_map::FastMap;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tera::{Tera, Value};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// Files of the built-in default theme: (path inside the theme, bytes).
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// Where a static file comes from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// On disk.
    File(PathBuf),
}

/// A loaded theme: one Tera per language (so `trans(key=...)` knows its language), and the
/// static files to copy.
pub struct Theme {
    /// One Tera per language: parsed at load, or at the first render when the templates are
    /// known to parse ([`Theme::load_deferred`]).
    teras: OnceLock<std::result::Result<HashMap<String, Tera>, String>>,
    /// What a deferred parse needs: the site's configuration (None once parsed at load).
    deferred: Option<Box<Config>>,
    /// Each template's source and the file it came from, to point render errors at a line.
    sources: BTreeMap<String, (String, String)>,
    /// The i18n strings by language, for text pressroom writes outside templates (feeds).
    strings: std::sync::Arc<BTreeMap<String, BTreeMap<String, String>>>,
    /// Static files by output path (`/style.css`), site files over theme files.
    pub statics: BTreeMap<String, StaticSource>,
    /// The handle of `resize_image` and `image_meta`: which derived files templates asked for.
    pub images: std::sync::Arc<crate::images::template::TemplateImages>,
}

impl Theme {
    /// Loads templates, strings and static files. Template syntax errors and missing strings
    /// are diagnostics (exit 1); a theme that does not exist is a config error.
    pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> Result<Theme> {
        Theme::load_for(config, diags, crate::images::Mode::Make)
    }

    /// [`Theme::load`], with templates' derived images made (`Mode::Make`) or only planned
    /// (`Mode::Check`, for `check`, which writes nothing).
    pub fn load_for(
        config: &Config,
        diags: &mut Vec<Diagnostic>,
        images: crate::images::Mode,
    ) -> Result<Theme> {
        Theme::read(config, diags, images, false)
    }

    /// Reads the theme's files; parses the templates unless `deferred`.
    fn read(
        config: &Config,
        diags: &mut Vec<Diagnostic>,
        images: crate::images::Mode,
        deferred: bool,
    ) -> Result<Theme> {
        let theme_dir = config.root.join("themes").join(&config.theme);
        if config.theme != "default" && !theme_dir.is_dir() {
            return Err(Error::Usage(format!(
                "theme `{}` not found: expected the folder `themes/{}/` (set `theme` in site.toml)",
                config.theme, config.theme
            )));
        }
        let Files {
            templates,
            strings,
            statics,
        } = Files::read(config, &theme_dir, diags);
        check_default_language(config, &strings)?;
        let images =
            std::sync::Arc::new(crate::images::template::TemplateImages::new(config, images));
        let mut theme = Theme {
            teras: OnceLock::new(),
            deferred: deferred.then(|| Box::new(config.clone())),
            sources: templates,
            statics,
            strings: std::sync::Arc::new(strings),
            images,
        };
        if !deferred {
            let teras = theme.parse(config, diags)?;
            theme.teras = OnceLock::from(Ok(teras));
        }
        Ok(theme)
    }

    /// [`Theme::load`], leaving the templates' parse to the first render, for a caller that
    /// knows these very templates parsed before (the incremental layer, when a template key
    /// is the last good build's): a rebuild that renders no page, the usual rebuild with
    /// nothing changed, then never parses them. Parsing was two thirds of the CPU of such a
    /// rebuild of a 200-item site.
    pub fn load_deferred(config: &Config, diags: &mut Vec<Diagnostic>) -> Result<Theme> {
        Theme::read(config, diags, crate::images::Mode::Make, true)
    }

    /// Parses the templates and makes each language's Tera.
    fn parse(&self, config: &Config, diags: &mut Vec<Diagnostic>) -> Result<HashMap<String, Tera>> {
        let mut base = parse_templates(&self.sources, diags)?;
        register_common(&mut base, config);
        super::image_functions::register(&mut base, &self.images);
        Ok(language_teras(&base, config, &self.strings))
    }

    /// Whether the templates are parsed (at load, or by a render since).
    pub fn parsed(&self) -> bool {
        self.teras.get().is_some()
    }

    /// Each language's Tera, parsed now if the load deferred it. A deferred parse that fails
    /// (a template changed after its key was taken) fails every render with its errors.
    fn teras(&self) -> std::result::Result<&HashMap<String, Tera>, RenderError> {
        let parsed = self.teras.get_or_init(|| {
            let Some(config) = &self.deferred else {
                return Err("the theme was not loaded".to_string());
            };
            let mut diags = Vec::new();
            self.parse(config, &mut diags).map_err(|e| {
                let each = diags
                    .iter()
                    .map(|d| format!("{}:{}: {}", d.path, d.line, d.message));
                let each: Vec<String> = each.collect();
                match each.is_empty() {
                    true => e.to_string(),
                    false => each.join("; "),
                }
            })
        });
        parsed.as_ref().map_err(|message| RenderError {
            message: format!("templates do not load: {message}"),
            at: None,
            help: Some("build again: the templates changed while the build read them".into()),
        })
    }

    /// The theme's string `key` in `lang` (or its base language, then the site's default
    /// language), as `trans` gives it to templates; None when no language has it.
    pub fn string(&self, lang: &str, key: &str, default_lang: &str) -> Option<&str> {
        let base = lang.split('-').next().unwrap_or(lang);
        [lang, base, default_lang]
            .into_iter()
            .find_map(|l| self.strings.get(l).and_then(|t| t.get(key)))
            .map(String::as_str)
    }

    /// Whether a template exists.
    pub fn has(&self, name: &str) -> bool {
        // Every template read is the parsed Tera's (a theme whose parse failed has no Tera).
        self.sources.contains_key(name)
    }

    /// Renders `template` for `lang`.
    pub fn render(
        &self,
        template: &str,
        lang: &str,
        ctx: &tera::Context,
    ) -> std::result::Result<String, RenderError> {
        let teras = self.teras()?;
        let Some(tera) = teras.get(lang).or_else(|| teras.values().next()) else {
            return Err(RenderError {
                message: "no languages".into(),
                at: None,
                help: None,
            });
        };
        super::guard::take_trip();
        let rendered = match render_caught(tera, template, ctx) {
            Ok(rendered) => rendered,
            Err(panic) => return Err(crashed(template, &panic)),
        };
        rendered.map_err(|e| match super::guard::take_trip() {
            Some((file, line, message)) => RenderError {
                message,
                at: Some((file, line, 1)),
                help: Some(
                    "give the recursion an end: an `if` that stops it once the data runs out"
                        .into(),
                ),
            },
            None => self.located(tera, template, ctx, &e),
        })
    }

    /// A render error at the template line of the expression that failed, when that line can
    /// be found in `template` or the templates it extends or imports (Tera names only the
    /// page's template, and no line).
    fn located(
        &self,
        tera: &Tera,
        template: &str,
        ctx: &tera::Context,
        e: &tera::Error,
    ) -> RenderError {
        // The deepest cause names the failing expression; the outer ones only the template.
        let cause = innermost(e);
        let mut names = vec![template.to_string()];
        if let Some(t) = tera.templates.get(template) {
            names.extend(t.parents.iter().cloned());
        }
        for name in names.clone() {
            if let Some(t) = tera.templates.get(&name) {
                names.extend(t.imported_macro_files.iter().map(|(file, _)| file.clone()));
            }
        }
        let found = names.iter().find_map(|name| {
            let (text, shown) = self.sources.get(name)?;
            let (line, col) = super::template_errors::locate(text, &cause)?;
            Some((shown.clone(), line, col))
        });
        match found {
            Some(at) => RenderError {
                help: super::template_errors::did_you_mean(&cause, ctx),
                message: cause,
                at: Some(at),
            },
            None => RenderError {
                message: error_chain(e),
                at: None,
                help: None,
            },
        }
    }
}

impl Theme {
    /// What the templates can show of the build's clock (`now`): nothing (empty) when no
    /// template names `now`, the year when every use is the year (`now | truncate(length=4…)`
    /// or `now | date(format="%Y")`, as the default theme's copyright line), else the whole
    /// time. Two builds whose keys are equal render every page alike whatever their clocks, so
    /// the incremental layer keys pages on this instead of the time.
    pub fn now_key(&self, now: jiff::Timestamp) -> String {
        let full = crate::dates::rfc3339_utc(now);
        let mut uses = self.sources.values().flat_map(|(text, _)| now_uses(text));
        match uses.try_fold(false, |_, year_only| year_only.then_some(true)) {
            None => full,
            Some(true) => full.chars().take(4).collect(),
            Some(false) => String::new(),
        }
    }
}

/// For each use of the variable `now` inside a template's tags (`{{ }}`, `{% %}`), whether
/// it shows only the year.
fn now_uses(text: &str) -> Vec<bool> {
    let mut uses = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let end = after.find(close).unwrap_or(after.len());
        let tag = &after[1..end.max(1)];
        uses.extend(now_uses_in_tag(tag));
        rest = &after[end..];
    }
    uses
}

/// [`now_uses`] inside one tag's text.
fn now_uses_in_tag(tag: &str) -> Vec<bool> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let mut uses = Vec::new();
    for (at, _) in tag.match_indices("now") {
        let before = tag[..at].chars().next_back();
        let after = &tag[at + 3..];
        if before.is_some_and(ident) || after.chars().next().is_some_and(ident) {
            continue;
        }
        let squeezed: String = after.chars().filter(|c| !c.is_whitespace()).collect();
        let year = squeezed.starts_with("|truncate(length=4")
            || squeezed.starts_with("|date(format=\"%Y\")");
        uses.push(year);
    }
    uses
}

/// A theme's files, read: later sources (theme folder, then the site's) over earlier ones.
struct Files {
    /// Template name → (source text, file for messages).
    templates: BTreeMap<String, (String, String)>,
    /// Language → key → string.
    strings: BTreeMap<String, BTreeMap<String, String>>,
    /// Static files by output path.
    statics: BTreeMap<String, StaticSource>,
}

impl Files {
    /// The built-in default theme, then the theme folder, then the site's `templates/` and
    /// `static/`; files that cannot be read are diagnostics.
    fn read(config: &Config, theme_dir: &Path, diags: &mut Vec<Diagnostic>) -> Files {
        // (name, source text, file for messages); later entries override earlier ones.
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut strings: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut statics = BTreeMap::new();
        for (path, bytes) in embedded_files() {
            let shown = format!("(built-in default theme)/{path}");
            if let Some(name) = path.strip_prefix("templates/") {
                templates.insert(
                    name.to_string(),
                    (String::from_utf8_lossy(bytes).into_owned(), shown),
                );
            } else if let Some(file) = path.strip_prefix("i18n/") {
                merge_strings(
                    &mut strings,
                    file,
                    &String::from_utf8_lossy(bytes),
                    &shown,
                    diags,
                );
            } else if let Some(file) = path.strip_prefix("static/") {
                statics.insert(format!("/{file}"), StaticSource::Embedded(bytes));
            }
        }
        for (dir, prefix) in [
            (
                theme_dir.join("templates"),
                format!("themes/{}/templates", config.theme),
            ),
            (config.root.join("templates"), "templates".to_string()),
        ] {
            for (name, abs) in list_files(&dir) {
                match std::fs::read_to_string(&abs) {
                    Ok(text) => {
                        templates.insert(name.clone(), (text, format!("{prefix}/{name}")));
                    }
                    Err(e) => diags.push(Diagnostic::error(
                        format!("{prefix}/{name}"),
                        1,
                        1,
                        format!("cannot read: {e}"),
                    )),
                }
            }
        }
        for (file, abs) in list_files(&theme_dir.join("i18n")) {
            let shown = format!("themes/{}/i18n/{file}", config.theme);
            match std::fs::read_to_string(&abs) {
                Ok(text) => merge_strings(&mut strings, &file, &text, &shown, diags),
                Err(e) => diags.push(Diagnostic::error(shown, 1, 1, format!("cannot read: {e}"))),
            }
        }
        for (dir, _) in [
            (theme_dir.join("static"), ()),
            (config.root.join("static"), ()),
        ] {
            for (file, abs) in list_files(&dir) {
                statics.insert(format!("/{file}"), StaticSource::File(abs));
            }
        }

        Files {
            templates,
            strings,
            statics,
        }
    }
}

/// Parses every template and links them (inheritance, macro imports); every broken one is a
/// diagnostic at its own file and line.
fn parse_templates(
    templates: &BTreeMap<String, (String, String)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Tera> {
    let mut base = Tera::default();
    base.autoescape_on(vec![".html", ".xml"]);
    // Each template is parsed once, all in parallel (pest's parser is most of a theme's
    // load time), and every broken one is reported with its own file name. The parsed
    // templates go into Tera's (hidden but public) map, then Tera links them as
    // `add_raw_templates` would after parsing them again.
    let parsed = parse_each(templates);
    let mut broken = false;
    // The guards are put in one template after another: each call's site is numbered in one
    // list for the whole theme.
    let mut sites = super::guard::Sites::default();
    for (name, shown, result) in parsed {
        match result {
            Ok(mut t) => {
                super::guard::instrument(&mut t, shown, &templates[name].0, &mut sites);
                base.templates.insert(name.clone(), t);
            }
            Err(e) => {
                broken = true;
                let text = &templates[name].0;
                diags.push(super::template_errors::parse_error(shown, text, &e));
            }
        }
    }
    if broken {
        return Err(Error::Content(
            diags.iter().filter(|d| d.is_error()).count(),
        ));
    }
    super::guard::register(&mut base, sites);
    if let Err(e) = base
        .build_inheritance_chains()
        .and_then(|()| base.check_macro_files())
    {
        diags.push(Diagnostic::error(
            "templates",
            1,
            1,
            format!("templates do not load: {}", error_chain(&e)),
        ));
        return Err(Error::Content(1));
    }
    Ok(base)
}

/// Parses every template, in order, on threads of its own rather than rayon's: a deferred
/// parse ([`Theme::load_deferred`]) runs inside the first render, on a rayon worker that
/// waiting on a rayon job of its own could hand another page's render, which would then
/// wait for this very parse.
fn parse_each(
    templates: &BTreeMap<String, (String, String)>,
) -> Vec<(&String, &String, tera::Result<tera::Template>)> {
    let list: Vec<(&String, &(String, String))> = templates.iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = threads.min(list.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parse_some = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(name, (text, shown))) = list.get(at) else {
                return done;
            };
            done.push((at, (name, shown, tera::Template::new(name, None, text))));
        }
    };
    let mut parsed: Vec<_> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(parse_some)).collect();
        let mut all = parse_some();
        for other in others {
            // A panic inside the parser is the parser's; it reaches the caller as one.
            all.extend(
                other
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        all
    });
    parsed.sort_unstable_by_key(|(at, _)| *at);
    parsed.into_iter().map(|(_, done)| done).collect()
}

/// `date`, `urlencode_strict` and `get_url`: what every language's Tera has (besides the
/// guard, registered with the templates it guards).
fn register_common(base: &mut Tera, config: &Config) {
    base.register_filter("date", DateFilter::default());
    // Tera's own filter of that name needs its `urlencode` feature; the share links need only this.
    base.register_filter("urlencode_strict", urlencode_strict);
    // How a language writes a long date, for scripts that format dates in the browser (the
    // search page's results), so they match the pages.
    base.register_function("date_style", |args: &HashMap<String, Value>| {
        let lang = args.get("lang").and_then(Value::as_str).unwrap_or("en");
        tera::to_value(crate::dates::long_style(lang)).map_err(tera::Error::from)
    });
    let base_path = config.base_path.clone();
    base.register_function("get_url", move |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("get_url needs `path`"))?;
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        Ok(Value::String(format!("{base_path}{path}")))
    });
}

/// One Tera per language, each with a `trans` that knows its language.
fn language_teras(
    base: &Tera,
    config: &Config,
    strings: &std::sync::Arc<BTreeMap<String, BTreeMap<String, String>>>,
) -> HashMap<String, Tera> {
    let fallback = config.default_language.as_str();
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let resolved = LangStrings::resolve_all(strings, &codes, fallback);
    let mut teras = HashMap::new();
    for lang in &config.languages {
        let mut tera = base.clone();
        let trans = Trans::new(&resolved, strings, &lang.code, fallback);
        tera.register_function("trans", trans);
        teras.insert(lang.code.clone(), tera);
    }
    teras
}

/// Every site language's strings as `trans` reads them, shared by the languages' Teras (a
/// template may ask for another language's string: `trans(key=..., lang=t.lang)`).
type Languages = std::sync::Arc<FastMap<String, std::sync::Arc<LangStrings>>>;

/// One language's strings as `trans` reads them: its own file's, else its base language's
/// (`fr` for `fr-CA`), else the default language's. Resolved once per theme load, as Tera
/// values, rather than three `BTreeMap`s deep on each of a page's ~60 `trans` calls.
struct LangStrings {
    values: FastMap<String, Value>,
    /// The language a missing key is reported for.
    named: String,
}

impl LangStrings {
    fn resolve_all(
        strings: &BTreeMap<String, BTreeMap<String, String>>,
        codes: &[&str],
        fallback: &str,
    ) -> Languages {
        let resolved = codes.iter().map(|&code| {
            let found = LangStrings::resolve(strings, code, fallback);
            (code.to_string(), std::sync::Arc::new(found))
        });
        std::sync::Arc::new(resolved.collect())
    }

    fn resolve(
        strings: &BTreeMap<String, BTreeMap<String, String>>,
        lang: &str,
        fallback: &str,
    ) -> LangStrings {
        let base = lang.split('-').next().unwrap_or(lang);
        let (table, named) = match strings.get(lang).or_else(|| strings.get(base)) {
            Some(table) => (Some(table), lang),
            None => (strings.get(fallback), fallback),
        };
        let values = table
            .into_iter()
            .flatten()
            .map(|(key, text)| (key.clone(), Value::String(text.clone())))
            .collect();
        LangStrings {
            values,
            named: named.to_string(),
        }
    }

    fn get(&self, key: &str) -> tera::Result<Value> {
        self.values
            .get(key)
            .cloned()
            .ok_or_else(|| missing_key(key, &self.named))
    }
}

fn missing_key(key: &str, lang: &str) -> tera::Error {
    tera::Error::msg(format!(
        "missing i18n key `{key}` for language `{lang}` (add it to the theme's i18n/{lang}.toml)"
    ))
}

/// The i18n string `key` of `lang` as [`LangStrings`] resolves it, looked up in place: for a
/// language the site does not have, which `trans` is seldom asked for.
fn lookup_string(
    strings: &BTreeMap<String, BTreeMap<String, String>>,
    lang: &str,
    fallback: &str,
    key: &str,
) -> tera::Result<Value> {
    let base = lang.split('-').next().unwrap_or(lang);
    let found = strings
        .get(lang)
        .or_else(|| strings.get(base))
        .and_then(|t| t.get(key));
    match found {
        Some(s) => Ok(Value::String(s.clone())),
        None if !strings.contains_key(lang) && !strings.contains_key(base) => strings
            .get(fallback)
            .and_then(|t| t.get(key))
            .map(|s| Value::String(s.clone()))
            .ok_or_else(|| missing_key(key, fallback)),
        None => Err(missing_key(key, lang)),
    }
}

/// `trans(key=..., lang=...)`: a theme string in the Tera's language, or in `lang`.
struct Trans {
    own: std::sync::Arc<LangStrings>,
    languages: Languages,
    strings: std::sync::Arc<BTreeMap<String, BTreeMap<String, String>>>,
    fallback: String,
}

impl Trans {
    /// `trans` of the language `code`, one of `languages`.
    fn new(
        languages: &Languages,
        strings: &std::sync::Arc<BTreeMap<String, BTreeMap<String, String>>>,
        code: &str,
        fallback: &str,
    ) -> Trans {
        let own = match languages.get(code) {
            Some(own) => own.clone(),
            None => std::sync::Arc::new(LangStrings::resolve(strings, code, fallback)),
        };
        Trans {
            own,
            languages: languages.clone(),
            strings: strings.clone(),
            fallback: fallback.to_string(),
        }
    }
}

impl tera::Function for Trans {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("trans needs `key`"))?;
        // Nearly every call passes `key` alone: no second hash of the arguments for `lang`.
        let lang = if args.len() > 1 {
            args.get("lang").and_then(Value::as_str)
        } else {
            None
        };
        match lang {
            None => self.own.get(key),
            Some(lang) => match self.languages.get(lang) {
                Some(strings) => strings.get(key),
                None => lookup_string(&self.strings, lang, &self.fallback, key),
            },
        }
    }
}

/// The default language's strings are every other language's fallback: a theme without them
/// cannot render a page (it failed inside the 404 template). Other languages without strings
/// fall back to the default language's.
fn check_default_language(
    config: &Config,
    strings: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<()> {
    let code = config.default_language.as_str();
    let base = code.split('-').next().unwrap_or(code);
    if strings.contains_key(code) || strings.contains_key(base) {
        return Ok(());
    }
    let known: Vec<&str> = strings.keys().map(String::as_str).collect();
    Err(config.error_at_key(
        "default_language",
        format!(
            "`default_language = \"{code}\"`: the theme has no strings for `{code}` (it has {}); add `themes/{}/i18n/{code}.toml` or choose one of those",
            known.join(", "),
            config.theme
        ),
    ))
}

/// Renders with Tera, a panic inside it caught: Err holds the panic's message. A theme must
/// not be able to crash a build (exit 101, Rust's message) where it can fail one with a
/// diagnostic; Tera from crates.io panics on some paths (a quoted key with a non-ASCII
/// character, `x["漢字"]`, before the vendored fix).
fn render_caught(
    tera: &Tera,
    template: &str,
    ctx: &tera::Context,
) -> std::result::Result<tera::Result<String>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tera.render(template, ctx))).map_err(
        |payload| {
            (payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into())
        },
    )
}

/// The error of a render that panicked inside the template engine.
fn crashed(template: &str, panic: &str) -> RenderError {
    RenderError {
        message: format!(
            "the template engine stopped with an internal error rendering `{template}`: {panic}"
        ),
        at: None,
        help: Some(
            "this is a bug in Tera or pressroom: please report it with the template; meanwhile \
             rewrite the expression the template was at (a quoted key with non-ASCII characters, \
             `x[\"漢字\"]`, is a known one in Tera from crates.io: name the key in ASCII)"
                .into(),
        ),
    }
}

/// Why a render failed, and where in the templates when that is known.
#[derive(Debug)]
pub struct RenderError {
    /// Tera's message (with its causes when `at` is None).
    pub message: String,
    /// The template file, line and column of the failing expression, or of the call where a
    /// runaway recursion was stopped.
    pub at: Option<(String, usize, usize)>,
    /// The fix, when one is known.
    pub help: Option<String>,
}

fn merge_strings(
    into: &mut BTreeMap<String, BTreeMap<String, String>>,
    file: &str,
    text: &str,
    shown: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(lang) = file.strip_suffix(".toml") else {
        return;
    };
    match toml::from_str::<BTreeMap<String, String>>(text) {
        Ok(map) => into.entry(lang.to_string()).or_default().extend(map),
        Err(e) => {
            let (line, col) =
                crate::diag::LineIndex::new(text).position(e.span().map(|s| s.start).unwrap_or(0));
            diags.push(Diagnostic::error(
                shown,
                line,
                col,
                format!("i18n file: {}", e.message()),
            ));
        }
    }
}

/// Files below `dir`, sorted, as (`/`-separated path inside `dir`, absolute path).
fn list_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return vec![];
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect()
}

/// The deepest cause of an error: Tera's own words without "Failed to render 'x.html'".
fn innermost(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Tera's error and all its causes on one line (Tera puts the useful part in `source()`).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts
        .join(": ")
        .replace('\n', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes every byte but ASCII letters and digits (Tera's `urlencode_strict`): a
/// value that is safe inside any part of a URL, as the share links' query strings need.
fn urlencode_strict(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("urlencode_strict takes a string"))?;
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    Ok(Value::String(out))
}

/// The `date` filter, with the time zones it was asked for: a page's dates are in the site's
/// zone and a handful of items' own, and a look-up in the zone database cost some 1,400
/// instructions a date. One per theme load, shared by its languages' Teras (their filters are
/// one `Arc`): the zones of one build's content and templates.
#[derive(Default)]
struct DateFilter {
    zones: std::sync::RwLock<HashMap<String, Option<jiff::tz::TimeZone>>>,
}

impl DateFilter {
    /// The time zone `name`, None if there is none of that name.
    fn zone(&self, name: &str) -> Option<jiff::tz::TimeZone> {
        let known = self.zones.read().map(|z| z.get(name).cloned());
        if let Ok(Some(zone)) = known {
            return zone;
        }
        let zone = crate::dates::time_zone(name).ok();
        if let Ok(mut zones) = self.zones.write() {
            zones.insert(name.to_string(), zone.clone());
        }
        zone
    }
}

impl tera::Filter for DateFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let Some(text) = value.as_str() else {
            return Ok(Value::String(String::new()));
        };
        let format_name = args.get("format").and_then(Value::as_str).unwrap_or("long");
        let format = crate::dates::DateFormat::parse(format_name).ok_or_else(|| {
            tera::Error::msg(format!(
                "date format `{format_name}` is not one of long, short, datetime, timed, iso"
            ))
        })?;
        let lang = args.get("lang").and_then(Value::as_str).unwrap_or("en");
        let mut zoned = crate::dates::parse_view_date(text)
            .ok_or_else(|| tera::Error::msg(format!("`{text}` is not a date")))?;
        if let Some(tz) = args.get("tz").and_then(Value::as_str) {
            if let Some(tz) = self.zone(tz) {
                zoned = crate::dates::in_zone(zoned, tz);
            }
        }
        Ok(Value::String(crate::dates::format(&zoned, format, lang)))
    }
}

#[cfg(test)]
mod crash_tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_template_engine_is_a_render_error() {
        let mut tera = Tera::default();
        tera.register_function(
            "explode",
            |_: &HashMap<String, Value>| -> tera::Result<Value> { panic!("exploded at byte 3") },
        );
        tera.add_raw_template("page.html", "<p>{{ explode() }}</p>")
            .unwrap();
        let panic = render_caught(&tera, "page.html", &tera::Context::new()).unwrap_err();
        assert_eq!(panic, "exploded at byte 3");
        let e = crashed("page.html", &panic);
        assert!(e.message.contains("`page.html`") && e.message.contains("exploded at byte 3"));
        assert!(e.help.is_some_and(|h| h.contains("report")));
        // A render that does not panic comes back as Tera gave it.
        tera.add_raw_template("ok.html", "<p>{{ 1 + 1 }}</p>")
            .unwrap();
        let ok = render_caught(&tera, "ok.html", &tera::Context::new());
        assert_eq!(ok.unwrap().unwrap(), "<p>2</p>");
    }
}

#[cfg(test)]
mod deferred_tests {
    use super::*;

    fn site(template: &str) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.com\"\n",
        )
        .expect("site.toml");
        std::fs::create_dir_all(dir.path().join("templates")).expect("templates");
        std::fs::write(dir.path().join("templates/probe.html"), template).expect("template");
        let config = Config::load(dir.path(), None).expect("config");
        (dir, config)
    }

    #[test]
    fn a_deferred_parse_renders_what_a_parse_at_load_renders() {
        let (_dir, config) = site("<p>{{ 2 + 3 }} {{ trans(key=\"read_more\") }}</p>");
        let mut diags = Vec::new();
        let eager = Theme::load(&config, &mut diags).expect("load");
        let deferred = Theme::load_deferred(&config, &mut diags).expect("deferred");
        assert!(eager.parsed() && !deferred.parsed());
        assert!(deferred.has("probe.html") && !deferred.has("nothing.html"));
        let ctx = tera::Context::new();
        let want = eager.render("probe.html", "en", &ctx).expect("eager");
        assert_eq!(
            deferred.render("probe.html", "en", &ctx).expect("deferred"),
            want
        );
        assert!(deferred.parsed());
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_deferred_parse_that_fails_fails_each_render_with_the_template_and_line() {
        let (_dir, config) = site("<p>ok</p>\n{{ 1 + }}");
        let mut diags = Vec::new();
        assert!(Theme::load(&config, &mut diags).is_err());
        let deferred = Theme::load_deferred(&config, &mut Vec::new()).expect("deferred");
        for _ in 0..2 {
            let e = deferred
                .render("probe.html", "en", &tera::Context::new())
                .expect_err("broken");
            assert!(
                e.message
                    .starts_with("templates do not load: templates/probe.html:2:"),
                "{e:?}"
            );
        }
    }
}

#[cfg(test)]
mod now_tests {
    use super::*;

    #[test]
    fn uses_of_now_are_found_only_in_tags() {
        assert_eq!(
            now_uses("Subscribe now! {{ page.title }}"),
            Vec::<bool>::new()
        );
        assert_eq!(
            now_uses(r#"© {{ now | truncate(length=4, end="") }} {{ now|date(format="%Y") }}"#),
            vec![true, true]
        );
        assert_eq!(now_uses("{{ now }}"), vec![false]);
        assert_eq!(now_uses("{% set t = now %}{{ t }}"), vec![false]);
        assert_eq!(
            now_uses("{{ page.now }} {{ nowhere }} {{ known }}"),
            Vec::<bool>::new()
        );
        assert_eq!(now_uses("{{ now | date(format=\"%Y-%m\") }}"), vec![false]);
        assert_eq!(now_uses("unclosed {{ now"), vec![false]);
    }
}

#[cfg(test)]
mod function_tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    /// `trans` as it was: a closure that walked the i18n tables on every call.
    fn reference_trans(
        strings: &BTreeMap<String, BTreeMap<String, String>>,
        code: &str,
        fallback: &str,
        args: &HashMap<String, Value>,
    ) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("trans needs `key`"))?;
        let lang = args.get("lang").and_then(Value::as_str).unwrap_or(code);
        let base = lang.split('-').next().unwrap_or(lang);
        let found = strings
            .get(lang)
            .or_else(|| strings.get(base))
            .and_then(|t| t.get(key));
        match found {
            Some(s) => Ok(Value::String(s.clone())),
            None if !strings.contains_key(lang) && !strings.contains_key(base) => strings
                .get(fallback)
                .and_then(|t| t.get(key))
                .map(|s| Value::String(s.clone()))
                .ok_or_else(|| tera::Error::msg(format!("missing i18n key `{key}` for language `{fallback}` (add it to the theme's i18n/{fallback}.toml)"))),
            None => Err(tera::Error::msg(format!("missing i18n key `{key}` for language `{lang}` (add it to the theme's i18n/{lang}.toml)"))),
        }
    }

    const LANGS: &[&str] = &["en", "fr", "fr-CA", "sv", "ko", "de-AT", "xx"];

    fn lang() -> impl Strategy<Value = String> {
        proptest::sample::select(LANGS).prop_map(str::to_string)
    }

    /// An argument: absent, a string (a language or key), or not a string.
    fn arg(texts: impl Strategy<Value = String>) -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            Just(None),
            texts.prop_map(|t| Some(Value::String(t))),
            Just(Some(Value::from(3))),
        ]
    }

    #[test]
    fn zones_come_back_as_the_database_gives_them_whatever_was_asked_before() {
        let names = [
            "Europe/Stockholm",
            "Asia/Seoul",
            "UTC",
            "utc",
            "Nowhere/City",
            "America/New_York",
            "Europe/London",
            "Asia/Tokyo",
            "Europe/Paris",
            "Asia/Dubai",
            "Australia/Sydney",
            "Europe/Stockholmx",
            "",
            "Asia/Kolkata",
        ];
        let at = jiff::Timestamp::from_second(1_790_000_000).expect("a time");
        let seen = |zone: Option<jiff::tz::TimeZone>| {
            zone.map(|z| (z.iana_name().map(str::to_string), z.to_offset(at)))
        };
        // Each round asks for every zone again, in another order.
        let filter = DateFilter::default();
        for round in 0..4 {
            let mut order = names.to_vec();
            order.rotate_left(round * 5 % names.len());
            if round % 2 == 1 {
                order.reverse();
            }
            for name in order {
                let expected = seen(crate::dates::time_zone(name).ok());
                assert_eq!(seen(filter.zone(name)), expected, "{name}");
            }
        }
    }

    proptest! {
        #[test]
        fn trans_answers_as_the_closure_did(
            strings in proptest::collection::btree_map(
                lang(),
                proptest::collection::btree_map("[abc]", "[a-z&<]{0,3}", 0..3),
                0..4,
            ),
            codes in proptest::collection::vec(lang(), 1..3),
            fallback in lang(),
            key in arg("[abcd]".prop_map(String::from)),
            lang_arg in arg(lang()),
            extra in any::<bool>(),
        ) {
            let strings = Arc::new(strings);
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            let resolved = LangStrings::resolve_all(&strings, &codes, &fallback);
            let mut args = HashMap::new();
            if let Some(key) = key {
                args.insert("key".to_string(), key);
            }
            if let Some(lang) = lang_arg {
                args.insert("lang".to_string(), lang);
            }
            if extra {
                args.insert("other".to_string(), Value::Bool(true));
            }
            for code in &codes {
                let trans = Trans::new(&resolved, &strings, code, &fallback);
                let got = tera::Function::call(&trans, &args).map_err(|e| e.to_string());
                let expected = reference_trans(&strings, code, &fallback, &args).map_err(|e| e.to_string());
                prop_assert_eq!(got, expected);
            }
        }

        #[test]
        fn urlencode_strict_encodes_as_format_did(text in ".{0,12}") {
            let mut expected = String::new();
            for b in text.bytes() {
                if b.is_ascii_alphanumeric() {
                    expected.push(b as char);
                } else {
                    expected.push_str(&format!("%{b:02X}"));
                }
            }
            let got = urlencode_strict(&Value::String(text), &HashMap::new()).expect("a string");
            prop_assert_eq!(got, Value::String(expected));
        }
    }
}
