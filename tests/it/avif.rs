//! AVIF on request (`[images] formats = ["avif", "webp"]`): offered first in every
//! `<picture>`, each size at its stated pixel size with the original's colour profile and no
//! EXIF, made once and then taken from the cache; a format pressroom does not make is an
//! error at its `site.toml` line. The files are read here with a reader of the ISO-BMFF
//! boxes written for the test, not pressroom's own (the example newsroom's AVIFs were also
//! decoded with Pillow/libavif by hand: see the issue's note).

use crate::common::*;
use crate::images::{bundle, candidates, file_of, write};
use image::ImageEncoder;

/// The boxes in `bytes`: (type, payload).
fn boxes(bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 8 {
        let size = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        assert!(
            size >= 8 && size <= rest.len(),
            "a box runs past its parent"
        );
        out.push((rest[4..8].try_into().unwrap(), &rest[8..size]));
        rest = &rest[size..];
    }
    assert!(rest.is_empty(), "bytes after the last box");
    out
}

fn child<'a>(bytes: &'a [u8], kind: &[u8; 4]) -> &'a [u8] {
    boxes(bytes)
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("no `{}` box", String::from_utf8_lossy(kind)))
}

/// What an AVIF file says: its brand, pixel size and colour profile.
struct Avif {
    brand: [u8; 4],
    size: (u32, u32),
    profile: Option<Vec<u8>>,
}

fn read_avif(bytes: &[u8]) -> Avif {
    let brand = child(bytes, b"ftyp")[..4].try_into().unwrap();
    // `meta` is a full box: 4 bytes of version and flags before its children.
    let meta = &child(bytes, b"meta")[4..];
    let ipco = child(child(meta, b"iprp"), b"ipco");
    let props = boxes(ipco);
    let ispe = props.iter().find(|(k, _)| k == b"ispe").expect("ispe").1;
    let be = |at: usize| u32::from_be_bytes(ispe[at..at + 4].try_into().unwrap());
    let profile = props
        .iter()
        .find(|(k, body)| k == b"colr" && body.starts_with(b"prof"))
        .map(|(_, body)| body[4..].to_vec());
    Avif {
        brand,
        size: (be(4), be(8)),
        profile,
    }
}

fn avif_site(images: &str) -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"https://example.com\"\n\n[images]\nwidths = [100, 200]\n{images}"
        ),
    );
    bundle(
        &site,
        "image = \"photo.jpg\"\n",
        "![A chart with a see-through background](chart.png)\n",
    );
    site
}

/// A stand-in ICC profile, recognisable byte for byte.
fn profile() -> Vec<u8> {
    (0..1500u32).map(|i| (i * 31 % 256) as u8).collect()
}

/// A 300 × 150 JPEG and a 250 × 100 PNG with alpha, both with `profile()`.
fn photos(site: &SiteTest) {
    let img = image::RgbImage::from_fn(300, 150, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut photo = Vec::new();
    let mut jpeg = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut photo, 90);
    jpeg.set_icc_profile(profile()).expect("jpeg icc");
    jpeg.write_image(img.as_raw(), 300, 150, image::ExtendedColorType::Rgb8)
        .expect("encode");
    write(site, "content/blog/launch/photo.jpg", &photo);
    let rgba = image::RgbaImage::from_fn(250, 100, |x, y| {
        image::Rgba([x as u8, y as u8, 9, if x < 125 { 255 } else { 60 }])
    });
    let mut chart = Vec::new();
    let mut png = image::codecs::png::PngEncoder::new(&mut chart);
    png.set_icc_profile(profile()).expect("png icc");
    png.write_image(rgba.as_raw(), 250, 100, image::ExtendedColorType::Rgba8)
        .expect("encode");
    write(site, "content/blog/launch/chart.png", &chart);
}

#[test]
fn avif_is_offered_first_at_every_size_with_the_profile_and_made_once() {
    let site = avif_site("formats = [\"webp\", \"avif\"]\navif_speed = 10\n");
    photos(&site);
    let first = site.build_args(&["--message-format", "json"]);
    first.assert_ok();
    // photo and chart at 100 and 200 px, each in its fallback, WebP and AVIF.
    assert_eq!(first.json_summary()["images"]["made"], 12);
    let html = first.html("/blog/launch/");
    let pictures: Vec<_> = html.select(&sel("article picture")).collect();
    assert_eq!(pictures.len(), 2, "{}", html.html());
    let mut checked = 0;
    for picture in pictures {
        let types: Vec<_> = picture
            .select(&sel("source"))
            .map(|s| s.value().attr("type").unwrap_or(""))
            .collect();
        assert_eq!(
            types,
            ["image/avif", "image/webp"],
            "AVIF first, whatever the order written"
        );
        let img = picture.select(&sel("img")).next().expect("img");
        let ratio = |w: u32| {
            let (iw, ih): (u32, u32) = (
                img.value().attr("width").unwrap().parse().unwrap(),
                img.value().attr("height").unwrap().parse().unwrap(),
            );
            (ih * w + iw / 2) / iw
        };
        let source = picture
            .select(&sel("source[type=\"image/avif\"]"))
            .next()
            .unwrap();
        for (url, width) in candidates(source.value().attr("srcset").expect("srcset")) {
            assert!(url.ends_with(".avif"), "{url}");
            let bytes = std::fs::read(file_of(&first.out, &url)).expect("the AVIF exists");
            let avif = read_avif(&bytes);
            assert_eq!(&avif.brand, b"avif", "{url}");
            assert_eq!(avif.size, (width, ratio(width)), "{url} at its stated size");
            assert_eq!(
                avif.profile,
                Some(profile()),
                "{url} keeps the colour profile"
            );
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{url} has EXIF");
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
    // The lead photo's card thumbnail offers the smallest AVIF too.
    let home = first.html("/");
    let thumb = attrs(&home, ".card-thumb source[type=\"image/avif\"]", "srcset");
    assert_eq!(thumb.len(), 1, "{}", home.html());
    assert!(file_of(&first.out, &thumb[0]).is_file());
    // Made once: the second build takes every file from the cache.
    let second = site.build_args(&["--message-format", "json"]);
    second.assert_ok();
    assert_eq!(second.json_summary()["images"]["made"], 0);
    assert_eq!(second.json_summary()["images"]["reused"], 12);
    // Another speed is another file, made anew.
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n\n[images]\nwidths = [100, 200]\nformats = [\"avif\"]\navif_speed = 9\n",
    );
    let third = site.build_args(&["--message-format", "json"]);
    third.assert_ok();
    assert_eq!(
        third.json_summary()["images"]["made"],
        4,
        "the four AVIFs, at speed 9"
    );
}

#[test]
fn no_modern_format_leaves_the_fallback_alone_and_an_unknown_one_is_a_config_error_at_its_line() {
    let site = avif_site("formats = []\n");
    photos(&site);
    let run = site.build_ok();
    let html = run.html("/blog/launch/");
    assert_eq!(html.select(&sel("article picture")).count(), 2);
    assert_eq!(
        html.select(&sel("article picture source")).count(),
        0,
        "no empty <source>"
    );
    assert!(
        !run.hashes()
            .keys()
            .any(|p| p.ends_with(".webp") || p.ends_with(".avif"))
    );

    let site = avif_site("formats = [\"avif\", \"jxl\"]\n");
    let run = site.build();
    run.assert_code(2);
    let errors = run.errors_in("site.toml");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!(errors[0].line, 6, "{errors:?}");
    assert!(errors[0].message.contains("`jxl`"), "{errors:?}");

    let site = avif_site("avif_speed = 0\n");
    let run = site.build();
    run.assert_code(2);
    assert_eq!(run.errors_in("site.toml").len(), 1, "{}", run.stderr);
}

#[test]
fn a_template_can_ask_for_an_avif() {
    let site = avif_site("");
    photos(&site);
    site.file(
        "templates/post.html",
        r#"{% set t = resize_image(path="blog/launch/photo.jpg", width=120, height=60, op="fill", format="avif") %}<img id="t" src="{{ t.url }}" width="{{ t.width }}" height="{{ t.height }}">"#,
    );
    let run = site.build_ok();
    let src = attrs(&run.html("/blog/launch/"), "#t", "src");
    assert!(src[0].ends_with(".avif"), "{src:?}");
    let avif = read_avif(&std::fs::read(file_of(&run.out, &src[0])).expect("written"));
    assert_eq!(avif.size, (120, 60));
    assert_eq!(avif.profile, Some(profile()));
}
