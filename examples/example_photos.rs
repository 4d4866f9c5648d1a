//! Writes the example newsroom's photos (`static/photos/*.jpg`): small drawn scenes, own work
//! released under CC0 1.0, with the credit and licence in their EXIF (`Artist`, `Copyright`)
//! as a camera or Lightroom would write them, so the example shows credits end to end.
//!
//! Run from the repository root: `cargo run --example example_photos`. The output is
//! deterministic (same code → same bytes), so running it again changes nothing.

use image::{Rgb, RgbImage};

const W: u32 = 1200;
const H: u32 = 675;

/// A scene: sky colours (top, horizon), the ground's colour, and what stands on it.
struct Scene {
    file: &'static str,
    caption: &'static str,
    sky: ([f32; 3], [f32; 3]),
    ground: [f32; 3],
    /// Buildings: (left, width, height) as fractions of the frame.
    shapes: &'static [(f32, f32, f32)],
    /// The sun (or a light): centre x, centre y, radius, fractions of the frame.
    sun: (f32, f32, f32),
}

const SCENES: [Scene; 3] = [
    Scene {
        file: "battery-plant.jpg",
        caption: "A battery plant at dawn (illustration)",
        sky: ([40.0, 60.0, 120.0], [250.0, 170.0, 110.0]),
        ground: [60.0, 70.0, 60.0],
        shapes: &[(0.10, 0.35, 0.22), (0.50, 0.18, 0.30), (0.72, 0.20, 0.18)],
        sun: (0.82, 0.55, 0.06),
    },
    Scene {
        file: "fjord-test-site.jpg",
        caption: "A test site by a fjord (illustration)",
        sky: ([120.0, 160.0, 200.0], [210.0, 225.0, 235.0]),
        ground: [40.0, 80.0, 110.0],
        shapes: &[(0.05, 0.30, 0.35), (0.60, 0.40, 0.28)],
        sun: (0.30, 0.25, 0.05),
    },
    Scene {
        file: "storage-yard.jpg",
        caption: "Storage containers in a row (illustration)",
        sky: ([90.0, 130.0, 190.0], [230.0, 210.0, 160.0]),
        ground: [150.0, 130.0, 90.0],
        shapes: &[
            (0.08, 0.12, 0.10),
            (0.24, 0.12, 0.10),
            (0.40, 0.12, 0.10),
            (0.56, 0.12, 0.10),
            (0.72, 0.12, 0.10),
        ],
        sun: (0.15, 0.20, 0.04),
    },
];

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn draw(s: &Scene) -> RgbImage {
    let horizon = 0.68;
    RgbImage::from_fn(W, H, |x, y| {
        let (fx, fy) = (x as f32 / W as f32, y as f32 / H as f32);
        let mut c = if fy < horizon {
            mix(s.sky.0, s.sky.1, fy / horizon)
        } else {
            mix(
                s.ground,
                [20.0, 20.0, 25.0],
                (fy - horizon) / (1.0 - horizon),
            )
        };
        let (sx, sy, r) = s.sun;
        let d = ((fx - sx) * 16.0 / 9.0).hypot(fy - sy);
        if d < r {
            c = [255.0, 240.0, 200.0];
        }
        for &(left, width, height) in s.shapes {
            if fx >= left && fx < left + width && fy < horizon && fy > horizon - height {
                // Windows: a lighter grid on the dark wall.
                let lit = (x / 12) % 3 == 1 && (y / 14) % 3 == 1;
                c = if lit {
                    [200.0, 190.0, 140.0]
                } else {
                    [45.0, 50.0, 60.0]
                };
            }
        }
        // A little grain, deterministic, so the JPEG looks like a photo, not a flat drawing.
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 9) as f32 - 4.0;
        Rgb(c.map(|v| (v + grain).clamp(0.0, 255.0) as u8))
    })
}

/// An APP1 Exif segment whose IFD0 holds ASCII `fields` (tag, text), sorted by tag.
fn exif(fields: &[(u16, &str)]) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let mut data_at = 8 + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    tiff.extend((fields.len() as u16).to_be_bytes());
    for (tag, text) in fields {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(0);
        tiff.extend(tag.to_be_bytes());
        tiff.extend(2u16.to_be_bytes());
        tiff.extend((bytes.len() as u32).to_be_bytes());
        tiff.extend((data_at as u32).to_be_bytes());
        data_at += bytes.len();
        data.extend(bytes);
    }
    tiff.extend([0, 0, 0, 0]);
    tiff.extend(data);
    let mut seg = vec![0xff, 0xe1];
    seg.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend(b"Exif\x00\x00");
    seg.extend(tiff);
    seg
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new("static/photos");
    std::fs::create_dir_all(dir)?;
    for s in &SCENES {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 72).encode_image(&draw(s))?;
        let fields = [
            (0x010e, s.caption),
            (0x013b, "Pressroom contributors"),
            (0x8298, "CC0 1.0: no rights reserved"),
        ];
        out.splice(2..2, exif(&fields));
        std::fs::write(dir.join(s.file), &out)?;
        eprintln!("{}: {} bytes", s.file, out.len());
    }
    Ok(())
}
