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
use derive::{Format, Target};
use rayon::prelude::*;
use refs::{ImageRef, Local};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the stage did: derived files made anew and taken from the cache (`build`'s summary
/// reports them, so a rebuild that did no image work can be seen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Derived files encoded by this build.
    pub made: usize,
    /// Derived files found in the cache.
    pub reused: usize,
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
    let outcomes: Vec<Outcome> = uses
        .par_iter()
        .map(|(local, _)| prepare(local, config, &config.images, &cache, mode))
        .collect();
    let mut stats = portraits::process(site, config, &cache, mode, diags);
    for ((_, uses), outcome) in uses.into_iter().zip(outcomes) {
        match outcome {
            Ok((picture, files, done)) => {
                stats.made += done.made;
                stats.reused += done.reused;
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
    let library = library::process(site, config, &cache, mode, diags);
    stats.made += library.made;
    stats.reused += library.reused;
    site.assets.sort();
    site.assets.dedup();
    stats
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

/// Reads one original's header, plans its sizes at `settings`' widths, and makes those the
/// cache lacks.
fn prepare(
    local: &Local,
    config: &Config,
    settings: &ImageSettings,
    cache: &Cache,
    mode: Mode,
) -> Outcome {
    let bytes = std::fs::read(&local.file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "no such file (looked for `{}`)",
            local
                .file
                .strip_prefix(&config.root)
                .unwrap_or(&local.file)
                .display()
        ),
        _ => format!("cannot read: {e}"),
    })?;
    let header = derive::header(&bytes)?;
    let content = crate::fingerprint::Fingerprinter::default()
        .bytes(&bytes)
        .finish();
    let fallback = if header.png {
        Format::Png
    } else {
        Format::Jpeg
    };
    let mut targets = Vec::new();
    for width in plan_widths(header.width, settings) {
        // Rounded, at least one pixel: a 4000 × 3 banner at 480 wide is 480 × 1.
        let height = ((u64::from(header.height) * u64::from(width) + u64::from(header.width) / 2)
            / u64::from(header.width))
        .max(1) as u32;
        for format in [fallback, Format::WebP] {
            targets.push(Target {
                format,
                width,
                height,
            });
        }
    }
    let planned: Vec<(Target, PathBuf, String)> = targets
        .iter()
        .map(|t| {
            let key = Cache::key(content, t.width, t.format.ext(), settings.quality);
            let path = cache.path(&key, t.format.ext());
            (*t, path, derived_path(&local.site_path, t, &key))
        })
        .collect();
    let jobs: Vec<(Target, PathBuf)> = planned.iter().map(|(t, p, _)| (*t, p.clone())).collect();
    let cached = jobs.iter().filter(|(_, p)| p.is_file()).count();
    let made = derive::make(&bytes, &jobs, settings, cache, mode)?;
    let mut picture = picture(&header, fallback, &planned, config);
    picture.meta = meta::read(&bytes);
    let files = planned.into_iter().map(|(_, p, s)| (s, p)).collect();
    let stats = Stats {
        made,
        reused: cached,
    };
    Ok((picture, files, stats))
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
            quality: 80,
        };
        assert_eq!(plan_widths(4000, &s), [480, 960, 1600]);
        assert_eq!(plan_widths(1200, &s), [480, 960, 1200]);
        assert_eq!(plan_widths(960, &s), [480, 960]);
        assert_eq!(plan_widths(300, &s), [300]);
    }
}
