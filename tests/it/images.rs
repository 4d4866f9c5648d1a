//! Press photos: Markdown images of local JPEG and PNG files become responsive `<picture>`s
//! whose every size exists with its stated width; derived files carry no EXIF; damaged images
//! and decompression bombs are errors at their Markdown line; the cache makes a second build
//! do no image work; an embargoed item's photos stay out of the output. Fixtures are made here.

use crate::common::*;
use std::path::Path;

/// A `w` × `h` JPEG with some detail (a gradient with a pattern), optionally with an EXIF
/// segment holding a GPS latitude.
pub(crate) fn jpeg(w: u32, h: u32, gps: bool) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .expect("encode");
    if gps {
        out.splice(2..2, exif_with_gps());
    }
    out
}

/// An APP1 Exif segment: a big-endian TIFF whose IFD0 points at a GPS IFD holding
/// `GPSLatitudeRef = "N"` and a marker string a test can look for.
fn exif_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: one entry, GPSInfo (0x8825, LONG) → offset 26.
    tiff.extend([0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    // GPS IFD: one entry, GPSLatitudeRef (1, ASCII, 2) = "N".
    tiff.extend([0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut seg = vec![0xff, 0xe1];
    let len = (2 + 6 + tiff.len()) as u16;
    seg.extend(len.to_be_bytes());
    seg.extend(b"Exif\x00\x00");
    seg.extend(tiff);
    seg
}

/// A `w` × `h` PNG with transparency.
pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            200,
            (x % 256) as u8,
            (y % 256) as u8,
            if x < w / 2 { 255 } else { 80 },
        ])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode");
    out
}

pub(crate) fn write(site: &SiteTest, rel: &str, bytes: &[u8]) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// A blog post bundle at `content/blog/launch/` showing `body`.
pub(crate) fn bundle(site: &SiteTest, front: &str, body: &str) {
    site.file(
        "content/blog/launch/index.md",
        &format!("+++\ntitle = \"Launch\"\ndate = 2026-11-20\n{front}+++\n\n{body}"),
    );
}

/// The output file a URL of the site names.
pub(crate) fn file_of(out: &Path, url: &str) -> std::path::PathBuf {
    out.join(url.trim_start_matches('/'))
}

/// `url 480w, url 960w` → [(url, 480), (url, 960)].
pub(crate) fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').expect("url and width");
            (
                url.to_string(),
                w.trim_end_matches('w').parse().expect("width"),
            )
        })
        .collect()
}

const BODY: &str = "Intro.\n\n![The CEO on stage](photo.jpg \"The launch in Oslo\")\n\nA chart ![Sales chart](chart.png) inline.\n\n![Partner logo](https://cdn.example.org/logo.png) and ![Our logo](logo.svg)\n";

fn photo_site() -> SiteTest {
    let site = SiteTest::new();
    bundle(&site, "", BODY);
    write(
        &site,
        "content/blog/launch/photo.jpg",
        &jpeg(2000, 1000, true),
    );
    write(&site, "content/blog/launch/chart.png", &png(300, 200));
    site.file(
        "content/blog/launch/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site
}

#[test]
fn local_images_become_pictures_whose_every_size_exists_at_its_width() {
    let site = photo_site();
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    let imgs: Vec<_> = html.select(&sel("main img, article img, img")).collect();
    assert_eq!(imgs.len(), 4, "{}", html.html());
    for img in &imgs {
        for attr in ["alt", "width", "height"] {
            if img.value().attr("src").is_some_and(|s| s.starts_with("/")) {
                assert!(img.value().attr(attr).is_some(), "{attr} on {}", img.html());
            }
        }
        assert!(img.value().attr("alt").is_some_and(|a| !a.is_empty()));
    }
    // Remote images and SVG as written.
    let srcs = attrs(&html, "img", "src");
    assert!(
        srcs.contains(&"https://cdn.example.org/logo.png".to_string()),
        "{srcs:?}"
    );
    assert!(srcs.contains(&"logo.svg".to_string()), "{srcs:?}");
    // Every candidate of every srcset exists, decodes in its format, at its stated width.
    let mut seen = 0;
    for el in html.select(&sel("picture source, picture img")) {
        let srcset = el.value().attr("srcset").expect("srcset");
        let webp = el.value().attr("type") == Some("image/webp");
        for (url, width) in candidates(srcset) {
            let bytes = std::fs::read(file_of(&run.out, &url)).expect("derived file exists");
            let format = image::guess_format(&bytes).expect("a known format");
            if webp {
                assert_eq!(format, image::ImageFormat::WebP, "{url}");
            } else {
                assert!(matches!(
                    format,
                    image::ImageFormat::Jpeg | image::ImageFormat::Png
                ));
            }
            let decoded = image::load_from_memory(&bytes).expect("decodes");
            assert_eq!(decoded.width(), width, "{url}");
            seen += 1;
        }
    }
    // The photo at 480, 960 and 1600 (not 2000: never above the widest configured) and the
    // 300 px chart only at its own size (never upscaled), each in two formats: 2 × 3 + 2 × 1.
    assert_eq!(seen, 2 * 3 + 2);
    // The titled photo alone in its paragraph is a figure with its caption; the inline chart
    // is not.
    assert_eq!(texts(&html, "figure figcaption"), ["The launch in Oslo"]);
    assert_eq!(attrs(&html, "figure img", "alt"), ["The CEO on stage"]);
    assert_eq!(attrs(&html, "p picture img", "alt"), ["Sales chart"]);
    let photo = html.select(&sel("figure img")).next().expect("photo");
    assert_eq!(photo.value().attr("width"), Some("1600"));
    assert_eq!(photo.value().attr("height"), Some("800"));
    assert_eq!(photo.value().attr("loading"), Some("lazy"));
    assert_eq!(photo.value().attr("decoding"), Some("async"));
}

#[test]
fn derived_files_carry_no_exif_and_originals_are_copied_byte_identical() {
    let site = photo_site();
    let run = site.build_ok();
    let original = std::fs::read(site.root().join("content/blog/launch/photo.jpg")).expect("read");
    assert_eq!(
        std::fs::read(run.out.join("blog/launch/photo.jpg")).expect("copied"),
        original
    );
    assert!(
        original.windows(6).any(|w| w == b"Exif\0\0"),
        "the fixture has EXIF"
    );
    let derived: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.starts_with("blog/launch/photo.") && f != "blog/launch/photo.jpg")
        .collect();
    assert_eq!(derived.len(), 6, "{derived:?}");
    for f in derived {
        let bytes = std::fs::read(run.out.join(&f)).expect("read");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF in {f}");
    }
}

#[test]
fn a_truncated_image_is_an_error_at_its_markdown_line() {
    let site = SiteTest::new();
    bundle(&site, "", "Intro.\n\nSee ![The plant](plant.jpg).\n");
    let whole = jpeg(800, 600, false);
    write(
        &site,
        "content/blog/launch/plant.jpg",
        &whole[..whole.len() / 3],
    );
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors_in("content/blog/launch/index.md");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    // `+++`, title, date, `+++`, blank, `Intro.`, blank: line 8, after `See `.
    assert_eq!((errors[0].line, errors[0].col), (8, 5), "{errors:?}");
    assert!(errors[0].message.contains("plant.jpg"), "{errors:?}");
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

/// A PNG whose header claims `w` × `h` pixels, with a single tiny IDAT chunk.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    let site = SiteTest::new();
    bundle(&site, "", "![A huge picture](bomb.png)\n");
    write(
        &site,
        "content/blog/launch/bomb.png",
        &png_header_only(50_000, 50_000),
    );
    let started = std::time::Instant::now();
    let run = site.build();
    // Decoding 50,000 × 50,000 pixels would take minutes and 7.5 GB; refusing it, moments.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    run.assert_code(1);
    let errors = run.errors_in("content/blog/launch/index.md");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!((errors[0].line, errors[0].col), (6, 1), "{errors:?}");
    assert!(errors[0].message.contains("50000 × 50000"), "{errors:?}");
}

#[test]
fn a_missing_alt_text_warns_on_posts_and_fails_releases() {
    let site = SiteTest::new();
    bundle(&site, "", "![](photo.jpg)\n");
    write(
        &site,
        "content/blog/launch/photo.jpg",
        &jpeg(100, 50, false),
    );
    let run = site.build_ok();
    let warnings: Vec<_> = run.diagnostics();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert_eq!(warnings[0].severity, "warning");
    assert_eq!((warnings[0].line, warnings[0].col), (6, 1));
    assert!(warnings[0].message.contains("alt"), "{warnings:?}");

    bundle(&site, "kind = \"release\"\n", "![](photo.jpg)\n");
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors_in("content/blog/launch/index.md");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(errors[0].message.contains("alt"), "{errors:?}");
}

#[test]
fn a_second_build_takes_every_image_from_the_cache() {
    let site = photo_site();
    let first = site.build_args(&["--message-format", "json"]);
    first.assert_ok();
    let made = &first.json_summary()["images"];
    assert_eq!(made["made"], 8, "{made}");
    assert_eq!(made["reused"], 0, "{made}");
    let before = first.hashes();
    let second = site.build_args(&["--message-format", "json"]);
    second.assert_ok();
    let again = &second.json_summary()["images"];
    assert_eq!(again["made"], 0, "{again}");
    assert_eq!(again["reused"], 8, "{again}");
    assert_same_tree(&before, &second.hashes(), "a build from the cache");
    // The cache is in the site, not in the output.
    assert!(site.root().join(".pressroom/cache/images").is_dir());
    assert!(!second.files().iter().any(|f| f.contains("cache")));
}

#[test]
fn an_embargoed_items_photos_and_sizes_are_absent_until_it_lifts() {
    let site = SiteTest::new();
    bundle(
        &site,
        "embargo = 2026-12-01T09:00:00Z\n",
        "![The secret product](secret-product.jpg)\n",
    );
    write(
        &site,
        "content/blog/launch/secret-product.jpg",
        &jpeg(1200, 800, false),
    );
    let run = site.build_ok();
    let leaked: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.contains("secret-product"))
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    let run = site.build_args(&["--now", "2026-12-01T10:00:00Z"]);
    run.assert_ok();
    let out: Vec<String> = run
        .files()
        .into_iter()
        .filter(|f| f.contains("secret-product"))
        .collect();
    // The original, and 480, 960 and 1200 px in JPEG and WebP.
    assert_eq!(out.len(), 7, "{out:?}");
}

#[test]
fn a_local_front_matter_image_is_the_lead_photo_loaded_at_once() {
    let site = SiteTest::new();
    bundle(
        &site,
        "image = \"lead.jpg\"\n",
        "Text.\n\n![A detail](detail.jpg)\n",
    );
    write(
        &site,
        "content/blog/launch/lead.jpg",
        &jpeg(1200, 600, false),
    );
    write(
        &site,
        "content/blog/launch/detail.jpg",
        &jpeg(600, 400, false),
    );
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    let lead: Vec<_> = html.select(&sel(".lead-image picture img")).collect();
    assert_eq!(lead.len(), 1, "{}", html.html());
    let img = lead[0].value();
    assert_eq!(img.attr("alt"), Some("Launch"));
    assert_eq!(img.attr("loading"), None, "the lead image is never lazy");
    assert_eq!(img.attr("fetchpriority"), Some("high"));
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("1200"), Some("600"))
    );
    for (url, width) in candidates(img.attr("srcset").expect("srcset")) {
        let bytes = std::fs::read(file_of(&run.out, &url)).expect("derived file exists");
        assert_eq!(
            image::load_from_memory(&bytes).expect("decodes").width(),
            width
        );
    }
    // The body's images stay lazy.
    assert_eq!(attrs(&html, ".content img", "loading"), ["lazy"]);
}

/// A `w` × `h` JPEG whose EXIF IFD0 holds the ASCII `fields` (tag, text), sorted by tag as
/// TIFF requires: `0x010e` ImageDescription, `0x013b` Artist, `0x8298` Copyright.
pub(crate) fn jpeg_with_exif(w: u32, h: u32, fields: &[(u16, &str)]) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let mut data_at = 8 + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    tiff.extend((fields.len() as u16).to_be_bytes());
    for (tag, text) in fields {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(0);
        tiff.extend(tag.to_be_bytes());
        tiff.extend(2u16.to_be_bytes()); // ASCII
        tiff.extend((bytes.len() as u32).to_be_bytes());
        if bytes.len() <= 4 {
            bytes.resize(4, 0);
            tiff.extend(&bytes);
        } else {
            tiff.extend((data_at as u32).to_be_bytes());
            data_at += bytes.len();
            data.extend(bytes);
        }
    }
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(data);
    let mut seg = vec![0xff, 0xe1];
    seg.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend(b"Exif\x00\x00");
    seg.extend(tiff);
    let mut out = jpeg(w, h, false);
    out.splice(2..2, seg);
    out
}

const CAPTION: u16 = 0x010e;
const ARTIST: u16 = 0x013b;
const COPYRIGHT: u16 = 0x8298;

/// The page's `NewsArticle`/`BlogPosting` JSON-LD `image` list.
fn jsonld_images(html: &scraper::Html) -> Vec<serde_json::Value> {
    html.select(&sel(r#"script[type="application/ld+json"]"#))
        .map(|s| serde_json::from_str::<serde_json::Value>(&s.text().collect::<String>()))
        .filter_map(Result::ok)
        .filter_map(|v| v.get("image").and_then(|i| i.as_array()).cloned())
        .flatten()
        .collect()
}

#[test]
fn a_photos_exif_credit_and_copyright_are_shown_and_described() {
    let site = SiteTest::new();
    bundle(
        &site,
        "image = \"lead.jpg\"\n",
        "![The CEO on stage](photo.jpg \"The launch in Oslo\")\n",
    );
    let exif = [
        (CAPTION, "Our plant at dawn"),
        (ARTIST, "Jane Doe/Acme"),
        (COPYRIGHT, "© 2026 Acme Corp"),
    ];
    write(
        &site,
        "content/blog/launch/lead.jpg",
        &jpeg_with_exif(600, 300, &exif),
    );
    write(
        &site,
        "content/blog/launch/photo.jpg",
        &jpeg_with_exif(400, 200, &[(ARTIST, "Ola Nordmann")]),
    );
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    // The body figure: its title, then the photo's credit.
    assert_eq!(
        texts(&html, "figure.figure figcaption .credit"),
        ["Ola Nordmann"]
    );
    assert!(
        texts(&html, "figure.figure figcaption")[0].starts_with("The launch in Oslo"),
        "{}",
        html.html()
    );
    // The lead photo: a figure with its EXIF caption and credit.
    assert_eq!(
        texts(&html, "figure.lead-image figcaption .credit"),
        ["Jane Doe/Acme"]
    );
    assert!(texts(&html, "figure.lead-image figcaption")[0].starts_with("Our plant at dawn"));
    let images = jsonld_images(&html);
    assert_eq!(images.len(), 1, "{images:?}");
    let image = &images[0];
    assert_eq!(image["@type"], "ImageObject");
    assert_eq!(image["creditText"], "Jane Doe/Acme");
    assert_eq!(image["copyrightNotice"], "© 2026 Acme Corp");
    assert_eq!(image["caption"], "Our plant at dawn");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(600), Some(300))
    );
    assert!(
        image["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/blog/launch/lead.jpg")),
        "{image}"
    );
    assert!(
        image.get("license").is_none(),
        "EXIF has no licence: {image}"
    );
}

#[test]
fn front_matter_credits_win_over_the_photos_exif() {
    let site = SiteTest::new();
    bundle(
        &site,
        "image = \"lead.jpg\"\nimage_credit = \"Acme Press Office\"\nimage_licence = \"https://creativecommons.org/publicdomain/zero/1.0/\"\nimage_caption = \"The new plant\"\n",
        "Text.\n",
    );
    let exif = [
        (CAPTION, "IMG_0042"),
        (ARTIST, "Camera Owner"),
        (COPYRIGHT, "© 2026 Acme Corp"),
    ];
    write(
        &site,
        "content/blog/launch/lead.jpg",
        &jpeg_with_exif(600, 300, &exif),
    );
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    assert_eq!(
        texts(&html, ".lead-image figcaption .credit"),
        ["Acme Press Office"]
    );
    assert!(texts(&html, ".lead-image figcaption")[0].starts_with("The new plant"));
    assert!(!html.html().contains("Camera Owner"));
    let images = jsonld_images(&html);
    let image = &images[0];
    assert_eq!(image["creditText"], "Acme Press Office");
    assert_eq!(image["caption"], "The new plant");
    assert_eq!(
        image["license"],
        "https://creativecommons.org/publicdomain/zero/1.0/"
    );
    // What the front matter does not set still comes from the photo.
    assert_eq!(image["copyrightNotice"], "© 2026 Acme Corp");
}

#[test]
fn cards_of_items_with_a_lead_photo_show_a_sized_lazy_thumbnail_but_not_before_an_embargo() {
    let site = SiteTest::new();
    bundle(&site, "image = \"lead.jpg\"\n", "Text.\n");
    write(
        &site,
        "content/blog/launch/lead.jpg",
        &jpeg(1200, 600, false),
    );
    site.file(
        "content/blog/secret/index.md",
        "+++\ntitle = \"Secret\"\ndate = 2026-11-21\nembargo = 2026-12-01T09:00:00Z\nimage = \"secret-lead.jpg\"\n+++\n\nText.\n",
    );
    write(
        &site,
        "content/blog/secret/secret-lead.jpg",
        &jpeg(1200, 600, false),
    );
    site.file(
        "content/blog/plain.md",
        "+++\ntitle = \"Plain\"\ndate = 2026-11-19\n+++\n\nNo photo.\n",
    );
    let run = site.build_args(&["--now", "2026-11-25T10:00:00Z"]);
    run.assert_ok();
    for page in ["/", "/blog/"] {
        let html = run.html(page);
        let thumbs: Vec<_> = html.select(&sel(".card .card-thumb img")).collect();
        assert_eq!(thumbs.len(), 1, "{page}: {}", html.html());
        let img = thumbs[0].value();
        assert_eq!(img.attr("loading"), Some("lazy"));
        assert_eq!(
            (img.attr("width"), img.attr("height")),
            (Some("480"), Some("240"))
        );
        assert_eq!(img.attr("alt"), Some(""));
        let src = img.attr("src").expect("src");
        let bytes = std::fs::read(file_of(&run.out, src)).expect("the thumbnail exists");
        assert_eq!(
            image::load_from_memory(&bytes).expect("decodes").width(),
            480
        );
        let webp = attrs(&html, ".card-thumb source", "srcset");
        assert_eq!(webp.len(), 1);
        assert!(file_of(&run.out, &webp[0]).is_file(), "{webp:?}");
        assert!(!html.html().contains("secret-lead"), "{page}");
    }
    // The card with no photo has none.
    assert_eq!(
        run.html("/blog/")
            .select(&sel(".card"))
            .filter(|c| c.select(&sel(".card-thumb")).next().is_none())
            .count(),
        1
    );
    assert!(!run.files().iter().any(|f| f.contains("secret-lead")));
}

/// `jpeg` with an APP1 XMP packet and an APP13 IPTC-IIM block of (dataset, text).
fn jpeg_with_xmp_and_iptc(base: Vec<u8>, xmp: &str, iim: &[(u8, &str)]) -> Vec<u8> {
    let segment = |marker: u8, body: Vec<u8>| {
        let mut seg = vec![0xff, marker];
        seg.extend(((body.len() + 2) as u16).to_be_bytes());
        seg.extend(body);
        seg
    };
    let mut app1 = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    app1.extend(xmp.as_bytes());
    let mut records = Vec::new();
    for (number, text) in iim {
        records.extend([0x1c, 2, *number]);
        records.extend((text.len() as u16).to_be_bytes());
        records.extend(text.as_bytes());
    }
    let mut app13 = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00".to_vec();
    app13.extend((records.len() as u32).to_be_bytes());
    app13.extend(records);
    let mut out = base;
    out.splice(2..2, [segment(0xe1, app1), segment(0xed, app13)].concat());
    out
}

#[test]
fn xmp_wins_over_iptc_which_wins_over_exif_and_front_matter_wins_over_all() {
    let site = SiteTest::new();
    bundle(
        &site,
        "image = \"lead.jpg\"\nimage_caption = \"From the front matter\"\n",
        "![A photo](photo.jpg \"Title\")\n",
    );
    let exif = [
        (CAPTION, "EXIF caption"),
        (ARTIST, "EXIF artist"),
        (COPYRIGHT, "EXIF copyright"),
    ];
    let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description photoshop:Credit="Kari Nordmann/Acme">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">XMP caption</rdf:li></rdf:Alt></dc:description>
<cc:license rdf:resource="https://creativecommons.org/licenses/by/4.0/"/>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let iim = [
        (110, "IIM credit"),
        (116, "© 2026 Acme (IIM)"),
        (120, "IIM caption"),
    ];
    let lead = jpeg_with_xmp_and_iptc(jpeg_with_exif(600, 300, &exif), xmp, &iim);
    write(&site, "content/blog/launch/lead.jpg", &lead);
    let body = jpeg_with_xmp_and_iptc(
        jpeg_with_exif(400, 200, &[(ARTIST, "EXIF artist")]),
        "<x:xmpmeta/>",
        &[(80, "Ola Nordmann (IIM by-line)")],
    );
    write(&site, "content/blog/launch/photo.jpg", &body);
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    let images = jsonld_images(&html);
    let image = &images[0];
    assert_eq!(image["caption"], "From the front matter");
    assert_eq!(image["creditText"], "Kari Nordmann/Acme");
    assert_eq!(image["copyrightNotice"], "© 2026 Acme (IIM)");
    assert_eq!(
        image["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(
        texts(&html, "figure.figure figcaption .credit"),
        ["Ola Nordmann (IIM by-line)"]
    );
}

/// The ICC profile embedded in an image file, as `image`'s decoders read it.
fn icc_of(bytes: &[u8]) -> Option<Vec<u8>> {
    use image::ImageDecoder;
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .expect("format");
    let mut decoder = reader.into_decoder().expect("decoder");
    decoder.icc_profile().expect("profile readable")
}

#[test]
fn derived_files_keep_the_originals_colour_profile_but_not_its_exif() {
    use image::ImageEncoder;
    let site = SiteTest::new();
    bundle(
        &site,
        "",
        "![A wide-gamut photo](photo.jpg)\n\n![A wide-gamut chart](chart.png)\n",
    );
    // A stand-in profile, long enough to be split nowhere and recognisable byte for byte.
    let profile: Vec<u8> = (0..3000u32).map(|i| (i * 31 % 256) as u8).collect();
    let img = image::RgbImage::from_fn(1200, 600, |x, y| image::Rgb([x as u8, y as u8, 9]));
    let mut photo = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 90);
    encoder.set_icc_profile(profile.clone()).expect("jpeg icc");
    encoder
        .write_image(img.as_raw(), 1200, 600, image::ExtendedColorType::Rgb8)
        .expect("encode");
    photo.splice(2..2, exif_with_gps());
    write(&site, "content/blog/launch/photo.jpg", &photo);
    let rgba = image::RgbaImage::from_fn(700, 300, |x, y| image::Rgba([x as u8, y as u8, 9, 128]));
    let mut chart = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut chart);
    encoder.set_icc_profile(profile.clone()).expect("png icc");
    encoder
        .write_image(rgba.as_raw(), 700, 300, image::ExtendedColorType::Rgba8)
        .expect("encode");
    write(&site, "content/blog/launch/chart.png", &chart);
    assert_eq!(icc_of(&photo).as_deref(), Some(&profile[..]));
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    let mut checked = 0;
    for srcset in attrs(&html, "picture source, picture img", "srcset") {
        for (url, _) in candidates(&srcset) {
            let bytes = std::fs::read(file_of(&run.out, &url)).expect("derived file");
            assert_eq!(icc_of(&bytes).as_deref(), Some(&profile[..]), "{url}");
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{url} has EXIF");
            checked += 1;
        }
    }
    // photo: 480, 960, 1200 in JPEG and WebP; chart: 480, 700 in PNG and WebP.
    assert_eq!(checked, 10);
}

/// A post template that asks for two derived files and one image's metadata.
const RESIZING_TEMPLATE: &str = r#"{% set t = resize_image(path="blog/launch/photo.jpg", width=300, height=300, op="fill", format="webp") %}<img id="t" src="{{ t.url }}" width="{{ t.width }}" height="{{ t.height }}">
{% set f = resize_image(path="/logo.png", width=100, op="fit_width") %}<img id="f" src="{{ f.url }}" width="{{ f.width }}" height="{{ f.height }}">
{% set m = image_meta(path=page.image_path) %}<p id="m">{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.credit }}</p>
"#;

#[test]
fn a_template_cannot_resize_an_embargoed_items_photo_before_its_time() {
    // A theme names an embargoed release's photo by a fixed path: the resized copy would
    // publish the photo before the embargo. The build refuses it until the embargo lifts.
    let site = SiteTest::new();
    site.file(
        "content/press/secret/index.md",
        "+++\ntitle = \"Secret\"\ndate = 2026-11-21\nembargo = 2026-12-01T09:00:00Z\n+++\n\nText.\n",
    );
    write(
        &site,
        "content/press/secret/launch.jpg",
        &jpeg(800, 400, false),
    );
    site.file(
        "content/blog/2026-11-20-hello.md",
        "+++\ntitle = \"Hello\"\ndate = 2026-11-20\n+++\n\nHi.\n",
    );
    site.file(
        "templates/post.html",
        r#"{% set r = resize_image(path="press/secret/launch.jpg", width=200, height=100) %}<img id="leak" src="{{ r.url }}" alt="">"#,
    );
    let before = site.build_args(&["--now", "2026-11-23T08:00:00Z"]);
    before.assert_code(1);
    let errors = before.errors_in("content/press/secret/launch.jpg");
    assert_eq!(errors.len(), 1, "{}", before.stderr);
    assert!(
        errors[0].message.contains("resize_image"),
        "{}",
        before.stderr
    );
    assert!(
        !before.out.join("press").exists() && !before.out.join("blog").exists(),
        "nothing written"
    );
    let after = site.build_args(&["--now", "2026-12-02T08:00:00Z"]);
    after.assert_ok();
    let html = after.html("/blog/hello/");
    let src = attrs(&html, "#leak", "src");
    assert_eq!(src.len(), 1);
    assert!(file_of(&after.out, &src[0]).is_file(), "{src:?}");
}

#[test]
fn templates_resize_images_through_the_cache_and_only_what_they_ask_for_is_written() {
    let site = SiteTest::new();
    // The lead photo is only named in front matter; the template shows no picture of it.
    bundle(&site, "image = \"photo.jpg\"\n", "Text without images.\n");
    write(
        &site,
        "content/blog/launch/photo.jpg",
        &jpeg_with_exif(1200, 600, &[(ARTIST, "Ola Nordmann")]),
    );
    write(&site, "static/logo.png", &png(400, 200));
    site.file("templates/post.html", RESIZING_TEMPLATE);
    let first = site.build_args(&["--message-format", "json"]);
    first.assert_ok();
    // The lead photo's six sizes (480, 960, 1200 in JPEG and WebP), and the template's two.
    assert_eq!(first.json_summary()["images"]["made"], 8);
    let html = first.html("/blog/launch/");
    for (id, size, format) in [
        ("t", (300, 300), image::ImageFormat::WebP),
        ("f", (100, 50), image::ImageFormat::Png),
    ] {
        let img = html.select(&sel(&format!("#{id}"))).next().expect("img");
        let src = img.value().attr("src").expect("src");
        let attr = |a: &str| img.value().attr(a).and_then(|v| v.parse().ok());
        assert_eq!(
            (attr("width"), attr("height")),
            (Some(size.0), Some(size.1))
        );
        let bytes = std::fs::read(file_of(&first.out, src)).expect("derived file written");
        assert_eq!(
            image::guess_format(&bytes).expect("format"),
            format,
            "{src}"
        );
        let decoded = image::load_from_memory(&bytes).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), size, "{src}");
    }
    assert_eq!(texts(&html, "#m"), ["1200x600 jpeg Ola Nordmann"]);
    // Only what a template asked for: one WIDTHxHEIGHT file of the photo, one of the logo.
    let asked: Vec<String> = first
        .files()
        .into_iter()
        .filter(|f| f.contains(".300x300.") || f.contains(".100x50."))
        .collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    let logos: Vec<String> = first
        .files()
        .into_iter()
        .filter(|f| f.contains("logo"))
        .collect();
    assert_eq!(
        logos.len(),
        2,
        "the logo and its one derived file: {logos:?}"
    );
    // Again: nothing made, the same bytes under the same names.
    let second = site.build_args(&["--message-format", "json"]);
    second.assert_ok();
    assert_eq!(second.json_summary()["images"]["made"], 0);
    assert_eq!(second.json_summary()["images"]["reused"], 8);
    assert_same_tree(&first.hashes(), &second.hashes(), "a second build");
}

#[test]
fn a_template_asking_for_a_missing_image_fails_at_its_line_naming_the_image() {
    let site = SiteTest::new();
    bundle(&site, "", "Text.\n");
    site.file(
        "templates/post.html",
        "<p>{{ page.title }}</p>\n{% set t = resize_image(path=\"blog/launch/nope.jpg\", width=10, op=\"fit_width\") %}\n",
    );
    let failed = site.build();
    failed.assert_code(1);
    let errs = failed.errors_in("templates/post.html");
    assert_eq!(errs.len(), 1, "{}", failed.stderr);
    assert_eq!(errs[0].line, 2, "{}", failed.stderr);
    assert!(
        errs[0].message.contains("blog/launch/nope.jpg"),
        "{}",
        errs[0].message
    );
    let site = SiteTest::new();
    bundle(&site, "", "Text.\n");
    write(&site, "static/logo.png", &png(40, 20));
    site.file(
        "templates/post.html",
        "{% set t = resize_image(path=\"logo.png\", width=10, op=\"crop\") %}\n",
    );
    let failed = site.build();
    failed.assert_code(1);
    let errs = failed.errors_in("templates/post.html");
    assert!(
        errs[0].message.contains("`op=\"crop\"` is not one of"),
        "{}",
        failed.stderr
    );
}

#[test]
fn author_portraits_are_resized_and_shown_on_their_page_and_in_bylines() {
    let site = SiteTest::new();
    site.file(
        "data/authors.toml",
        "[jane]\nname = \"Jane Doe\"\nphoto = \"portraits/jane.jpg\"\n\n[ola]\nname = \"Ola\"\n",
    );
    write(&site, "data/portraits/jane.jpg", &jpeg(600, 800, true));
    bundle(&site, "authors = [\"jane\", \"ola\"]\n", "Text.\n");
    let run = site.build_ok();
    let page = run.html("/authors/jane/");
    let imgs: Vec<_> = page.select(&sel("picture img.person-image")).collect();
    assert_eq!(imgs.len(), 1, "{}", page.html());
    let img = imgs[0].value();
    assert_eq!(img.attr("alt"), Some("Jane Doe"));
    assert!(img.attr("width").is_some() && img.attr("height").is_some());
    let mut seen = 0;
    for el in page.select(&sel(
        ".person-header picture source, .person-header picture img",
    )) {
        let webp = el.value().attr("type") == Some("image/webp");
        for (url, width) in candidates(el.value().attr("srcset").expect("srcset")) {
            let bytes = std::fs::read(file_of(&run.out, &url)).expect("derived portrait");
            assert!(url.starts_with("/authors/jane/jane."), "{url}");
            let format = image::guess_format(&bytes).expect("format");
            let want = if webp {
                image::ImageFormat::WebP
            } else {
                image::ImageFormat::Jpeg
            };
            assert_eq!(format, want, "{url}");
            assert_eq!(
                image::load_from_memory(&bytes).expect("decodes").width(),
                width
            );
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{url} has EXIF");
            seen += 1;
        }
    }
    assert_eq!(seen, 6, "128, 256, 512 in JPEG and WebP");
    // The byline: a small photo for Jane, none for Ola.
    let post = run.html("/blog/launch/");
    assert_eq!(
        post.select(&sel(".byline img.byline-photo")).count(),
        1,
        "{}",
        post.html()
    );
    // The original in data/ is not published.
    assert!(
        !run.files().iter().any(|f| f.ends_with("jane.jpg")),
        "{:?}",
        run.files()
    );
}

#[test]
fn a_missing_portrait_is_an_error_at_its_line_in_the_authors_file() {
    let site = SiteTest::new();
    site.file(
        "data/authors.toml",
        "[jane]\nname = \"Jane Doe\"\nphoto = \"portraits/nope.jpg\"\n",
    );
    bundle(&site, "authors = [\"jane\"]\n", "Text.\n");
    let failed = site.build();
    failed.assert_code(1);
    let errs = failed.errors_in("data/authors.toml");
    assert_eq!(errs.len(), 1, "{}", failed.stderr);
    assert_eq!(errs[0].line, 3, "{}", failed.stderr);
}

#[test]
fn check_plans_template_images_without_writing_the_cache() {
    let site = SiteTest::new();
    bundle(&site, "", "Text.\n");
    write(&site, "static/logo.png", &png(400, 200));
    site.file(
        "templates/post.html",
        "{% set f = resize_image(path=\"/logo.png\", width=100, op=\"fit_width\") %}<img src=\"{{ f.url }}\" width=\"{{ f.width }}\" height=\"{{ f.height }}\" alt=\"\">\n",
    );
    let run = site.check_args(&[]);
    run.assert_ok();
    // The planned file counts as part of the site (no broken link), but nothing was encoded.
    assert!(!run.stderr.contains("100x50"), "{}", run.stderr);
    assert!(!site.root().join(".pressroom/cache/images").exists());
}

/// The image stage's counters of a `--message-format json` build.
fn image_stats(site: &SiteTest) -> (serde_json::Value, Run) {
    let run = site.build_args(&["--message-format", "json"]);
    run.assert_ok();
    (run.json_summary()["images"].clone(), run)
}

#[test]
fn a_warm_rebuild_reads_no_original_and_a_touched_one_is_read_again() {
    let site = photo_site();
    let (cold, first) = image_stats(&site);
    assert_eq!(cold["originals_read"], 2, "{cold}");
    let photo = site.root().join("content/blog/launch/photo.jpg");
    let chart = site.root().join("content/blog/launch/chart.png");
    let both = std::fs::metadata(&photo).unwrap().len() + std::fs::metadata(&chart).unwrap().len();
    assert_eq!(cold["original_bytes"], both, "{cold}");

    let (warm, second) = image_stats(&site);
    assert_eq!(
        (
            &warm["originals_read"],
            &warm["original_bytes"],
            &warm["made"]
        ),
        (&0.into(), &0.into(), &0.into()),
        "{warm}"
    );
    assert_eq!(warm["reused"], 8, "{warm}");
    assert_same_tree(&first.hashes(), &second.hashes(), "a warm rebuild");

    // The same bytes written again (a checkout, a copy): read and hashed once more, but
    // nothing is made, since the content is what the cache holds.
    let bytes = std::fs::read(&photo).unwrap();
    std::fs::write(&photo, &bytes).unwrap();
    let (touched, third) = image_stats(&site);
    assert_eq!(touched["originals_read"], 1, "{touched}");
    assert_eq!(touched["original_bytes"], bytes.len(), "{touched}");
    assert_eq!(touched["made"], 0, "{touched}");
    assert_same_tree(&first.hashes(), &third.hashes(), "a touched photo");

    // New bytes: only that original is read, and its sizes are made anew.
    write(&site, "content/blog/launch/chart.png", &png(320, 200));
    let (edited, _) = image_stats(&site);
    assert_eq!(edited["originals_read"], 1, "{edited}");
    assert_eq!(edited["made"], 2, "{edited}");
    let (after, _) = image_stats(&site);
    assert_eq!(after["originals_read"], 0, "{after}");
}

#[test]
fn a_deleted_or_damaged_stamp_index_only_costs_a_re_read() {
    let site = photo_site();
    let (_, first) = image_stats(&site);
    let index = site.root().join(".pressroom/cache/images/stamps.json");
    assert!(
        index.is_file(),
        "the index is kept beside the derived files"
    );

    std::fs::remove_file(&index).unwrap();
    let (deleted, second) = image_stats(&site);
    assert_eq!(
        (&deleted["originals_read"], &deleted["made"]),
        (&2.into(), &0.into()),
        "{deleted}"
    );
    assert_same_tree(&first.hashes(), &second.hashes(), "without the index");

    for damage in [
        &b"{\"version\": 1, \"files\": {\"content/blog"[..],
        b"\xff\xfe\x00garbage",
        b"{\"version\": 999, \"files\": {}}",
    ] {
        std::fs::write(&index, damage).unwrap();
        let (damaged, run) = image_stats(&site);
        assert_eq!(damaged["originals_read"], 2, "{damaged}");
        assert_eq!(damaged["made"], 0, "{damaged}");
        assert!(run.json_diagnostics().is_empty(), "{}", run.stderr);
        assert_same_tree(&first.hashes(), &run.hashes(), "with a damaged index");
        // Written anew: the next build reads nothing.
        let (again, _) = image_stats(&site);
        assert_eq!(again["originals_read"], 0, "{again}");
    }
}

/// A 2000 × 1000 JPEG with a two-byte comment (`COM`) segment: another `tag` gives other
/// bytes of the same length and the same pixels.
fn jpeg_tagged(tag: &[u8; 2]) -> Vec<u8> {
    let mut bytes = jpeg(2000, 1000, true);
    bytes.splice(2..2, [0xff, 0xfe, 0x00, 0x04, tag[0], tag[1]]);
    bytes
}

#[test]
fn a_same_size_rewrite_that_keeps_its_mtime_is_read_and_derived_again() {
    // What `touch -r`, `rsync -t` or a checkout that restores times leave: new bytes under the
    // old length, modification time and inode. Only the change time tells.
    use std::os::unix::fs::MetadataExt;
    let site = photo_site();
    let photo = site.root().join("content/blog/launch/photo.jpg");
    write(&site, "content/blog/launch/photo.jpg", &jpeg_tagged(b"v1"));
    image_stats(&site);
    let (warm, _) = image_stats(&site);
    assert_eq!(warm["originals_read"], 0, "{warm}");
    let before = std::fs::metadata(&photo).unwrap();

    let new = jpeg_tagged(b"v2");
    std::fs::write(&photo, &new).unwrap();
    let times = std::fs::FileTimes::new().set_modified(before.modified().unwrap());
    let file = std::fs::File::options().write(true).open(&photo).unwrap();
    file.set_times(times).unwrap();
    drop(file);
    let after = std::fs::metadata(&photo).unwrap();
    assert_eq!(
        (after.len(), after.modified().unwrap(), after.ino()),
        (before.len(), before.modified().unwrap(), before.ino()),
        "the rewrite keeps the length, the modification time and the inode"
    );

    let (changed, run) = image_stats(&site);
    assert_eq!(changed["originals_read"], 1, "{changed}");
    assert_eq!(
        changed["made"], 6,
        "the photo's 3 widths in 2 formats: {changed}"
    );
    assert_eq!(
        std::fs::read(run.out.join("blog/launch/photo.jpg")).unwrap(),
        new
    );
    // What a build into a new folder makes of the site as it is now.
    let fresh = site.tmp().join("fresh");
    let clean = site.build_args(&["--output", fresh.to_str().unwrap()]);
    clean.assert_ok();
    assert_same_tree(
        &clean.hashes(),
        &run.hashes(),
        "a rewrite that kept its time",
    );
}

#[test]
fn a_derived_file_deleted_from_the_cache_is_made_again() {
    let site = photo_site();
    let (_, first) = image_stats(&site);
    let cache = site.root().join(".pressroom/cache/images");
    let webp: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "webp"))
        .collect();
    assert_eq!(webp.len(), 4, "{webp:?}");
    std::fs::remove_file(&webp[0]).unwrap();

    let (again, second) = image_stats(&site);
    assert_eq!(
        (&again["made"], &again["reused"], &again["originals_read"]),
        (&1.into(), &7.into(), &1.into()),
        "{again}"
    );
    assert!(webp[0].is_file(), "made again in the cache");
    assert_same_tree(
        &first.hashes(),
        &second.hashes(),
        "a cache missing one file",
    );
    let (after, _) = image_stats(&site);
    assert_eq!(
        (&after["made"], &after["originals_read"]),
        (&0.into(), &0.into()),
        "{after}"
    );
}
