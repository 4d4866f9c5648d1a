//! Carrying the original's ICC colour profile into a derived WebP. libwebp's simple encoder
//! writes a plain file (`VP8 ` or `VP8L` alone, or `VP8X` with `ALPH` when there is alpha);
//! a profile needs the extended layout: a `VP8X` header with its ICC flag, then the `ICCP`
//! chunk, then the image chunks (the WebP container specification's order). JPEG and PNG
//! profiles are written by `image`'s encoders (APP2 and `iCCP`). An AVIF (ISO-BMFF, written
//! by ravif without a profile) gets a `colr` property of type `prof` (ISO/IEC 23008-12),
//! associated with its primary item, see [`avif_with_profile`].

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

/// A box of an ISO-BMFF file: where it starts, where its children (or payload) start, and
/// where it ends.
#[derive(Debug, Clone, Copy)]
struct BmffBox {
    kind: [u8; 4],
    start: usize,
    body: usize,
    end: usize,
}

/// The boxes in `file[from..to]`; None when a size runs past `to` or uses the 64-bit form
/// (ravif writes neither).
fn boxes(file: &[u8], from: usize, to: usize) -> Option<Vec<BmffBox>> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let size =
            usize::try_from(u32::from_be_bytes(file.get(at..at + 4)?.try_into().ok()?)).ok()?;
        let kind: [u8; 4] = file.get(at + 4..at + 8)?.try_into().ok()?;
        if size < 8 || at + size > to {
            return None;
        }
        out.push(BmffBox {
            kind,
            start: at,
            body: at + 8,
            end: at + size,
        });
        at += size;
    }
    Some(out)
}

fn find(boxes: &[BmffBox], kind: &[u8; 4]) -> Option<BmffBox> {
    boxes.iter().find(|b| &b.kind == kind).copied()
}

fn be(file: &[u8], at: usize, len: usize) -> Option<u64> {
    Some(
        file.get(at..at + len)?
            .iter()
            .fold(0, |n, &b| n << 8 | u64::from(b)),
    )
}

fn put_be(file: &mut [u8], at: usize, len: usize, value: u64) -> Option<()> {
    if len < 8 && value >> (8 * len) != 0 {
        return None;
    }
    for (i, byte) in file.get_mut(at..at + len)?.iter_mut().enumerate() {
        *byte = (value >> (8 * (len - 1 - i))) as u8;
    }
    Some(())
}

/// `avif` with `icc` as its colour profile: a `colr`/`prof` box appended to `ipco`, one
/// non-essential association of it added to the primary item's `ipma` entry, the sizes of
/// the enclosing boxes grown, and every `iloc` offset into the `mdat` after them moved by
/// the bytes inserted. None when the file is not laid out as expected (the caller then
/// reports an error rather than ship a photo in the wrong colours).
pub(super) fn avif_with_profile(avif: &[u8], icc: &[u8]) -> Option<Vec<u8>> {
    let top = boxes(avif, 0, avif.len())?;
    let meta = find(&top, b"meta")?;
    // `meta` is a full box: version and flags, then its children.
    let children = boxes(avif, meta.body + 4, meta.end)?;
    let iprp = find(&children, b"iprp")?;
    let iloc = find(&children, b"iloc")?;
    let pitm = find(&children, b"pitm")?;
    let properties = boxes(avif, iprp.body, iprp.end)?;
    let ipco = find(&properties, b"ipco")?;
    let ipma = find(&properties, b"ipma")?;
    let primary = match avif.get(pitm.body)? {
        0 => be(avif, pitm.body + 4, 2)?,
        _ => be(avif, pitm.body + 4, 4)?,
    };
    let index = boxes(avif, ipco.body, ipco.end)?.len() + 1;
    let mut colr = Vec::with_capacity(12 + icc.len());
    colr.extend(u32::try_from(12 + icc.len()).ok()?.to_be_bytes());
    colr.extend(b"colrprof");
    colr.extend(icc);
    // The association: an index of 7 bits, or 15 with flag 1; the essential bit left 0.
    let (version, wide) = (*avif.get(ipma.body)?, avif.get(ipma.body + 3)? & 1 == 1);
    let association = if wide {
        u16::try_from(index)
            .ok()
            .filter(|&i| i < 0x8000)?
            .to_be_bytes()
            .to_vec()
    } else {
        vec![u8::try_from(index).ok().filter(|&i| i < 0x80)?]
    };
    let (count_at, insert_at) = primary_entry(avif, ipma, version, wide, primary)?;
    let grown = colr.len() + association.len();
    let mut out = avif.to_vec();
    for (b, by) in [
        (meta, grown),
        (iprp, grown),
        (ipco, colr.len()),
        (ipma, association.len()),
    ] {
        put_be(&mut out, b.start, 4, (b.end - b.start + by) as u64)?;
    }
    out[count_at] = out[count_at].checked_add(1)?;
    move_offsets(&mut out, iloc, meta.end, grown)?;
    // Insert the later one first, so the earlier position still holds.
    let mut inserts = [(insert_at, association), (ipco.end, colr)];
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (at, bytes) in inserts {
        out.splice(at..at, bytes);
    }
    Some(out)
}

/// In `ipma`, the primary item's entry: where its association count is, and where its
/// associations end (where one more goes).
fn primary_entry(
    file: &[u8],
    ipma: BmffBox,
    version: u8,
    wide: bool,
    primary: u64,
) -> Option<(usize, usize)> {
    let id_len = if version < 1 { 2 } else { 4 };
    let per = if wide { 2 } else { 1 };
    let entries = be(file, ipma.body + 4, 4)?;
    let mut at = ipma.body + 8;
    for _ in 0..entries {
        let id = be(file, at, id_len)?;
        let count = usize::from(*file.get(at + id_len)?);
        let end = at + id_len + 1 + count * per;
        if end > ipma.end {
            return None;
        }
        if id == primary {
            return Some((at + id_len, end));
        }
        at = end;
    }
    None
}

/// Moves every `iloc` offset (construction method 0: from the file's start) that points at
/// or past `from` by `by` bytes.
fn move_offsets(file: &mut [u8], iloc: BmffBox, from: usize, by: usize) -> Option<()> {
    let version = *file.get(iloc.body)?;
    let at = iloc.body + 4;
    let sizes = *file.get(at)?;
    let (offset_len, length_len) = (usize::from(sizes >> 4), usize::from(sizes & 15));
    let more = *file.get(at + 1)?;
    let base_len = usize::from(more >> 4);
    let index_len = if version >= 1 {
        usize::from(more & 15)
    } else {
        0
    };
    let (count_len, id_len) = if version < 2 { (2, 2) } else { (4, 4) };
    let items = be(file, at + 2, count_len)?;
    let mut at = at + 2 + count_len;
    let from = from as u64;
    for _ in 0..items {
        at += id_len;
        let method = if version >= 1 {
            let m = be(file, at, 2)? & 15;
            at += 2;
            m
        } else {
            0
        };
        at += 2; // data_reference_index
        let base = be(file, at, base_len)?;
        let base_at = at;
        at += base_len;
        let extents = be(file, at, 2)?;
        at += 2;
        let moved_base = method == 0 && base_len > 0 && base >= from;
        if moved_base {
            put_be(file, base_at, base_len, base + by as u64)?;
        }
        for _ in 0..extents {
            at += index_len;
            let offset = be(file, at, offset_len)?;
            if method == 0 && !moved_base && base + offset >= from {
                if offset_len == 0 {
                    return None;
                }
                put_be(file, at, offset_len, offset + by as u64)?;
            }
            at += offset_len + length_len;
        }
        if at > iloc.end {
            return None;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::{avif_with_profile, boxes, find, webp_with_profile};
    use image::ImageDecoder;

    /// Each item's bytes, as `iloc` locates them (construction method 0, one extent).
    fn items(file: &[u8]) -> Vec<Vec<u8>> {
        let top = boxes(file, 0, file.len()).unwrap();
        let meta = find(&top, b"meta").unwrap();
        let iloc = find(&boxes(file, meta.body + 4, meta.end).unwrap(), b"iloc").unwrap();
        let body = &file[iloc.body..iloc.end];
        assert_eq!(
            (body[0], body[4], body[5]),
            (0, 0x44, 0),
            "the layout ravif writes"
        );
        let count = u16::from_be_bytes([body[6], body[7]]) as usize;
        (0..count)
            .map(|i| {
                let e = &body[8 + i * 14..8 + (i + 1) * 14];
                assert_eq!(u16::from_be_bytes([e[4], e[5]]), 1, "one extent");
                let offset = u32::from_be_bytes(e[6..10].try_into().unwrap()) as usize;
                let len = u32::from_be_bytes(e[10..14].try_into().unwrap()) as usize;
                file[offset..offset + len].to_vec()
            })
            .collect()
    }

    #[test]
    fn an_avif_gets_the_profile_on_its_primary_item_and_keeps_its_image_data() {
        let icc: Vec<u8> = (0..517u32).map(|i| (i * 13) as u8).collect();
        let rgb: Vec<ravif::RGB8> = (0..40 * 24)
            .map(|i| ravif::RGB8::new(i as u8, 90, 200))
            .collect();
        let rgba: Vec<ravif::RGBA8> = (0..40 * 24)
            .map(|i| ravif::RGBA8::new(i as u8, 90, 200, (i % 200) as u8))
            .collect();
        let encoder = ravif::Encoder::new().with_speed(10);
        let files = [
            encoder
                .encode_rgb(ravif::Img::new(&rgb[..], 40, 24))
                .unwrap()
                .avif_file,
            encoder
                .encode_rgba(ravif::Img::new(&rgba[..], 40, 24))
                .unwrap()
                .avif_file,
        ];
        for file in files {
            let with = avif_with_profile(&file, &icc).expect("ravif's layout");
            assert_eq!(with.len(), file.len() + 12 + icc.len() + 1);
            // The image (and alpha) data found where the moved offsets say.
            assert_eq!(items(&with), items(&file));
            // The profile is the last property, associated with item 1 (the primary).
            let meta = find(&boxes(&with, 0, with.len()).unwrap(), b"meta").unwrap();
            let iprp = find(&boxes(&with, meta.body + 4, meta.end).unwrap(), b"iprp").unwrap();
            let props = boxes(&with, iprp.body, iprp.end).unwrap();
            let ipco = boxes(
                &with,
                find(&props, b"ipco").unwrap().body,
                find(&props, b"ipco").unwrap().end,
            )
            .unwrap();
            let colr = ipco.last().unwrap();
            assert_eq!(&with[colr.body..colr.body + 4], b"prof");
            assert_eq!(&with[colr.body + 4..colr.end], &icc[..]);
            let ipma = find(&props, b"ipma").unwrap();
            let entry = &with[ipma.body + 8..];
            assert_eq!(
                u16::from_be_bytes([entry[0], entry[1]]),
                1,
                "the primary item first"
            );
            let count = entry[2] as usize;
            assert_eq!(
                entry[2 + count] as usize,
                ipco.len(),
                "its last association is the profile"
            );
            // Nothing outside the patched boxes changed.
            assert_eq!(&with[..meta.start], &file[..meta.start]);
            // Cut anywhere, the file is refused or patched, never a panic.
            for cut in 0..file.len() {
                let _ = avif_with_profile(&file[..cut], &icc);
            }
        }
    }

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
