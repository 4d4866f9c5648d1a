//! Writes the photo benchmark's originals (`benches/images.py`): N photo-like JPEGs of W × H
//! pixels (sky and ground gradients, buildings, sensor-like noise, quality 90), deterministic
//! per index, so every tool compared resizes the same bytes. Noise matters: a smooth gradient
//! compresses to a fraction of a real photo's size and flatters every encoder.
//!
//! `cargo run --release --example bench_photos -- OUT_DIR N [W H]` (default 4000 × 3000).

use image::{Rgb, RgbImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(out), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u32>().ok()),
    ) else {
        eprintln!("usage: bench_photos OUT_DIR N [W H]");
        std::process::exit(2);
    };
    let w = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(4000u32);
    let h = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(3000u32);
    std::fs::create_dir_all(out).expect("create the output folder");
    for i in 0..n {
        let path = std::path::Path::new(out).join(format!("photo-{i:04}.jpg"));
        if path.is_file() {
            continue;
        }
        let img = photo(i, w, h);
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&img)
            .expect("encode");
        std::fs::write(&path, bytes).expect("write");
    }
}

/// Photo `i`: its own sky tint, skyline and noise.
fn photo(i: u32, w: u32, h: u32) -> RgbImage {
    let mut seed = 0x9e37_79b9_u32.wrapping_mul(i + 1);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let tint = (next() % 60) as f32;
    let horizon = h * 3 / 5;
    // Buildings: left edge, width, top, as pixels.
    let buildings: Vec<(u32, u32, u32)> = (0..12)
        .map(|_| {
            let left = next() % w;
            let width = w / 30 + next() % (w / 10);
            let top = horizon - (next() % (h / 3));
            (left, width, top)
        })
        .collect();
    RgbImage::from_fn(w, h, |x, y| {
        let noise = (next() % 24) as f32 - 12.0;
        let base = if y < horizon {
            let t = y as f32 / horizon as f32;
            [40.0 + tint + 200.0 * t, 70.0 + 120.0 * t, 140.0 - 30.0 * t]
        } else {
            let t = (y - horizon) as f32 / (h - horizon) as f32;
            [70.0 - 30.0 * t, 90.0 - 20.0 * t + tint / 3.0, 60.0]
        };
        let inside = buildings
            .iter()
            .any(|&(l, bw, top)| x >= l && x < l + bw && y >= top && y < horizon);
        let c = if inside {
            let window = (x / 24 + y / 32) % 3 == 0;
            if window {
                [220.0, 200.0, 120.0]
            } else {
                [50.0, 50.0, 60.0]
            }
        } else {
            base
        };
        Rgb(c.map(|v| (v + noise).clamp(0.0, 255.0) as u8))
    })
}
