//! What templates see of the media library: kit cards (the `/media/` grid, the home page's
//! press-kit block, an item's "Media kit" block), a kit's page with its assets, and each
//! download link with its type, pixel size, file size and SHA-256.

use crate::config::Config;
use crate::model::media::{Asset, AssetKind, Kit, Rendition};
use serde::Serialize;

/// A file offered for download.
#[derive(Debug, Serialize)]
pub struct FileLink {
    /// Its URL.
    pub url: String,
    /// Media type (`image/jpeg`).
    pub mime: &'static str,
    /// The type for readers (`JPEG`, `PDF`).
    pub format: String,
    /// Pixel size, for images.
    pub width: Option<u32>,
    /// Pixel size, for images.
    pub height: Option<u32>,
    /// Bytes.
    pub size: Option<u64>,
    /// The size for readers (`2.4 MB`).
    pub size_label: Option<String>,
    /// SHA-256, lowercase hex.
    pub sha256: Option<String>,
}

/// A small image for a card or a list: the smallest web size (or a graphic as it is).
#[derive(Debug, Serialize)]
pub struct Thumb {
    /// Fallback URL.
    pub url: String,
    /// The AVIF of the same size, if any.
    pub avif: Option<String>,
    /// The WebP of the same size, if any.
    pub webp: Option<String>,
    /// Pixel size.
    pub width: u32,
    /// Pixel size (0 when unknown: an SVG is sized by CSS).
    pub height: u32,
}

/// A licence for readers.
#[derive(Debug, Serialize)]
pub struct LicenceView {
    /// The key (`cc-by-4.0`).
    pub key: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its public text, if any.
    pub url: Option<&'static str>,
}

/// One asset of a kit.
#[derive(Debug, Serialize)]
pub struct AssetView<'a> {
    /// Its anchor on the kit's page.
    pub anchor: &'a str,
    /// Its link: the kit's page at its anchor.
    pub url: String,
    /// Its path in the kit.
    pub file: &'a str,
    /// Name.
    pub title: &'a str,
    /// `photo`, `graphic`, `document`, `video`, `audio`, `other`.
    pub kind: AssetKind,
    /// Caption, credit, copyright, alt text and language.
    pub caption: Option<&'a str>,
    /// Credit.
    pub credit: Option<&'a str>,
    /// Copyright notice.
    pub copyright: Option<&'a str>,
    /// Licence.
    pub licence: Option<LicenceView>,
    /// Alt text.
    pub alt: Option<&'a str>,
    /// Language of its text or speech.
    pub language: Option<&'a str>,
    /// A thumbnail, for photos and graphics.
    pub thumb: Option<Thumb>,
    /// The original, byte for byte.
    pub original: FileLink,
    /// The web sizes of a photo.
    pub web: Vec<FileLink>,
}

/// A kit as a card and as its page's header.
#[derive(Debug, Serialize)]
pub struct KitView<'a> {
    /// Its id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: Option<&'a str>,
    /// Date, RFC 3339.
    pub date: Option<String>,
    /// Its page.
    pub url: String,
    /// The library's page, `/media/`.
    pub library_url: String,
    /// The ZIP of its originals.
    pub zip: FileLink,
    /// How many files.
    pub count: usize,
    /// Its cover thumbnail.
    pub cover: Option<Thumb>,
    /// Its assets (on its page and in an item's block; empty on cards).
    pub assets: Vec<AssetView<'a>>,
}

/// `12 B`, `3.4 kB`, `2.4 MB`, `1.2 GB` (decimal units, as file managers show them).
pub fn size_label(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The type of a file for readers: its extension in capitals (`JPEG` for `.jpg`).
fn format_label(path: &str) -> String {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => "JPEG".into(),
        "" => "File".into(),
        other => other.to_ascii_uppercase(),
    }
}

/// The original's download link.
fn original(config: &Config, a: &Asset) -> FileLink {
    FileLink {
        url: config.url(&a.path),
        mime: a.mime,
        format: format_label(&a.file),
        width: a.pixels.map(|p| p.0),
        height: a.pixels.map(|p| p.1),
        size: Some(a.size),
        size_label: Some(size_label(a.size)),
        sha256: Some(a.sha256.clone()),
    }
}

/// A web size's download link.
fn rendition(config: &Config, r: &Rendition) -> FileLink {
    FileLink {
        url: config.url(&r.path),
        mime: r.mime,
        format: format_label(&r.path),
        width: Some(r.width),
        height: Some(r.height),
        size: r.size,
        size_label: r.size.map(size_label),
        sha256: r.sha256.clone(),
    }
}

/// An asset's thumbnail: a photo's smallest size, a graphic as it is.
fn thumb(config: &Config, a: &Asset) -> Option<Thumb> {
    match (&a.picture, a.kind) {
        (Some(p), _) => {
            let small = p.fallback.first()?;
            Some(Thumb {
                url: small.url.clone(),
                avif: p.avif.first().map(|w| w.url.clone()),
                webp: p.webp.first().map(|w| w.url.clone()),
                width: small.width,
                height: small.height,
            })
        }
        (None, AssetKind::Graphic) => Some(Thumb {
            url: config.url(&a.path),
            avif: None,
            webp: None,
            width: 0,
            height: 0,
        }),
        _ => None,
    }
}

/// An asset as its kit's page shows it.
pub fn asset_view<'a>(config: &Config, kit: &Kit, a: &'a Asset) -> AssetView<'a> {
    AssetView {
        anchor: &a.anchor,
        url: format!("{}#{}", config.url(&kit.path), a.anchor),
        file: &a.file,
        title: &a.title,
        kind: a.kind,
        caption: a.caption.as_deref(),
        credit: a.credit.as_deref(),
        copyright: a.copyright.as_deref(),
        licence: a.licence.map(|l| LicenceView {
            key: l.key(),
            name: l.name(),
            url: l.url(),
        }),
        alt: a.alt.as_deref(),
        language: a.language.as_deref(),
        thumb: thumb(config, a),
        original: original(config, a),
        web: a.renditions.iter().map(|r| rendition(config, r)).collect(),
    }
}

/// A kit, with the assets `show` keeps (none for a card).
pub fn kit_view<'a>(
    config: &Config,
    kit: &'a Kit,
    zip_size: Option<u64>,
    show: impl Fn(&Asset) -> bool,
) -> KitView<'a> {
    let zip = kit.zip_path();
    KitView {
        id: &kit.id,
        title: &kit.title,
        summary: kit.summary.as_deref(),
        date: kit.date.map(crate::dates::rfc3339_utc),
        url: config.url(&kit.path),
        library_url: config.url(&format!(
            "{}/{}/",
            config.lang_prefix(&kit.lang),
            crate::content::media::DIR
        )),
        zip: FileLink {
            url: config.url(&zip),
            mime: "application/zip",
            format: "ZIP".into(),
            width: None,
            height: None,
            size: zip_size,
            size_label: zip_size.map(size_label),
            sha256: None,
        },
        count: kit.assets.len(),
        cover: kit.cover().and_then(|a| thumb(config, a)),
        assets: kit
            .assets
            .iter()
            .filter(|a| show(a))
            .map(|a| asset_view(config, kit, a))
            .collect(),
    }
}

/// The kits an item's `media = [...]` names, in that order, each with the assets named (all
/// of a kit named whole). A file named after its kit is added to that kit's card; a kit that
/// is not published (still under embargo) is left out.
pub fn item_kits<'a>(
    site: &'a crate::model::Site,
    config: &Config,
    item: &crate::model::Item,
) -> Vec<KitView<'a>> {
    use crate::model::media::Reference;
    let mut picked: Vec<(&Kit, Option<Vec<&str>>)> = Vec::new();
    for written in &item.media {
        let r = Reference::parse(written);
        let Some(kit) = (site.media.kit_in(r.kit, &item.lang))
            .filter(|k| k.appears_in(crate::model::Surface::Page))
        else {
            continue;
        };
        let at = match picked.iter().position(|(k, _)| k.id == kit.id) {
            Some(i) => i,
            None => {
                picked.push((kit, Some(vec![])));
                picked.len() - 1
            }
        };
        match (r.file, &mut picked[at].1) {
            (Some(file), Some(files)) => files.push(file),
            (None, whole) => *whole = None,
            (Some(_), None) => {}
        }
    }
    picked
        .into_iter()
        .map(|(kit, files)| {
            let size = Some(super::super::zip::size(kit));
            kit_view(config, kit, size, |a| {
                files.as_ref().is_none_or(|f| f.contains(&a.file.as_str()))
            })
        })
        .collect()
}

/// The kits that appear on `surface`, as cards (no assets), newest first, each in `lang`
/// where it has that version.
pub fn kit_cards<'a>(
    site: &'a crate::model::Site,
    config: &Config,
    (surface, lang): (crate::model::Surface, &'a str),
    limit: usize,
) -> Vec<KitView<'a>> {
    (site.media.kits_for(lang))
        .filter(|k| k.appears_in(surface))
        .take(limit)
        .map(|k| kit_view(config, k, Some(super::super::zip::size(k)), |_| false))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::size_label;

    #[test]
    fn sizes_read_as_file_managers_show_them() {
        assert_eq!(size_label(999), "999 B");
        assert_eq!(size_label(2_400_000), "2.4 MB");
        assert_eq!(size_label(1_000), "1.0 kB");
    }
}
