//! Assembly of the media library: each kit's `index.md` and files → a [`Kit`] with its
//! publication decided (drafts and embargoed kits are set aside like items: an embargoed kit
//! joins [`Site::withheld`], so the embargo audit and the next-lift time cover it), its
//! `[[assets]]` checked against the files in its folder, and each published file's size and
//! SHA-256 read. A kit's translation (`index.fr.md`) is a kit of its own with the same id and
//! files, on its own page; what it leaves out (credits, licences, alt text, the embargo) it
//! takes from the kit's `index.md`, so a translator writes only the words. Then the items'
//! `media = [...]` references are checked against the kits.

use super::file_sums::{self, Sums, SumsCache};
use super::media::{Asset, AssetKind, Kit, Library, Licence, Reference};
use super::{Publication, Site, Surface, Withheld};
use crate::config::Config;
use crate::content::frontmatter::Status;
use crate::content::media::{AssetRaw, DIR, MediaFiles, ParsedKit};
use crate::dates::parse_in;
use crate::diag::{Diagnostic, did_you_mean};
use crate::options::BuildOptions;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Builds the library into `site.media`, adds its published files to `site.assets` and its
/// embargoed kits to `site.withheld`.
pub fn assemble(
    config: &Config,
    opts: &BuildOptions,
    media: MediaFiles,
    site: &mut Site,
    diags: &mut Vec<Diagnostic>,
) {
    let MediaFiles {
        intro,
        kits: parsed,
        files,
    } = media;
    let mut library = Library::default();
    if let Some(intro) = intro {
        library.title = intro.front.title;
        library.summary = intro.front.summary;
    }
    let by_kit = files_by_kit(&parsed, files, diags);
    let sums = SumsCache::load(&opts.root);
    // Each kit's `index.md` before its translations, which take what they leave out from it.
    let mut order: Vec<&ParsedKit> = parsed.iter().collect();
    order.sort_by_key(|p| (p.id(), p.lang().is_some(), p.lang()));
    for p in order {
        let base = (p.lang().is_some())
            .then(|| {
                parsed
                    .iter()
                    .find(|b| b.id() == p.id() && b.lang().is_none())
            })
            .flatten();
        let lang = p.lang().unwrap_or(&config.default_language);
        let versions: Vec<&Kit> = (library.kits.iter()).filter(|k| k.id == p.id()).collect();
        if versions.iter().any(|k| k.lang == lang) {
            diags.push(
                Diagnostic::error(&p.src.rel, 1, 1, format!("kit `{}` has two versions in `{lang}`", p.id()))
                    .with_help("`index.md` is the kit in the site's default language: remove the language from this file's name, or give it another language"),
            );
            continue;
        }
        let files = by_kit.get(p.id()).cloned().unwrap_or_default();
        let known = versions.first().map(|k| k.assets.as_slice());
        let src = Src { p, base, lang };
        let files = Files {
            files,
            known,
            sums: &sums,
        };
        if let Some(kit) = kit(config, opts, src, files, site, diags) {
            library.kits.push(kit);
        }
    }
    let default = config.default_language.as_str();
    library.kits.sort_by(|a, b| {
        (b.date.cmp(&a.date))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| (a.lang != default, &a.lang).cmp(&(b.lang != default, &b.lang)))
    });
    for kit in library.kits.iter().filter(|k| k.appears_in(Surface::Page)) {
        site.assets
            .extend(kit.assets.iter().map(|a| (a.path.clone(), a.abs.clone())));
    }
    library.sums = Some(std::sync::Arc::new(sums));
    site.media = library;
}

/// The library's files by kit id (the folder under `content/media/`); files outside any kit
/// are not published, with a warning saying so.
fn files_by_kit(
    kits: &[ParsedKit],
    files: Vec<(String, PathBuf)>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<(String, PathBuf)>> {
    let mut by_kit: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for (rel, abs) in files {
        let inner = &rel[DIR.len() + 1..];
        let kit = inner
            .split_once('/')
            .filter(|(id, _)| kits.iter().any(|k| k.id() == *id));
        match kit {
            Some((id, file)) => by_kit
                .entry(id.to_string())
                .or_default()
                .push((file.to_string(), abs)),
            None => diags.push(
                Diagnostic::warning(format!("content/{rel}"), 1, 1, "not in a press kit: not published")
                    .with_help("put the file in a kit's folder, beside its `index.md` (`content/media/KIT/index.md`)"),
            ),
        }
    }
    by_kit
}

/// One version of a kit being assembled: its `index.md` or translation, the kit's own
/// `index.md` when this is a translation, and its language.
#[derive(Clone, Copy)]
struct Src<'a> {
    p: &'a ParsedKit,
    base: Option<&'a ParsedKit>,
    lang: &'a str,
}

impl<'a> Src<'a> {
    /// A kit-wide front-matter value: the version's own, else the kit's `index.md`'s.
    fn or_base<T: Clone + 'a>(&self, get: impl Fn(&'a ParsedKit) -> Option<&'a T>) -> Option<T> {
        get(self.p).or_else(|| self.base.and_then(&get)).cloned()
    }
}

/// The kit's files (name in the folder, file on disk), those another version of the kit has
/// read already (their sizes and hashes are not read twice), and the sums the last build read.
struct Files<'a> {
    files: Vec<(String, PathBuf)>,
    known: Option<&'a [Asset]>,
    sums: &'a SumsCache,
}

/// One kit, or None when it is not part of this build (a draft, an embargoed kit, errors).
fn kit(
    config: &Config,
    opts: &BuildOptions,
    src: Src<'_>,
    files: Files<'_>,
    site: &mut Site,
    diags: &mut Vec<Diagnostic>,
) -> Option<Kit> {
    let p = src.p;
    let id = p.id().to_string();
    let path = format!("{}/{DIR}/{id}/", config.lang_prefix(src.lang));
    let title = src.or_base(|p| p.front.title.as_ref());
    let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
        diags.push(
            Diagnostic::error(&p.src.rel, 1, 1, "a press kit needs a `title`")
                .with_help("add `title = \"Q3 2026 results: press kit\"` to the front matter"),
        );
        return None;
    };
    let mut time = |key: &str, text: Option<&crate::dates::DateText>| {
        let text = text?;
        match parse_in(&text.0, &config.timezone) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.push(p.error_at_key(key, e));
                None
            }
        }
    };
    let date = time("date", p.front.date.as_ref());
    let embargo = time("embargo", p.front.embargo.as_ref()).filter(|&t| t > opts.now);
    // A translation is never out before the kit: it shows the same files.
    let base_time = |key: fn(&ParsedKit) -> Option<&crate::dates::DateText>| {
        let text = src.base.and_then(key)?;
        parse_in(&text.0, &config.timezone).ok()
    };
    let date = date.or_else(|| base_time(|b| b.front.date.as_ref()));
    let embargo =
        embargo.or_else(|| base_time(|b| b.front.embargo.as_ref()).filter(|&t| t > opts.now));
    let publication = Publication::decide(
        Status::Published,
        p.front.draft,
        embargo.is_some(),
        false,
        opts.drafts,
    );
    match (publication, embargo) {
        (Publication::Draft, _) => return None,
        (Publication::Embargoed, Some(until)) => {
            site.withheld.push(Withheld {
                rel: p.src.rel.clone(),
                title,
                slug: id.clone(),
                path: path.into(),
                aliases: vec![],
                translation_key: format!("{DIR}:{id}"),
                until,
            });
            return None;
        }
        _ => {}
    }
    let assets = assets(src, files, diags);
    Some(Kit {
        id,
        rel: p.src.rel.clone(),
        lang: src.lang.to_string(),
        title,
        summary: src.or_base(|p| p.front.summary.as_ref()),
        date,
        path: path.into(),
        publication,
        assets,
    })
}

/// The kit's files: those named in `[[assets]]` first, in that order, then the others by
/// name, each with its metadata checked and its size and SHA-256 read (or taken from another
/// version of the kit). A translation's order is its `index.md`'s.
fn assets(src: Src<'_>, files: Files<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Asset> {
    let Files { files, known, sums } = files;
    let p = src.p;
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    let mut described: BTreeMap<&str, (usize, &AssetRaw)> = BTreeMap::new();
    for (n, raw) in p.front.assets.iter().enumerate() {
        let file = raw.file.trim_start_matches("./");
        let at = |key: &str| p.asset_position(n, key);
        if !names.contains(&file) {
            let (line, col) = at("file");
            let help = match did_you_mean(file, &names) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "put the file in `content/{DIR}/{}/`, or correct the name",
                    p.id()
                ),
            };
            diags.push(
                Diagnostic::error(
                    &p.src.rel,
                    line,
                    col,
                    format!("no file `{file}` in this kit"),
                )
                .with_help(help),
            );
        } else if described.insert(file, (n, raw)).is_some() {
            let (line, col) = at("file");
            diags.push(
                Diagnostic::error(
                    &p.src.rel,
                    line,
                    col,
                    format!("`{file}` is described twice"),
                )
                .with_help("keep one `[[assets]]` entry per file"),
            );
        }
    }
    let base_entry = |file: &str| {
        let base = src.base?;
        (base.front.assets.iter()).position(|r| r.file.trim_start_matches("./") == file)
    };
    let mut order: Vec<(String, PathBuf)> = files;
    order.sort_by_key(|(f, _)| {
        let at = match src.base {
            Some(_) => base_entry(f),
            None => described.get(f.as_str()).map(|(n, _)| *n),
        };
        (at.unwrap_or(usize::MAX), f.clone())
    });
    let read: Vec<Result<(Sums, _), String>> = order
        .par_iter()
        .map(|(file, abs)| {
            let seen = known.and_then(|k| k.iter().find(|a| &a.file == file));
            seen.map_or_else(|| sums.stamped(abs), |a| Ok((sums_of(a), a.stamp)))
        })
        .collect();
    let mut out = Vec::new();
    for ((file, abs), read) in order.into_iter().zip(read) {
        let own = described.get(file.as_str()).copied();
        let from_base = base_entry(&file).and_then(|n| src.base?.front.assets.get(n));
        let entry = Entry {
            own,
            base: from_base,
        };
        let (sums, stamp) = match read {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::error(
                    format!("content/{DIR}/{}/{file}", p.id()),
                    1,
                    1,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if let Some(asset) = asset(src, file, abs, entry, sums, diags) {
            out.push(Asset { stamp, ..asset });
        }
    }
    out
}

/// A file's `[[assets]]` entries: this version's (with its index), and for a translation the
/// kit's `index.md`'s, whose fields fill those the translation leaves out.
#[derive(Clone, Copy)]
struct Entry<'a> {
    own: Option<(usize, &'a AssetRaw)>,
    base: Option<&'a AssetRaw>,
}

impl Entry<'_> {
    /// The entry as it applies: field by field, the version's own, else the base's.
    fn merged(&self) -> AssetRaw {
        let own = self.own.map(|(_, r)| r.clone()).unwrap_or_default();
        let Some(base) = self.base else {
            return own;
        };
        let pick = |a: Option<String>, b: &Option<String>| a.or_else(|| b.clone());
        AssetRaw {
            file: own.file,
            title: pick(own.title, &base.title),
            caption: pick(own.caption, &base.caption),
            credit: pick(own.credit, &base.credit),
            copyright: pick(own.copyright, &base.copyright),
            licence: pick(own.licence, &base.licence),
            alt: pick(own.alt, &base.alt),
            language: pick(own.language, &base.language),
        }
    }
}

/// One file with its metadata: the entry's, else the kit's defaults.
fn asset(
    src: Src<'_>,
    file: String,
    abs: PathBuf,
    entry: Entry<'_>,
    sums: Sums,
    diags: &mut Vec<Diagnostic>,
) -> Option<Asset> {
    let p = src.p;
    let (kind, mime) = AssetKind::of(&file);
    let raw = entry.merged();
    let at = |key: &str| match entry.own {
        Some((n, _)) => p.asset_position(n, key),
        None => (1, 1),
    };
    let kit_licence = src.or_base(|p| p.front.licence.as_ref());
    let licence_key = raw.licence.as_ref().or(kit_licence.as_ref());
    let licence = match licence_key {
        None => None,
        Some(key) => match Licence::parse(key) {
            Some(l) => Some(l),
            None => {
                let (line, col) = if raw.licence.is_some() {
                    at("licence")
                } else {
                    crate::diag::LineIndex::new(&p.text).position(
                        p.front_offset + crate::keys::find_key_offset(p.front_text(), "licence"),
                    )
                };
                let known: Vec<&str> = Licence::ALL.iter().map(|l| l.key()).collect();
                diags.push(
                    Diagnostic::error(&p.src.rel, line, col, format!("unknown licence `{key}`"))
                        .with_help(crate::diag::suggestion_help(key, &known)),
                );
                None
            }
        },
    };
    let alt = raw.alt.clone().filter(|a| !a.trim().is_empty());
    if kind.is_visual() && alt.is_none() {
        let (line, col) = at("alt");
        let help = if entry.own.is_some() {
            "add `alt = \"...\"` to its `[[assets]]` entry: what the image shows, for screen readers and for journalists' captions".to_string()
        } else {
            format!("describe it in an `[[assets]]` entry: `file = \"{file}\"` and `alt = \"...\"`")
        };
        diags.push(
            Diagnostic::error(&p.src.rel, line, col, format!("`{file}` has no alt text"))
                .with_help(help),
        );
    }
    let title = raw
        .title
        .clone()
        .unwrap_or_else(|| file.rsplit('/').next().unwrap_or(&file).to_string());
    Some(Asset {
        anchor: format!("asset-{}", crate::slug::slugify(&file)),
        path: format!("/{DIR}/{}/{file}", p.id()),
        file,
        abs,
        kind,
        mime,
        size: sums.size,
        sha256: sums.sha256,
        crc32: sums.crc32,
        stamp: None,
        title,
        caption: raw.caption,
        credit: raw
            .credit
            .or_else(|| src.or_base(|p| p.front.credit.as_ref())),
        copyright: (raw.copyright).or_else(|| src.or_base(|p| p.front.copyright.as_ref())),
        licence,
        alt,
        language: raw.language,
        pixels: None,
        picture: None,
        renditions: vec![],
    })
}

/// What another version of the kit read.
fn sums_of(a: &Asset) -> Sums {
    Sums {
        size: a.size,
        sha256: a.sha256.clone(),
        crc32: a.crc32,
    }
}

/// A file's size and SHA-256 (lowercase hex), read in blocks.
pub fn size_and_hash(path: &std::path::Path) -> Result<(u64, String), String> {
    file_sums::read(path).map(|s| (s.size, s.sha256))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks every item's `media = [...]`: each names a kit (or a kit's file) of the library.
/// An unknown one is an error with the nearest id; a kit still under embargo is left out of
/// the item's block with a warning (it appears once its embargo lifts).
pub fn check_references(site: &Site, withheld_kits: &[String], diags: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = site.media.kits.iter().map(|k| k.id.as_str()).collect();
    for item in &site.items {
        for written in &item.media {
            let r = Reference::parse(written);
            let front = &item.text[..item.body_offset.min(item.text.len())];
            let key = crate::keys::find_key_offset(front, "media");
            let at = front[key..].find(written.as_str()).map_or(key, |i| key + i);
            let (line, col) = crate::diag::LineIndex::new(&item.text).position(at);
            let problem = match site.media.kit(r.kit) {
                Some(kit) => match r.file {
                    Some(file) if !kit.assets.iter().any(|a| a.file == file) => {
                        let files: Vec<&str> = kit.assets.iter().map(|a| a.file.as_str()).collect();
                        Some((
                            format!("kit `{}` has no file `{file}`", r.kit),
                            crate::diag::suggestion_help(file, &files)
                                .replace("known keys are", "its files are"),
                        ))
                    }
                    _ => None,
                },
                None if withheld_kits.iter().any(|w| w == r.kit) => {
                    if item.appears_in(Surface::Page) {
                        diags.push(
                            Diagnostic::warning(&item.src.rel, line, col, format!("press kit `{}` is under embargo: left out of this page until it lifts", r.kit))
                                .with_help("give the kit the item's embargo time, so both go out together"),
                        );
                    }
                    None
                }
                None => Some((
                    format!("unknown press kit `{}`", r.kit),
                    match did_you_mean(r.kit, &ids) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!(
                            "a kit is a folder `content/{DIR}/KIT/` with an `index.md`; the kits are: {}",
                            if ids.is_empty() {
                                "(none)".to_string()
                            } else {
                                ids.join(", ")
                            }
                        ),
                    },
                )),
            };
            if let Some((message, help)) = problem {
                diags.push(Diagnostic::error(&item.src.rel, line, col, message).with_help(help));
            }
        }
    }
}
