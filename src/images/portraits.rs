//! Authors' portraits: `photo` in `data/authors.toml`, a JPEG or PNG in `data/` (or, with a
//! leading `/`, in `static/`), resized like a body photo but at portrait widths, recorded on
//! the site ([`crate::model::Site::portraits`]) for the author page and bylines. Only authors
//! who get a page (named by an item of this build) are processed; the original in `data/` is
//! not published, only its derived sizes, beside the author's page (`/authors/ID/`).

use super::refs::Local;
use super::{Mode, Stats};
use crate::config::{Config, ImageSettings};
use crate::diag::{Diagnostic, LineIndex};
use crate::model::Site;
use rayon::prelude::*;

/// Portrait widths: shown 32 to 128 CSS pixels wide, so 1x to 4x of that.
const WIDTHS: [u32; 3] = [128, 256, 512];

/// Where the authors file lives.
const FILE: &str = "data/authors.toml";

/// Processes every portrait (see the module comment); errors point at the `photo` value.
pub(super) fn process(
    site: &mut Site,
    config: &Config,
    store: super::Store<'_>,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> Stats {
    let settings = ImageSettings {
        widths: WIDTHS.to_vec(),
        ..config.images.clone()
    };
    let in_use = site.authors_in_use();
    let wanted: Vec<(String, String)> = site
        .authors
        .iter()
        .filter(|(id, _)| in_use.contains(id.as_str()))
        .filter_map(|(id, p)| Some((id.clone(), p.photo.clone()?)))
        .collect();
    let outcomes: Vec<_> = wanted
        .par_iter()
        .map(|(id, photo)| {
            let local = resolve(config, id, photo)?;
            super::prepare(&local, config, &settings, store, mode)
        })
        .collect();
    let mut stats = Stats::default();
    for ((id, photo), outcome) in wanted.into_iter().zip(outcomes) {
        match outcome {
            Ok((picture, files, done)) => {
                stats.add(done);
                // Only the derived sizes: the original in `data/` stays private.
                site.assets.extend(files);
                site.portraits.insert(id, picture);
            }
            Err(message) => diags.push(at_photo(config, &photo, message)),
        }
    }
    stats
}

/// The file of `photo` and the site path its derived sizes are named after.
fn resolve(config: &Config, id: &str, photo: &str) -> Result<Local, String> {
    let (folder, rel) = match photo.strip_prefix('/') {
        Some(rest) => ("static", rest),
        None => ("data", photo),
    };
    let parts: Vec<&str> = rel
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if photo.contains(':') || parts.contains(&"..") || parts.is_empty() {
        return Err(format!("`photo = \"{photo}\"` is not a file of the site"));
    }
    if !matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png")) {
        return Err(format!("`photo = \"{photo}\"` is not a JPEG or PNG file"));
    }
    let file = config.root.join(folder).join(parts.join("/"));
    let name = parts.last().copied().unwrap_or_default();
    Ok(Local {
        file,
        site_path: format!("/authors/{id}/{name}"),
    })
}

/// An error at the `photo` value in `data/authors.toml`.
fn at_photo(config: &Config, photo: &str, message: String) -> Diagnostic {
    let text = std::fs::read_to_string(config.root.join(FILE)).unwrap_or_default();
    let at = text.find(&format!("\"{photo}\"")).unwrap_or(0);
    let (line, col) = LineIndex::new(&text).position(at);
    Diagnostic::error(FILE, line, col, format!("portrait `{photo}`: {message}")).with_help(
        "`photo` is a JPEG or PNG in `data/` (`portraits/jane.jpg`), or in `static/` with a leading `/`",
    )
}
