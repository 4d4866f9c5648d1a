//! The media library's pages: `/media/` (every published kit with its files' thumbnails) and
//! a page per kit (`/media/KIT/`) listing each file at its own anchor with its metadata and
//! download links, the kit's ZIP, and JSON-LD describing each file (`ImageObject` with
//! `creditText`, `copyrightNotice`, `license`, `acquireLicensePage`). One page per kit rather
//! than one per file: a journalist on deadline wants a story's files and their credits side
//! by side, and every file still has a link of its own (its anchor).

use super::{PageJob, RenderCtx, structured, views};
use crate::config::Config;
use crate::content::media::DIR;
use crate::model::Surface;
use crate::model::media::{AssetKind, Kit};
use serde_json::{Value, json};

/// The library page and each kit's page, in the default language.
pub(super) fn jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<PageJob<'a>>) {
    let (config, site) = (ctx.config, ctx.site);
    let lang = config.default_language.clone();
    if !site.media.shows(Surface::Page) {
        return;
    }
    let owner = format!("content/{DIR}/_index.md");
    jobs.push(PageJob::new(
        "media.html",
        &lang,
        format!("/{DIR}/"),
        owner,
        vec![],
        move || {
            let kits: Vec<Value> = site
                .media
                .kits
                .iter()
                .filter(|k| k.appears_in(Surface::SectionLists))
                .map(|k| {
                    let size = Some(crate::render::zip::size(k));
                    views::to_value(&views::media::kit_view(config, k, size, |_| true))
                })
                .collect();
            let library = json!({
                "title": site.media.title,
                "summary": site.media.summary,
                "kits": kits,
            });
            (vec![("library", library)], vec![])
        },
    ));
    for kit in site
        .media
        .kits
        .iter()
        .filter(|k| k.appears_in(Surface::Page))
    {
        jobs.push(PageJob::new(
            "media_kit.html",
            &lang,
            &kit.path,
            &kit.rel,
            vec![],
            move || {
                let size = Some(crate::render::zip::size(kit));
                let view = views::media::kit_view(config, kit, size, |_| true);
                let ld = structured::script_safe(&kit_jsonld(config, kit));
                (
                    vec![
                        ("kit", views::to_value(&view)),
                        ("jsonld", Value::String(ld)),
                    ],
                    vec![],
                )
            },
        ));
    }
}

/// The kit page's JSON-LD: a `CollectionPage` whose parts are its files, each an
/// `ImageObject` (photos, graphics), `VideoObject`, `AudioObject` or `MediaObject`.
fn kit_jsonld(config: &Config, kit: &Kit) -> Value {
    let page = config.permalink(&config.url(&kit.path));
    let parts: Vec<Value> = kit
        .assets
        .iter()
        .map(|a| {
            let kind = match a.kind {
                AssetKind::Photo | AssetKind::Graphic => "ImageObject",
                AssetKind::Video => "VideoObject",
                AssetKind::Audio => "AudioObject",
                _ => "MediaObject",
            };
            let mut v = json!({
                "@type": kind,
                "@id": format!("{page}#{}", a.anchor),
                "name": a.title,
                "contentUrl": config.permalink(&config.url(&a.path)),
                "encodingFormat": a.mime,
                "contentSize": a.size.to_string(),
                "sha256": a.sha256,
                "acquireLicensePage": page,
            });
            let fields = [
                ("caption", a.caption.clone()),
                ("creditText", a.credit.clone()),
                ("copyrightNotice", a.copyright.clone()),
                ("inLanguage", a.language.clone()),
                ("description", a.alt.clone()),
                (
                    "license",
                    a.licence.map(|l| {
                        l.url()
                            .map_or_else(|| format!("{page}#licence"), str::to_string)
                    }),
                ),
            ];
            for (key, value) in fields {
                if let Some(value) = value {
                    v[key] = Value::String(value);
                }
            }
            if let Some((w, h)) = a.pixels {
                v["width"] = w.into();
                v["height"] = h.into();
            }
            v
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": kit.title,
        "url": page,
        "hasPart": parts,
    })
}
