//! The media library: press kits and their files as the site shows them. A kit is the folder
//! `content/media/KIT/` with its `index.md`; every other file in the folder is one of its
//! assets, described by the kit's `[[assets]]` entry for it (title, caption, credit, licence,
//! alt text, language) and otherwise by its own metadata (a photo's EXIF, filled by the image
//! stage). A kit is published like an item: a draft or an embargoed kit appears nowhere, and
//! where a published one appears is asked of its [`Publication`], as for items.

use super::picture::Picture;
use super::{Publication, Surface};
use crate::paths::SitePath;
use jiff::Timestamp;
use std::path::PathBuf;

/// What sort of file an asset is: how it is shown and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    /// JPEG or PNG: web sizes are made, alt text required.
    Photo,
    /// SVG, GIF, WebP or AVIF (a logo, an animation): shown and served as is, alt required.
    Graphic,
    /// A PDF, an office document, a text or data file.
    Document,
    /// A video file (b-roll).
    Video,
    /// A sound file.
    Audio,
    /// Anything else, offered for download.
    Other,
}

impl AssetKind {
    /// The kind and media type of a file name, by its extension.
    pub fn of(file: &str) -> (AssetKind, &'static str) {
        let ext = file
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        use AssetKind::*;
        match ext.as_str() {
            "jpg" | "jpeg" => (Photo, "image/jpeg"),
            "png" => (Photo, "image/png"),
            "svg" => (Graphic, "image/svg+xml"),
            "gif" => (Graphic, "image/gif"),
            "webp" => (Graphic, "image/webp"),
            "avif" => (Graphic, "image/avif"),
            "pdf" => (Document, "application/pdf"),
            "txt" | "md" => (Document, "text/plain"),
            "csv" => (Document, "text/csv"),
            "docx" => (
                Document,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "pptx" => (
                Document,
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
            "xlsx" => (
                Document,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "odt" => (Document, "application/vnd.oasis.opendocument.text"),
            "mp4" | "m4v" => (Video, "video/mp4"),
            "mov" => (Video, "video/quicktime"),
            "webm" => (Video, "video/webm"),
            "mp3" => (Audio, "audio/mpeg"),
            "m4a" => (Audio, "audio/mp4"),
            "wav" => (Audio, "audio/wav"),
            "ogg" => (Audio, "audio/ogg"),
            _ => (Other, "application/octet-stream"),
        }
    }

    /// Whether it is an image a reader sees, which needs alt text.
    pub fn is_visual(self) -> bool {
        matches!(self, AssetKind::Photo | AssetKind::Graphic)
    }
}

/// The licences a kit's files can carry, by the key writers give (`licence = "cc-by-4.0"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Licence {
    /// Creative Commons Zero: no rights reserved.
    Cc0,
    /// Creative Commons Attribution 4.0.
    CcBy4,
    /// Creative Commons Attribution-ShareAlike 4.0.
    CcBySa4,
    /// In the public domain (Public Domain Mark).
    PublicDomain,
    /// Free for editorial use (news and reviews), with the credit; no advertising.
    Editorial,
    /// All rights reserved: ask before any use.
    AllRightsReserved,
}

impl Licence {
    /// Every licence, in the order the docs list them.
    pub const ALL: [Licence; 6] = [
        Licence::Cc0,
        Licence::CcBy4,
        Licence::CcBySa4,
        Licence::PublicDomain,
        Licence::Editorial,
        Licence::AllRightsReserved,
    ];

    /// The key written in front matter.
    pub fn key(self) -> &'static str {
        match self {
            Licence::Cc0 => "cc0",
            Licence::CcBy4 => "cc-by-4.0",
            Licence::CcBySa4 => "cc-by-sa-4.0",
            Licence::PublicDomain => "public-domain",
            Licence::Editorial => "editorial",
            Licence::AllRightsReserved => "all-rights-reserved",
        }
    }

    /// The licence read from its key.
    pub fn parse(key: &str) -> Option<Licence> {
        Licence::ALL.into_iter().find(|l| l.key() == key.trim())
    }

    /// Its name for readers.
    pub fn name(self) -> &'static str {
        match self {
            Licence::Cc0 => "CC0 1.0 (no rights reserved)",
            Licence::CcBy4 => "CC BY 4.0",
            Licence::CcBySa4 => "CC BY-SA 4.0",
            Licence::PublicDomain => "Public domain",
            Licence::Editorial => "Free for editorial use",
            Licence::AllRightsReserved => "All rights reserved",
        }
    }

    /// The licence's public text, when it has one (the press office's own terms have none:
    /// the kit's page states them).
    pub fn url(self) -> Option<&'static str> {
        match self {
            Licence::Cc0 => Some("https://creativecommons.org/publicdomain/zero/1.0/"),
            Licence::CcBy4 => Some("https://creativecommons.org/licenses/by/4.0/"),
            Licence::CcBySa4 => Some("https://creativecommons.org/licenses/by-sa/4.0/"),
            Licence::PublicDomain => Some("https://creativecommons.org/publicdomain/mark/1.0/"),
            Licence::Editorial | Licence::AllRightsReserved => None,
        }
    }
}

/// A derived web size of a photo, offered for download beside the original.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rendition {
    /// Its site path.
    pub path: String,
    /// Media type.
    pub mime: &'static str,
    /// Pixel size.
    pub width: u32,
    /// Pixel size.
    pub height: u32,
    /// File size in bytes (None when `check` did not make it).
    pub size: Option<u64>,
    /// SHA-256, lowercase hex (None when `check` did not make it).
    pub sha256: Option<String>,
}

/// One file of a kit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Asset {
    /// Its path in the kit's folder (`ceo.jpg`, `logos/mark.svg`).
    pub file: String,
    /// The file on disk.
    pub abs: PathBuf,
    /// The original's site path (`/media/q3-2026/ceo.jpg`): served byte for byte.
    pub path: String,
    /// Its anchor on the kit's page (`asset-ceo-jpg`).
    pub anchor: String,
    /// What sort of file.
    pub kind: AssetKind,
    /// Media type.
    pub mime: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the original, lowercase hex.
    pub sha256: String,
    /// CRC-32 of the original, for the kit's ZIP, read with the SHA-256 so the ZIP is
    /// written in one pass over each file.
    pub crc32: u32,
    /// The file's [stamp](crate::stamp) when its size and sums were read (or found in the
    /// index): while the file still has it, it holds the bytes those sums describe. `serve`
    /// checks it before it sends the kit's ZIP. None where stamps are not trusted.
    #[serde(skip)]
    pub stamp: Option<crate::stamp::FileStamp>,
    /// Its name in the kit.
    pub title: String,
    /// Caption.
    pub caption: Option<String>,
    /// Credit.
    pub credit: Option<String>,
    /// Copyright notice.
    pub copyright: Option<String>,
    /// Licence.
    pub licence: Option<Licence>,
    /// Alternative text (photos and graphics have one).
    pub alt: Option<String>,
    /// Language of its text or speech.
    pub language: Option<String>,
    /// Pixel size of a photo (from its header; the image stage fills it).
    pub pixels: Option<(u32, u32)>,
    /// A photo's responsive sizes, for thumbnails (the image stage fills it).
    pub picture: Option<Picture>,
    /// A photo's web sizes offered for download (the image stage fills it).
    pub renditions: Vec<Rendition>,
}

/// One press kit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Kit {
    /// Its id: the folder's name (`q3-2026`), which items name in `media = [...]`.
    pub id: String,
    /// Its `index.md` (or a translation's `index.fr.md`), relative to the site root.
    pub rel: String,
    /// Its language: the site's default for `index.md`, `fr` for `index.fr.md`. A kit's
    /// versions share its id, files and ZIP; each has its own page (`/fr/media/KIT/`).
    pub lang: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Its date (sorts the library newest first).
    pub date: Option<Timestamp>,
    /// Its page: `/media/q3-2026/` (`/fr/media/q3-2026/` in French).
    pub path: SitePath,
    /// Where it appears, decided once like an item's.
    pub publication: Publication,
    /// Its files, in the order of `[[assets]]`, then the others by name.
    pub assets: Vec<Asset>,
}

impl Kit {
    /// Whether it appears on `surface` (its page, files and ZIP go with [`Surface::Page`]; the
    /// library grid with [`Surface::SectionLists`]; the home page's block with
    /// [`Surface::HomeList`]; the sitemap and search as for items).
    pub fn appears_in(&self, surface: Surface) -> bool {
        self.publication.appears_in(surface)
    }

    /// The site path of its ZIP of originals: beside the kit's folder, so no file of the kit
    /// can take its place. One for every language: the originals are the same files.
    pub fn zip_path(&self) -> String {
        format!("/{}/{}.zip", crate::content::media::DIR, self.id)
    }

    /// Its first photo or graphic: the kit's cover on cards.
    pub fn cover(&self) -> Option<&Asset> {
        self.assets
            .iter()
            .find(|a| a.picture.is_some())
            .or_else(|| self.assets.iter().find(|a| a.kind.is_visual()))
    }
}

/// The whole library.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Library {
    /// `/media/`'s title from `content/media/_index.md`.
    pub title: Option<String>,
    /// Its introduction.
    pub summary: Option<String>,
    /// The kits this build knows (neither drafts nor embargoed), newest first; a kit's
    /// version in the default language before its translations.
    pub kits: Vec<Kit>,
    /// The files' sums as this build read them, for the image stage to save when the build
    /// writes (`check` writes nothing): see [`super::file_sums`].
    #[serde(skip)]
    pub sums: Option<std::sync::Arc<super::file_sums::SumsCache>>,
}

impl Library {
    /// The kit called `id` (its version in the default language, when that is published).
    pub fn kit(&self, id: &str) -> Option<&Kit> {
        self.kits.iter().find(|k| k.id == id)
    }

    /// The version of kit `id` in `lang`, else its first version (see [`Library::kit`]).
    pub fn kit_in(&self, id: &str, lang: &str) -> Option<&Kit> {
        (self.kits.iter())
            .find(|k| k.id == id && k.lang == lang)
            .or_else(|| self.kit(id))
    }

    /// The other published versions of `kit` (its translations, or the original).
    pub fn versions_of<'a>(&'a self, kit: &'a Kit) -> impl Iterator<Item = &'a Kit> + 'a {
        (self.kits.iter()).filter(move |k| k.id == kit.id && k.lang != kit.lang)
    }

    /// The kits a page in `lang` lists: each kit once, in `lang` where it has that version,
    /// else in its first version, in the library's order.
    pub fn kits_for<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Kit> + 'a {
        let mut seen = std::collections::BTreeSet::new();
        (self.kits.iter())
            .filter(move |k| seen.insert(k.id.as_str()))
            .filter_map(move |k| self.kit_in(&k.id, lang))
    }

    /// The languages the library has kits in.
    pub fn languages(&self) -> std::collections::BTreeSet<&str> {
        self.kits.iter().map(|k| k.lang.as_str()).collect()
    }

    /// Whether the library has anything to show on `surface`.
    pub fn shows(&self, surface: Surface) -> bool {
        self.kits.iter().any(|k| k.appears_in(surface))
    }
}

/// What an item's `media = [...]` names: a whole kit (`q3-2026`) or one of its files
/// (`q3-2026/ceo.jpg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The kit.
    pub kit: &'a str,
    /// The file, when one is named.
    pub file: Option<&'a str>,
}

impl<'a> Reference<'a> {
    /// Reads a reference as written.
    pub fn parse(text: &'a str) -> Reference<'a> {
        let text = text.trim().trim_matches('/');
        match text.split_once('/') {
            Some((kit, file)) => Reference {
                kit,
                file: Some(file),
            },
            None => Reference {
                kit: text,
                file: None,
            },
        }
    }
}
