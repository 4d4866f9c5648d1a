//! Carrying the original's ICC colour profile into a derived WebP. libwebp's simple encoder
//! writes a plain file (`VP8 ` or `VP8L` alone, or `VP8X` with `ALPH` when there is alpha);
//! a profile needs the extended layout: a `VP8X` header with its ICC flag, then the `ICCP`
//! chunk, then the image chunks (the WebP container specification's order). JPEG and PNG
//! profiles are written by `image`'s encoders (APP2 and `iCCP`).

/// The `VP8X` flag saying an `ICCP` chunk follows.
const ICC_FLAG: u8 = 0x20;
/// The `VP8X` flag saying the image has alpha.
const ALPHA_FLAG: u8 = 0x10;

/// `webp` (a file libwebp wrote) with `icc` as its colour profile; None when `webp` is not a
/// file of the layout described above.
pub(super) fn webp_with_profile(webp: &[u8], icc: &[u8]) -> Option<Vec<u8>> {
    let body = webp
        .strip_prefix(b"RIFF")?
        .get(4..)?
        .strip_prefix(b"WEBP")?;
    let fourcc = body.get(..4)?;
    let data = body.get(8..)?;
    let mut chunks = Vec::new();
    match fourcc {
        b"VP8X" => {
            // Already extended (alpha): set the flag, put the profile after the header.
            let size =
                8 + usize::try_from(u32::from_le_bytes(body.get(4..8)?.try_into().ok()?)).ok()?;
            let mut header = body.get(..size)?.to_vec();
            *header.get_mut(8)? |= ICC_FLAG;
            chunks.extend(header);
            chunk(&mut chunks, b"ICCP", icc);
            chunks.extend(body.get(size..)?);
        }
        b"VP8 " | b"VP8L" => {
            let (w, h, alpha) = if fourcc == b"VP8 " {
                // Frame tag (3 bytes), start code, then 14-bit width and height.
                let dim = |at: usize| {
                    Some(
                        u32::from(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
                            & 0x3fff,
                    )
                };
                (dim(6)?, dim(8)?, false)
            } else {
                // Signature 0x2f, then width - 1 and height - 1 in 14 bits each, then alpha.
                let bits = u32::from_le_bytes(data.get(1..5)?.try_into().ok()?);
                (
                    (bits & 0x3fff) + 1,
                    ((bits >> 14) & 0x3fff) + 1,
                    bits >> 28 & 1 == 1,
                )
            };
            let mut header = vec![ICC_FLAG | if alpha { ALPHA_FLAG } else { 0 }, 0, 0, 0];
            header.extend(&(w.checked_sub(1)?).to_le_bytes()[..3]);
            header.extend(&(h.checked_sub(1)?).to_le_bytes()[..3]);
            chunk(&mut chunks, b"VP8X", &header);
            chunk(&mut chunks, b"ICCP", icc);
            chunks.extend(body);
        }
        _ => return None,
    }
    let mut out = b"RIFF".to_vec();
    out.extend(u32::try_from(4 + chunks.len()).ok()?.to_le_bytes());
    out.extend(b"WEBP");
    out.extend(chunks);
    Some(out)
}

/// Appends a RIFF chunk, padded to an even length.
fn chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend(fourcc);
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::webp_with_profile;
    use image::ImageDecoder;

    /// The profile `image`'s WebP decoder reads back, and the decoded size.
    fn read_back(webp: &[u8]) -> (Option<Vec<u8>>, (u32, u32)) {
        let mut d =
            image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(webp)).expect("a WebP");
        let icc = d.icc_profile().expect("readable");
        let size = d.dimensions();
        let img = image::DynamicImage::from_decoder(d).expect("decodes");
        assert_eq!(size, (img.width(), img.height()));
        (icc, size)
    }

    #[test]
    fn lossy_lossless_and_alpha_files_get_the_profile_and_still_decode() {
        let icc: Vec<u8> = (0..301u32).map(|i| (i * 7) as u8).collect();
        let rgb: Vec<u8> = (0..33 * 17 * 3).map(|i| (i % 251) as u8).collect();
        let rgba: Vec<u8> = (0..33 * 17 * 4).map(|i| (i % 241) as u8).collect();
        let files = [
            webp::Encoder::from_rgb(&rgb, 33, 17)
                .encode_simple(false, 80.0)
                .expect("lossy")
                .to_vec(),
            webp::Encoder::from_rgb(&rgb, 33, 17)
                .encode_simple(true, 80.0)
                .expect("lossless")
                .to_vec(),
            webp::Encoder::from_rgba(&rgba, 33, 17)
                .encode_simple(false, 80.0)
                .expect("alpha")
                .to_vec(),
        ];
        for file in files {
            let with = webp_with_profile(&file, &icc).expect("a known layout");
            assert_eq!(read_back(&with), (Some(icc.clone()), (33, 17)));
        }
        assert_eq!(webp_with_profile(b"RIFF\0\0\0\0WEBPJUNK", &icc), None);
        for cut in 0..40 {
            let file = webp::Encoder::from_rgb(&rgb, 33, 17)
                .encode_simple(false, 80.0)
                .expect("lossy")
                .to_vec();
            let _ = webp_with_profile(&file[..cut], &icc);
        }
    }
}
