//! The image stage: between assembly and the Markdown stage, every local JPEG or PNG that an
//! item's body shows gets its derived sizes (the widths of `[images] widths` below its own,
//! in its format and in WebP), made in parallel or taken from the cache ([`cache`]), recorded
//! on the item ([`crate::model::Item::pictures`]) for the Markdown stage's `<picture>` and
//! added to the site's assets for the output. Only items this build renders are read, so an
//! embargoed item's images get no derived files. Missing alt text, missing files, unreadable
//! images and decompression bombs are reported at the image's line in the Markdown.

mod cache;
mod derive;
mod embedded;
mod icc;
mod iptc;
mod library;
mod meta;
mod portraits;
mod refs;
mod stamps;
pub mod template;
mod xmp;

pub use cache::CACHE_DIR;

use crate::config::{Config, ImageSettings};
use crate::content::dialect::Dialect;
use crate::content::frontmatter::Kind;
use crate::diag::{Diagnostic, LineIndex};
use crate::model::picture::{Picture, Variant};
use crate::model::{ItemId, Site, Surface};
use cache::Cache;
use derive::{Encoding, Format, Target};
use rayon::prelude::*;
use refs::{ImageRef, Local};
use stamps::{Known, Stamp, Stamps};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the stage did: derived files made anew and taken from the cache, and originals read
/// (`build`'s summary reports them, so a rebuild that did no image work can be seen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Derived files encoded by this build.
    pub made: usize,
    /// Derived files found in the cache.
    pub reused: usize,
    /// Originals read whole (new or changed since the last build, or whose derived files
    /// had to be made); an unchanged original is known by its stamp ([`stamps`]).
    pub originals_read: usize,
    /// The bytes of those originals.
    pub original_bytes: u64,
}

impl Stats {
    /// Adds what another part of the stage did.
    pub fn add(&mut self, other: Stats) {
        self.made += other.made;
        self.reused += other.reused;
        self.originals_read += other.originals_read;
        self.original_bytes += other.original_bytes;
    }
}

/// Whether derived files are made (`build`, `serve`) or only checked (`check`, which writes
/// nothing: each original not in the cache is decoded whole, so damage is found, but nothing
/// is encoded or stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make what the cache lacks.
    Make,
    /// Decode, write nothing.
    Check,
}

/// Where an image is used: the item and the image as written there.
struct Use {
    item: ItemId,
    image: ImageRef,
}

/// One original, processed: its picture and derived files (site path, cache file), or why not.
type Outcome = Result<(Picture, Vec<(String, PathBuf)>, Stats), String>;

/// Runs the stage over every item of `site` (see the module comment).
pub fn process(site: &mut Site, config: &Config, mode: Mode, diags: &mut Vec<Diagnostic>) -> Stats {
    let dialect = Dialect::of(config);
    let found: Vec<Vec<ImageRef>> = site
        .items
        .par_iter()
        .map(|item| refs::image_refs(item, dialect))
        .collect();
    let mut uses: BTreeMap<Local, Vec<Use>> = BTreeMap::new();
    for (id, mut images) in found.into_iter().enumerate() {
        for image in &images {
            check_alt(site, id, image, diags);
        }
        // A page that is not written needs no sizes (a standby page; embargoed items are not
        // in `site.items` at all).
        if !site.items[id].appears_in(Surface::Page) {
            continue;
        }
        // A front-matter image that names no file here (a CDN path, a file added by the
        // deploy) stays what it was before photos were processed: a URL for `og:image`.
        let item = &site.items[id];
        images.extend(lead_ref(item).filter(|lead| {
            refs::resolve(&config.root, item, &lead.dest).is_some_and(|l| l.file.is_file())
        }));
        for image in images {
            if let Some(local) = refs::resolve(&config.root, &site.items[id], &image.dest) {
                uses.entry(local).or_default().push(Use { item: id, image });
            }
        }
    }
    let cache = Cache::new(&config.root);
    let stamps = Stamps::load(&config.root, cache.dir());
    let outcomes: Vec<Outcome> = uses
        .par_iter()
        .map(|(local, _)| prepare(local, config, &config.images, (&cache, &stamps), mode))
        .collect();
    let mut stats = portraits::process(site, config, (&cache, &stamps), mode, diags);
    for ((_, uses), outcome) in uses.into_iter().zip(outcomes) {
        match outcome {
            Ok((picture, files, done)) => {
                stats.add(done);
                site.assets.extend(files);
                for u in uses {
                    let item = &mut site.items[u.item];
                    let mut picture = picture.clone();
                    // The front matter speaks of its own `image`, the lead photo.
                    if item.image.as_ref() == Some(&u.image.dest) {
                        picture.meta = picture.meta.overridden_by(&item.image_meta);
                    }
                    item.pictures.insert(u.image.dest, picture);
                }
            }
            Err(message) => {
                for u in uses {
                    diags.push(at_image(site, &u, message.clone()));
                }
            }
        }
    }
    // The media library's photos, made with the same cache.
    stats.add(library::process(
        site,
        config,
        (&cache, &stamps),
        mode,
        diags,
    ));
    site.assets.sort();
    site.assets.dedup();
    // `check` writes nothing.
    if mode == Mode::Make {
        save_indexes(site, &stamps, diags);
    }
    stats
}

/// Saves what this build learnt of the photos and of the kit files (whose sums the model read:
/// it cannot tell a build from `check`). An index that cannot be written costs the next build
/// a re-read.
fn save_indexes(site: &Site, stamps: &Stamps, diags: &mut Vec<Diagnostic>) {
    if let Some(Err(message)) = site.media.sums.as_ref().map(|s| s.save()) {
        diags.push(
            Diagnostic::warning(crate::model::file_sums::FILE, 1, 1, message)
                .with_help("make `.pressroom/cache/` writable (or delete it): until then every build hashes every kit file again"),
        );
    }
    if let Err(message) = stamps.save() {
        let file = format!("{CACHE_DIR}/{}", stamps::FILE);
        diags.push(Diagnostic::warning(file, 1, 1, message).with_help(
            "make `.pressroom/cache/images/` writable (or delete it): until then every build reads every photo again",
        ));
    }
}

/// The front-matter `image` (the lead image), at its key; its alt text is the headline.
fn lead_ref(item: &crate::model::Item) -> Option<ImageRef> {
    let dest = item.image.clone()?;
    let at = crate::keys::find_key_offset(&item.text[..item.body_offset], "image");
    Some(ImageRef {
        dest,
        alt: item.title.clone(),
        at,
        figure: false,
        decorative: false,
    })
}

/// An error about the image `u` at its place in its item's file.
fn at_image(site: &Site, u: &Use, message: String) -> Diagnostic {
    let item = &site.items[u.item];
    let (line, col) = LineIndex::new(&item.text).position(u.image.at);
    Diagnostic::error(
        &item.src.rel,
        line,
        col,
        format!("image `{}`: {message}", u.image.dest),
    )
    .with_help("check the file name, or export the image again as JPEG or PNG and commit it whole")
}

/// A missing alt text: a warning, an error on releases and statements (journalists and
/// screen-reader users depend on them, and they are republished as they are).
fn check_alt(site: &Site, id: ItemId, image: &ImageRef, diags: &mut Vec<Diagnostic>) {
    if !image.alt.trim().is_empty() || image.decorative {
        return;
    }
    let item = &site.items[id];
    let (line, col) = LineIndex::new(&item.text).position(image.at);
    let message = format!("image `{}` has no alt text", image.dest);
    let d = if matches!(item.kind, Kind::Release | Kind::Statement) {
        Diagnostic::error(&item.src.rel, line, col, message)
    } else {
        Diagnostic::warning(&item.src.rel, line, col, message)
    };
    diags.push(d.with_help(if image.figure {
        "describe what the image shows: `alt=\"The CEO on stage at the launch\"`, or add `decorative=true` when it adds nothing to the text"
    } else {
        "describe what the image shows between the brackets: `![The CEO on stage at the launch](photo.jpg)`"
    }));
}

/// The image cache and the stamp index of its originals, shared by the stage's parts.
type Store<'a> = (&'a Cache, &'a Stamps);

/// Plans one original's sizes at `settings`' widths and makes those the cache lacks. An
/// original whose stamp is in the index and whose sizes are all cached is not read at all.
fn prepare(
    local: &Local,
    config: &Config,
    settings: &ImageSettings,
    (cache, stamps): Store<'_>,
    mode: Mode,
) -> Outcome {
    let mut stats = Stats::default();
    let stamp = std::fs::metadata(&local.file)
        .map(|m| Stamp::of(&m))
        .map_err(|e| cannot_read(local, config, e))?;
    // Known by its stamp, with every derived file in the cache: the original is not read.
    let looked_up = stamps.lookup(&local.file, stamp).map(|known| {
        let planned = plan(&known, settings, cache);
        (known, planned)
    });
    let (known, planned, bytes) = match looked_up {
        Some((known, planned)) if planned.iter().all(|(_, p, _)| cache.has(p)) => {
            stats.reused = planned.len();
            (known, planned, None)
        }
        _ => {
            let bytes = std::fs::read(&local.file).map_err(|e| cannot_read(local, config, e))?;
            stats.originals_read = 1;
            stats.original_bytes = bytes.len() as u64;
            let known = learn(&bytes)?;
            stamps.record(&local.file, stamp, &known);
            let planned = plan(&known, settings, cache);
            (known, planned, Some(bytes))
        }
    };
    if let Some(bytes) = &bytes {
        stats.reused = planned.iter().filter(|(_, p, _)| cache.has(p)).count();
        let jobs: Vec<(Target, PathBuf)> =
            planned.iter().map(|(t, p, _)| (*t, p.clone())).collect();
        stats.made = derive::make(bytes, &jobs, settings, cache, mode)?;
    }
    let planned: Vec<(Target, PathBuf, String)> = planned
        .into_iter()
        .map(|(t, p, key)| {
            let site = derived_path(&local.site_path, &t, &key);
            (t, p, site)
        })
        .collect();
    let mut picture = picture(&known.header, fallback(&known.header), &planned, config);
    picture.meta = known.meta;
    let files = planned.into_iter().map(|(_, p, s)| (s, p)).collect();
    Ok((picture, files, stats))
}

/// Why an original cannot be read, in words.
fn cannot_read(local: &Local, config: &Config, e: std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "no such file (looked for `{}`)",
            local
                .file
                .strip_prefix(&config.root)
                .unwrap_or(&local.file)
                .display()
        ),
        _ => format!("cannot read: {e}"),
    }
}

/// What an original's bytes say: its header (refused when damaged or too big), content
/// fingerprint and embedded metadata.
fn learn(bytes: &[u8]) -> Result<Known, String> {
    let header = derive::header(bytes)?;
    let content = crate::fingerprint::Fingerprinter::default()
        .bytes(bytes)
        .finish();
    Ok(Known {
        content,
        header,
        meta: meta::read(bytes),
    })
}

/// The fallback format of an original: PNG stays PNG, anything else becomes JPEG.
fn fallback(header: &derive::Header) -> Format {
    if header.png {
        Format::Png
    } else {
        Format::Jpeg
    }
}

/// Each derived file of an original: its target, cache file and cache key.
fn plan(known: &Known, settings: &ImageSettings, cache: &Cache) -> Vec<(Target, PathBuf, String)> {
    let header = &known.header;
    let mut planned = Vec::new();
    for width in plan_widths(header.width, settings) {
        // Rounded, at least one pixel: a 4000 × 3 banner at 480 wide is 480 × 1.
        let height = ((u64::from(header.height) * u64::from(width) + u64::from(header.width) / 2)
            / u64::from(header.width))
        .max(1) as u32;
        let modern = settings.formats.iter().map(|&f| Format::modern(f));
        for format in std::iter::once(fallback(header)).chain(modern) {
            let target = Target {
                format,
                width,
                height,
            };
            let key = Cache::key(known.content, width, format, Encoding::of(settings));
            planned.push((target, cache.path(&key, format.ext()), key));
        }
    }
    planned
}

/// The widths to derive: each configured width below the original's, and the original's
/// own width when it is not above the widest configured (never upscaled).
fn plan_widths(original: u32, settings: &ImageSettings) -> Vec<u32> {
    let mut widths: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|&w| w < original)
        .collect();
    if settings.widths.last().is_none_or(|&max| original <= max) || widths.is_empty() {
        widths.push(original.min(settings.widths.last().copied().unwrap_or(original)));
    }
    widths.dedup();
    widths
}

/// A derived file's site path beside its original: `/press/launch/photo.jpg` at 480 px in
/// WebP is `/press/launch/photo.480.1a2b3c4d5e.webp` (the key part changes with the content,
/// so caches and CDNs never serve an old photo under a new page).
fn derived_path(original: &str, target: &Target, key: &str) -> String {
    let stem = original.rsplit_once('.').map_or(original, |(s, _)| s);
    format!(
        "{stem}.{}.{}.{}",
        target.width,
        &key[..10.min(key.len())],
        target.format.ext()
    )
}

/// The picture the Markdown stage shows.
fn picture(
    header: &derive::Header,
    fallback: Format,
    planned: &[(Target, PathBuf, String)],
    config: &Config,
) -> Picture {
    let variants = |format: Format| -> Vec<Variant> {
        planned
            .iter()
            .filter(|(t, _, _)| t.format == format)
            .map(|(t, _, path)| Variant {
                url: config.url(path),
                width: t.width,
                height: t.height,
            })
            .collect()
    };
    Picture {
        width: header.width,
        height: header.height,
        fallback_type: match fallback {
            Format::Png => "image/png",
            _ => "image/jpeg",
        },
        fallback: variants(fallback),
        avif: variants(Format::Avif),
        webp: variants(Format::WebP),
        meta: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_small_originals_keep_their_size() {
        let s = ImageSettings {
            widths: vec![480, 960, 1600],
            ..ImageSettings::default()
        };
        assert_eq!(plan_widths(4000, &s), [480, 960, 1600]);
        assert_eq!(plan_widths(1200, &s), [480, 960, 1200]);
        assert_eq!(plan_widths(960, &s), [480, 960]);
        assert_eq!(plan_widths(300, &s), [300]);
    }
}
