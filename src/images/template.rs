//! The image functions templates call: `resize_image` (a derived file of any size, in the
//! spirit of Zola's) and `image_meta` (an image's size, format and embedded credits).
//!
//! One [`TemplateImages`] is made per theme load and shared by every rendering thread (the
//! functions registered with Tera hold it); it is the render stage's handle, not global state.
//! A derived file goes through the same cache as the image stage's (`.pressroom/cache/images/`),
//! is made once however many pages ask for it at once, and is written to the output only if a
//! template asked for it: [`TemplateImages::files`] lists them for the output stage. Its name
//! comes from the original's content and the parameters, so builds are deterministic.

use super::Mode;
use super::cache::Cache;
use super::derive::{self, Format, Target};
use crate::config::Config;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Derived sizes above this many pixels a side are refused (the `[images] widths` limit).
const MAX_SIDE: u32 = 16_384;

/// What `resize_image` returns to the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resized {
    /// The derived file's URL (with the base path).
    pub url: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// The original's width (after its EXIF orientation).
    pub orig_width: u32,
    /// The original's height.
    pub orig_height: u32,
}

/// What `image_meta` returns to the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Width in pixels (after its EXIF orientation).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `jpeg`, `png` or `webp`.
    pub format: &'static str,
    /// From its XMP, IPTC or EXIF ([`super::meta`]).
    pub caption: Option<String>,
    /// The credit line or photographer.
    pub credit: Option<String>,
    /// The copyright notice.
    pub copyright: Option<String>,
    /// The licence (a URL or words).
    pub licence: Option<String>,
}

/// How `resize_image` fits the original into the asked size (Zola's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Exactly `width` × `height`, the aspect ratio not kept.
    Scale,
    /// `width` wide, the height following the aspect ratio.
    FitWidth,
    /// `height` high, the width following.
    FitHeight,
    /// Within `width` × `height`, aspect ratio kept; a smaller original is not enlarged.
    Fit,
    /// Exactly `width` × `height`, aspect ratio kept, the excess cropped (centred).
    Fill,
}

impl Op {
    /// The operation named `name`.
    pub fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Op::Scale => "scale",
            Op::FitWidth => "fit_width",
            Op::FitHeight => "fit_height",
            Op::Fit => "fit",
            Op::Fill => "fill",
        }
    }
}

/// One `resize_image` call's arguments, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    /// The image's path from the site root (`press/launch/photo.jpg`, read in `static/`,
    /// else `content/`).
    pub path: String,
    /// Asked width (required by scale, fit_width, fit, fill).
    pub width: Option<u32>,
    /// Asked height (required by scale, fit_height, fit, fill).
    pub height: Option<u32>,
    /// The operation.
    pub op: Op,
    /// `auto` (the original's: PNG for PNG, else JPEG), `jpeg`, `png`, `webp` or `avif`.
    pub format: Option<&'static str>,
    /// Encoding quality (1-100); None: `[images] quality`.
    pub quality: Option<u8>,
}

/// A memoized answer: computed once, by the first thread to ask.
type Cell<T> = Arc<OnceLock<Result<T, String>>>;

/// An original's identity on disk: its path, length and modification time (a `serve`
/// rebuild keeps the handle; an edited photo must not get the old answer).
type Stamp = (PathBuf, u64, Option<std::time::SystemTime>);

/// The shared handle (see the module comment).
pub struct TemplateImages {
    root: PathBuf,
    base_path: String,
    encoding: derive::Encoding,
    mode: Mode,
    cache: Cache,
    resized: Mutex<HashMap<(Stamp, Request), Cell<Resized>>>,
    metas: Mutex<HashMap<Stamp, Cell<Meta>>>,
    /// Derived files asked for: site path → (cache file, original).
    files: Mutex<BTreeMap<String, (PathBuf, PathBuf)>>,
    made: AtomicUsize,
    reused: AtomicUsize,
}

impl TemplateImages {
    /// The handle for one site; `mode` says whether derived files are made (`build`,
    /// `serve`) or only planned (`check` writes nothing).
    pub fn new(config: &Config, mode: Mode) -> Self {
        TemplateImages {
            root: config.root.clone(),
            base_path: config.base_path.clone(),
            encoding: derive::Encoding::of(&config.images),
            mode,
            cache: Cache::new(&config.root),
            resized: Mutex::default(),
            metas: Mutex::default(),
            files: Mutex::default(),
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    /// The derived files templates asked for, as (site path, cache file), sorted.
    pub fn files(&self) -> Vec<(String, PathBuf)> {
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files
            .iter()
            .map(|(s, (p, _))| (s.clone(), p.clone()))
            .collect()
    }

    /// The originals under `content/` that templates resized though this build does not
    /// publish them (`published`: the sources of the site's assets): an embargoed, draft or
    /// unlisted item's photo, named by a fixed path. Sorted, each once.
    pub fn unpublished(&self, published: &std::collections::HashSet<&Path>) -> Vec<PathBuf> {
        let content = self.root.join("content");
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        let mut found: Vec<PathBuf> = files
            .values()
            .map(|(_, original)| original)
            .filter(|o| o.starts_with(&content) && !published.contains(o.as_path()))
            .cloned()
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// Derived files made anew and found in the cache since the last call (a `serve`
    /// rebuild keeps the handle, and reports only its own work).
    pub fn take_stats(&self) -> super::Stats {
        super::Stats {
            made: self.made.swap(0, Ordering::Relaxed),
            reused: self.reused.swap(0, Ordering::Relaxed),
            ..super::Stats::default()
        }
    }

    /// `resize_image`: the derived file for `request`, made (or found in the cache) once.
    pub fn resize(&self, request: &Request) -> Result<Resized, String> {
        let (file, stamp) = self.locate(&request.path)?;
        let cell = {
            let mut memo = self.resized.lock().unwrap_or_else(PoisonError::into_inner);
            memo.entry((stamp, request.clone())).or_default().clone()
        };
        cell.get_or_init(|| self.make(request, &file)).clone()
    }

    /// `image_meta`: the size, format and credits of the image at `path`.
    pub fn meta(&self, path: &str) -> Result<Meta, String> {
        let (file, stamp) = self.locate(path)?;
        let cell = {
            let mut memo = self.metas.lock().unwrap_or_else(PoisonError::into_inner);
            memo.entry(stamp).or_default().clone()
        };
        cell.get_or_init(|| {
            let bytes = read(&file)?;
            let header = derive::header(&bytes)?;
            let meta = super::meta::read(&bytes);
            Ok(Meta {
                width: header.width,
                height: header.height,
                format: header.format,
                caption: meta.caption,
                credit: meta.credit,
                copyright: meta.copyright,
                licence: meta.licence,
            })
        })
        .clone()
    }

    /// The file of a template's image path, and its stamp.
    fn locate(&self, path: &str) -> Result<(PathBuf, Stamp), String> {
        let site_path = site_path(path).ok_or_else(|| {
            format!(
                "`{path}` is not a path inside the site (a path from the site root, without `..`)"
            )
        })?;
        let rel = &site_path[1..];
        let candidates = [
            self.root.join("static").join(rel),
            self.root.join("content").join(rel),
        ];
        let Some(file) = candidates.iter().find(|f| f.is_file()) else {
            return Err(format!(
                "no image at `{path}` (looked for `static/{rel}` and `content/{rel}`)"
            ));
        };
        let meta = std::fs::metadata(file).map_err(|e| format!("cannot read `{path}`: {e}"))?;
        let stamp = (file.clone(), meta.len(), meta.modified().ok());
        Ok((file.clone(), stamp))
    }

    /// Plans, and in `Mode::Make` makes, one derived file.
    fn make(&self, request: &Request, file: &Path) -> Result<Resized, String> {
        let bytes = read(file)?;
        let header = derive::header(&bytes)?;
        let (width, height, region) = plan(request, header.width, header.height)?;
        let format = match request.format.unwrap_or("auto") {
            "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "webp" => Format::WebP,
            "avif" => Format::Avif,
            _ if header.png => Format::Png,
            _ => Format::Jpeg,
        };
        let encoding = derive::Encoding {
            quality: request.quality.unwrap_or(self.encoding.quality),
            ..self.encoding
        };
        let content = crate::fingerprint::Fingerprinter::default()
            .bytes(&bytes)
            .finish();
        let key = Cache::template_key(
            content,
            &op_label(request.op, region),
            (width, height),
            format,
            encoding,
        );
        let cached = self.cache.path(&key, format.ext());
        let site_path = site_path(&request.path).unwrap_or_default();
        let stem = site_path
            .rsplit_once('.')
            .map_or(site_path.as_str(), |(s, _)| s);
        let derived = format!("{stem}.{width}x{height}.{}.{}", &key[..10], format.ext());
        if cached.is_file() {
            self.reused.fetch_add(1, Ordering::Relaxed);
        } else if self.mode == Mode::Make {
            let target = Target {
                format,
                width,
                height,
            };
            derive::make_one(&bytes, region, target, encoding, &cached, &self.cache)?;
            self.made.fetch_add(1, Ordering::Relaxed);
        }
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(derived.clone(), (cached, file.to_path_buf()));
        Ok(Resized {
            url: format!("{}{derived}", self.base_path),
            width,
            height,
            orig_width: header.width,
            orig_height: header.height,
        })
    }
}

fn read(file: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))
}

/// The operation and the region it keeps, for the cache key.
fn op_label(op: Op, region: derive::Region) -> String {
    match region {
        Some((l, t, w, h)) => format!("{}:{l}:{t}:{w}:{h}", op.name()),
        None => op.name().to_string(),
    }
}

/// `/a/b.jpg` for `a/b.jpg`, `/a/b.jpg` or `./a/./b.jpg`; None when it climbs out with `..`,
/// is empty, or is a URL.
fn site_path(path: &str) -> Option<String> {
    if path.contains("://") || path.starts_with("//") {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| format!("/{}", parts.join("/")))
}

/// The derived size of an original `ow` × `oh` and the region of it kept (None: all).
fn plan(request: &Request, ow: u32, oh: u32) -> Result<(u32, u32, derive::Region), String> {
    let need = |v: Option<u32>, what: &str| {
        v.ok_or_else(|| format!("`op=\"{}\"` needs `{what}`", request.op.name()))
    };
    // a × b / c, rounded, at least 1.
    let ratio = |a: u32, b: u32, c: u32| {
        ((u64::from(a) * u64::from(b) + u64::from(c) / 2) / u64::from(c)).max(1)
    };
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let (w, h, region) = match request.op {
        Op::Scale => (
            need(request.width, "width")?,
            need(request.height, "height")?,
            None,
        ),
        Op::FitWidth => {
            let w = need(request.width, "width")?;
            (w, clamp(ratio(oh, w, ow)), None)
        }
        Op::FitHeight => {
            let h = need(request.height, "height")?;
            (clamp(ratio(ow, h, oh)), h, None)
        }
        Op::Fit => {
            let (bw, bh) = (
                need(request.width, "width")?,
                need(request.height, "height")?,
            );
            if ow <= bw && oh <= bh {
                (ow, oh, None)
            } else if u64::from(ow) * u64::from(bh) >= u64::from(oh) * u64::from(bw) {
                // Wider than the box: its width decides.
                (bw, clamp(ratio(oh, bw, ow)), None)
            } else {
                (clamp(ratio(ow, bh, oh)), bh, None)
            }
        }
        Op::Fill => {
            let (w, h) = (
                need(request.width, "width")?,
                need(request.height, "height")?,
            );
            let (fw, fh) = (f64::from(ow), f64::from(oh));
            let region = if u64::from(ow) * u64::from(h) > u64::from(oh) * u64::from(w) {
                let cw = (fh * f64::from(w) / f64::from(h)).round();
                ((fw - cw) / 2.0, 0.0, cw, fh)
            } else {
                let ch = (fw * f64::from(h) / f64::from(w)).round();
                (0.0, ((fh - ch) / 2.0).floor(), fw, ch)
            };
            let whole = region == (0.0, 0.0, fw, fh);
            (w, h, (!whole).then_some(region))
        }
    };
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "the size asked for, {w} × {h}, is not between 1 and {MAX_SIDE} pixels a side"
        ));
    }
    Ok((w, h, region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(op: Op, width: Option<u32>, height: Option<u32>) -> Request {
        Request {
            path: "a.jpg".into(),
            width,
            height,
            op,
            format: None,
            quality: None,
        }
    }

    #[test]
    fn each_operation_gives_zolas_sizes() {
        let size = |op, w, h| plan(&req(op, w, h), 4000, 3000).map(|(w, h, r)| (w, h, r.is_some()));
        assert_eq!(size(Op::Scale, Some(100), Some(100)), Ok((100, 100, false)));
        assert_eq!(size(Op::FitWidth, Some(800), None), Ok((800, 600, false)));
        assert_eq!(size(Op::FitHeight, None, Some(300)), Ok((400, 300, false)));
        assert_eq!(size(Op::Fit, Some(800), Some(800)), Ok((800, 600, false)));
        assert_eq!(size(Op::Fit, Some(800), Some(300)), Ok((400, 300, false)));
        assert_eq!(
            size(Op::Fit, Some(8000), Some(8000)),
            Ok((4000, 3000, false)),
            "never enlarged"
        );
        assert_eq!(size(Op::Fill, Some(300), Some(300)), Ok((300, 300, true)));
        assert_eq!(
            size(Op::Fill, Some(400), Some(300)),
            Ok((400, 300, false)),
            "same shape: no crop"
        );
        let (_, _, region) = plan(&req(Op::Fill, Some(300), Some(300)), 4000, 3000).unwrap();
        assert_eq!(region, Some((500.0, 0.0, 3000.0, 3000.0)), "centred square");
        assert!(
            size(Op::Fill, Some(300), None)
                .unwrap_err()
                .contains("needs `height`")
        );
        assert!(size(Op::Scale, Some(0), Some(1)).is_err());
        assert!(size(Op::FitWidth, Some(100_000), None).is_err());
        assert_eq!(
            plan(&req(Op::FitWidth, Some(1), None), 4000, 3).map(|p| p.1),
            Ok(1)
        );
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("press/./a.jpg").as_deref(), Some("/press/a.jpg"));
        assert_eq!(site_path("/a.jpg").as_deref(), Some("/a.jpg"));
        assert_eq!(site_path("../etc/passwd"), None);
        assert_eq!(site_path("https://cdn/a.jpg"), None);
        assert_eq!(site_path(""), None);
    }
}
