//! The media library's photos: each JPEG and PNG of a published kit gets the web sizes a
//! body's photo gets (made once, then taken from the cache), shown as thumbnails and offered
//! for download beside the untouched original. Its EXIF fills the caption, credit and
//! copyright its kit does not give. A kit that is not published (embargoed, draft) is not in
//! `site.media` at all, so none of its sizes is made.

use super::refs::Local;
use super::{Mode, Outcome, Stats};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::media::{AssetKind, Rendition};
use crate::model::{Site, Surface};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Makes (or finds) the sizes of every published kit photo and records them on the assets.
pub(super) fn process(
    site: &mut Site,
    config: &Config,
    store: super::Store<'_>,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> Stats {
    // Each photo once, however many language versions of its kit show it.
    let mut jobs: BTreeMap<PathBuf, (Local, Vec<(usize, usize)>)> = BTreeMap::new();
    for (k, kit) in site.media.kits.iter().enumerate() {
        if !kit.appears_in(Surface::Page) {
            continue;
        }
        for (a, asset) in kit.assets.iter().enumerate() {
            if asset.kind == AssetKind::Photo {
                let local = Local {
                    file: asset.abs.clone(),
                    site_path: asset.path.clone(),
                };
                let job = jobs.entry(asset.abs.clone()).or_insert((local, vec![]));
                job.1.push((k, a));
            }
        }
    }
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|(_, (local, _))| super::prepare(local, config, &config.images, store, mode))
        .collect();
    let mut stats = Stats::default();
    for ((_, (_, shown)), outcome) in jobs.into_iter().zip(outcomes) {
        if let Ok((_, _, done)) = &outcome {
            stats.add(*done);
        }
        for (k, a) in shown {
            apply(site, config, (k, a), outcome.clone(), diags);
        }
    }
    stats
}

/// Records a photo's outcome on one kit's asset: its sizes, or an error at the kit.
fn apply(
    site: &mut Site,
    config: &Config,
    (k, a): (usize, usize),
    outcome: Outcome,
    diags: &mut Vec<Diagnostic>,
) {
    let kit = &mut site.media.kits[k];
    let asset = &mut kit.assets[a];
    match outcome {
        Ok((picture, files, _)) => {
            asset.pixels = Some((picture.width, picture.height));
            let meta = &picture.meta;
            asset.caption = asset.caption.take().or_else(|| meta.caption.clone());
            asset.credit = asset.credit.take().or_else(|| meta.credit.clone());
            asset.copyright = asset.copyright.take().or_else(|| meta.copyright.clone());
            asset.renditions = picture
                .fallback
                .iter()
                .filter_map(|v| {
                    let (path, file) = files.iter().find(|(p, _)| config.url(p) == v.url)?;
                    let read = crate::model::library::size_and_hash(file).ok();
                    Some(Rendition {
                        path: path.clone(),
                        mime: picture.fallback_type,
                        width: v.width,
                        height: v.height,
                        size: read.as_ref().map(|r| r.0),
                        sha256: read.map(|r| r.1),
                    })
                })
                .collect();
            asset.picture = Some(picture);
            site.assets.extend(files);
        }
        Err(message) => diags.push(
            Diagnostic::error(&kit.rel, 1, 1, format!("`{}`: {message}", asset.file))
                .with_help("export the image again as JPEG or PNG and commit it whole"),
        ),
    }
}
