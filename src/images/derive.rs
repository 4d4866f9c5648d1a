//! One original's derived files: its header read (size, orientation) with the bomb check
//! before any pixel is decoded, then, for the sizes the cache lacks, one decode, a SIMD
//! resize per width and an encode per format. Re-encoding from pixels carries no EXIF (no
//! GPS position, no camera serial) into the derived files; the colour profile is the one
//! thing carried over ([`super::icc`]), so a wide-gamut photo keeps its colours.

use super::cache::Cache;
use crate::config::ImageSettings;
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::io::Cursor;

/// Images over this many pixels are refused before decoding: a 50,000 × 50,000 px header
/// (a few hundred bytes of file) would ask for 7.5 GB. 120 megapixels passes every camera a
/// press office uses.
pub(super) const MAX_PIXELS: u64 = 120_000_000;

/// The decoder's own memory bound, in bytes, in case a header understates what it needs.
const MAX_ALLOC: u64 = 1 << 30;

/// An encoding of a derived file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// JPEG, the fallback for JPEG originals.
    Jpeg,
    /// PNG, the fallback for PNG originals (keeps transparency, lossless).
    Png,
    /// Lossy WebP (with alpha when the original has it).
    WebP,
    /// AVIF (with alpha when the original has it).
    Avif,
}

impl Format {
    /// The file extension.
    pub(super) fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Avif => "avif",
        }
    }

    /// The derived format of a modern format `site.toml` asks for.
    pub(super) fn modern(format: crate::config::ModernFormat) -> Format {
        match format {
            crate::config::ModernFormat::Avif => Format::Avif,
            crate::config::ModernFormat::WebP => Format::WebP,
        }
    }
}

/// How derived files are encoded: the quality of every lossy format, and AVIF's speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Encoding {
    pub(super) quality: u8,
    pub(super) avif_speed: u8,
}

impl Encoding {
    /// The encoding `site.toml` sets.
    pub(super) fn of(settings: &ImageSettings) -> Encoding {
        Encoding {
            quality: settings.quality,
            avif_speed: settings.avif_speed,
        }
    }
}

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    /// Width and height as shown (after the EXIF orientation).
    pub(super) width: u32,
    pub(super) height: u32,
    /// Whether the original is a PNG (its fallback stays PNG).
    pub(super) png: bool,
    /// Its format's name: `jpeg`, `png` or `webp`.
    pub(super) format: &'static str,
}

/// A file to make: its format and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) format: Format,
    pub(super) width: u32,
    pub(super) height: u32,
}

/// Reads the header of `bytes`: size and format, refusing what cannot be read or is too big.
pub(super) fn header(bytes: &[u8]) -> Result<Header, String> {
    let mut decoder = decoder(bytes)?;
    let (w, h) = decoder.dimensions();
    let turned = decoder
        .orientation()
        .map(|o| {
            use image::metadata::Orientation::*;
            matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
        })
        .unwrap_or(false);
    let format = image::guess_format(bytes).ok();
    if format == Some(image::ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err("the JPEG file is truncated (it has no end-of-image marker after its image data): an interrupted copy or upload?".into());
    }
    let png = format == Some(image::ImageFormat::Png);
    if w == 0 || h == 0 {
        return Err("the image has no pixels (its header says 0 wide or 0 high)".into());
    }
    let (width, height) = if turned { (h, w) } else { (w, h) };
    let format = match format {
        Some(image::ImageFormat::Png) => "png",
        Some(image::ImageFormat::WebP) => "webp",
        _ => "jpeg",
    };
    Ok(Header {
        width,
        height,
        png,
        format,
    })
}

/// Whether a JPEG has its end-of-image marker (`FF D9`) after the start of its last scan
/// (`FF DA`). The JPEG decoder is lenient, and shows a cut-off photo with a grey lower part
/// rather than fail. In scan data an `FF` byte is always followed by `00` or a restart
/// marker, so neither marker appears there by accident; the last scan is the main image's
/// (an EXIF thumbnail, with its own markers, comes before it). Data some cameras append
/// after the marker is allowed.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let Some(scan) = bytes.windows(2).rposition(|w| w == [0xff, 0xda]) else {
        return false;
    };
    bytes[scan..].windows(2).any(|w| w == [0xff, 0xd9])
}

/// A decoder over `bytes` that has read the header only, with the size checked.
fn decoder(bytes: &[u8]) -> Result<Box<dyn ImageDecoder + '_>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    // The header alone: the size is known before a pixel is decoded.
    let (w, h) = reader.into_dimensions().map_err(describe)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "the image is {w} × {h} pixels, over the limit of {} megapixels: refused before decoding (a decompression bomb, or a photo to export smaller)",
            MAX_PIXELS / 1_000_000
        ));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    reader.limits(limits_for(w, h));
    let decoder = reader.into_decoder().map_err(describe)?;
    Ok(Box::new(decoder))
}

fn limits_for(w: u32, h: u32) -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits
}

/// A decoding error in words for the writer.
fn describe(e: image::ImageError) -> String {
    match e {
        image::ImageError::Unsupported(u) => format!("unsupported image: {u}"),
        image::ImageError::Limits(_) => {
            "the image needs more memory to decode than pressroom allows (1 GiB)".into()
        }
        other => format!("cannot decode the image (truncated or damaged?): {other}"),
    }
}

/// Decodes `bytes` whole, turned upright by its EXIF orientation, with its ICC colour
/// profile (None when it has none, or one that cannot be read: the photo still shows).
fn decode(bytes: &[u8]) -> Result<(DynamicImage, Option<Vec<u8>>), String> {
    let mut decoder = decoder(bytes)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|p| !p.is_empty());
    let mut img = DynamicImage::from_decoder(decoder).map_err(describe)?;
    img.apply_orientation(orientation);
    Ok((img, icc))
}

/// Makes every target of one original that `cache` lacks; returns how many were made.
pub(super) fn make(
    bytes: &[u8],
    targets: &[(Target, std::path::PathBuf)],
    settings: &ImageSettings,
    cache: &Cache,
    mode: super::Mode,
) -> Result<usize, String> {
    let missing: Vec<&(Target, std::path::PathBuf)> =
        targets.iter().filter(|(_, p)| !cache.has(p)).collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let (img, icc) = decode(bytes)?;
    if mode == super::Mode::Check {
        return Ok(0);
    }
    let alpha = img.color().has_alpha();
    let pixels = if alpha {
        Pixels::Rgba(img.to_rgba8())
    } else {
        Pixels::Rgb(img.to_rgb8())
    };
    // Each size and format on its own thread: one new photo (what a writer adds while
    // previewing) is ready in the time of its slowest file (its widest AVIF), not their sum.
    use rayon::prelude::*;
    missing.par_iter().try_for_each(|(target, path)| {
        let (raw, w, h) = resize(&pixels, target.width, target.height)?;
        let bytes = encode(
            &raw,
            w,
            h,
            alpha,
            target.format,
            Encoding::of(settings),
            icc.as_deref(),
        )?;
        cache.store(path, &bytes)
    })?;
    Ok(missing.len())
}

/// Makes one derived file for a template's `resize_image`: the `region` of the original
/// (all of it with None) scaled to `w` × `h` and encoded, stored at `path` in `cache`.
pub(super) fn make_one(
    bytes: &[u8],
    region: Region,
    target: Target,
    encoding: Encoding,
    path: &std::path::Path,
    cache: &Cache,
) -> Result<(), String> {
    let (img, icc) = decode(bytes)?;
    // JPEG has no alpha: a transparent PNG asked for as JPEG loses it.
    let alpha = img.color().has_alpha() && target.format != Format::Jpeg;
    let pixels = if alpha {
        Pixels::Rgba(img.to_rgba8())
    } else {
        Pixels::Rgb(img.to_rgb8())
    };
    let (raw, w, h) = resize_region(&pixels, region, target.width, target.height)?;
    let bytes = encode(&raw, w, h, alpha, target.format, encoding, icc.as_deref())?;
    cache.store(path, &bytes)
}

/// Decoded pixels, 8 bits a channel.
enum Pixels {
    Rgb(image::RgbImage),
    Rgba(image::RgbaImage),
}

/// The pixels scaled to `w` × `h` with a Lanczos filter (alpha premultiplied while filtering).
fn resize(pixels: &Pixels, w: u32, h: u32) -> Result<(Vec<u8>, u32, u32), String> {
    resize_region(pixels, None, w, h)
}

/// A region of the original (left, top, width, height), or all of it with None, scaled to
/// `w` × `h`.
pub(super) type Region = Option<(f64, f64, f64, f64)>;

fn resize_region(
    pixels: &Pixels,
    region: Region,
    w: u32,
    h: u32,
) -> Result<(Vec<u8>, u32, u32), String> {
    use fast_image_resize as fr;
    let (raw, sw, sh, kind) = match pixels {
        Pixels::Rgb(p) => (p.as_raw(), p.width(), p.height(), fr::PixelType::U8x3),
        Pixels::Rgba(p) => (p.as_raw(), p.width(), p.height(), fr::PixelType::U8x4),
    };
    if (sw, sh) == (w, h) && region.is_none() {
        return Ok((raw.clone(), w, h));
    }
    let src = fr::images::ImageRef::new(sw, sh, raw, kind).map_err(|e| e.to_string())?;
    let mut dst = fr::images::Image::new(w, h, kind);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((left, top, width, height)) = region {
        options = options.crop(left, top, width, height);
    }
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok((dst.into_vec(), w, h))
}

/// Encodes raw pixels, with the colour profile `icc` when there is one.
fn encode(
    raw: &[u8],
    w: u32,
    h: u32,
    alpha: bool,
    format: Format,
    encoding: Encoding,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let quality = encoding.quality;
    let color = if alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            // JPEG has no alpha: a JPEG original decodes without it.
            let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            if let Some(icc) = icc {
                // APP2 `ICC_PROFILE` segments (split when over 64 KB); cannot fail for JPEG.
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder
                .write_image(raw, w, h, color)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
            if let Some(icc) = icc {
                // An `iCCP` chunk.
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder
                .write_image(raw, w, h, color)
                .map_err(|e| e.to_string())?;
        }
        Format::WebP => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(raw, w, h)
            } else {
                webp::Encoder::from_rgb(raw, w, h)
            };
            let memory = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| format!("cannot encode WebP: {e:?}"))?;
            out.extend_from_slice(&memory);
            if let Some(icc) = icc {
                out = super::icc::webp_with_profile(&out, icc)
                    .ok_or("the WebP encoder wrote a file pressroom cannot add a profile to")?;
            }
        }
        Format::Avif => out = encode_avif(raw, w, h, alpha, encoding, icc)?,
    }
    Ok(out)
}

/// Encodes an AVIF with ravif: 8-bit, full-range YCbCr (what every decoder shows alike),
/// alpha cleaned under fully transparent pixels so it compresses. ravif writes no colour
/// profile; [`super::icc::avif_with_profile`] adds the original's.
fn encode_avif(
    raw: &[u8],
    w: u32,
    h: u32,
    alpha: bool,
    encoding: Encoding,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    use ravif::{BitDepth, Img};
    let (w, h) = (w as usize, h as usize);
    let encoder = ravif::Encoder::new()
        .with_quality(f32::from(encoding.quality))
        .with_alpha_quality(f32::from(encoding.quality))
        .with_speed(encoding.avif_speed)
        .with_bit_depth(BitDepth::Eight);
    let encoded = if alpha {
        let pixels: Vec<ravif::RGBA8> = raw
            .chunks_exact(4)
            .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
            .collect();
        encoder.encode_rgba(Img::new(&pixels[..], w, h))
    } else {
        let pixels: Vec<ravif::RGB8> = raw
            .chunks_exact(3)
            .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
            .collect();
        encoder.encode_rgb(Img::new(&pixels[..], w, h))
    }
    .map_err(|e| format!("cannot encode AVIF: {e}"))?;
    let out = encoded.avif_file;
    match icc {
        Some(icc) => super::icc::avif_with_profile(&out, icc).ok_or_else(|| {
            "the AVIF encoder wrote a file pressroom cannot add a profile to".into()
        }),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::jpeg_is_whole;

    #[test]
    fn a_jpeg_cut_anywhere_after_its_last_scan_starts_is_not_whole() {
        let whole = [0xff, 0xd8, 0xff, 0xda, 1, 2, 0xff, 0x00, 3, 0xff, 0xd9];
        assert!(jpeg_is_whole(&whole));
        let mut trailer = whole.to_vec();
        trailer.extend(b"camera trailer");
        assert!(jpeg_is_whole(&trailer));
        for cut in 4..whole.len() - 1 {
            assert!(!jpeg_is_whole(&whole[..cut]), "cut at {cut}");
        }
        assert!(!jpeg_is_whole(&[0xff, 0xd8, 0xff, 0xd9]), "no scan at all");
    }
}
