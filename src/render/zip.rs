//! Each press kit's ZIP of its originals, written by hand in the ZIP format's STORED method.
//!
//! Why by hand: a kit's files are photos, videos and PDFs, already compressed, so deflating
//! them gains little and costs time; STORED is a fixed layout (a header, the bytes, a central
//! directory) of ~60 lines, deterministic by construction: entries sorted by name, every
//! timestamp the format's earliest (1980-01-01 00:00), no extra fields, no host attributes.
//! Same input, same bytes; and the size is known before writing (the kit page shows it).
//! Limits: the classic format's 4 GiB and 65,535 entries (assembly refuses a larger kit).

use crate::model::media::Kit;

/// The classic (non-ZIP64) format's limit on sizes and offsets.
pub const MAX_BYTES: u64 = u32::MAX as u64;

/// Entry names: inside a folder named after the kit, so unzipping makes one folder.
fn names(kit: &Kit) -> Vec<(String, usize)> {
    let mut names: Vec<(String, usize)> = kit
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("{}/{}", kit.id, a.file), i))
        .collect();
    names.sort();
    names
}

/// The ZIP's size in bytes, from the files' sizes alone.
pub fn size(kit: &Kit) -> u64 {
    names(kit)
        .iter()
        .map(|(name, i)| 30 + 46 + 2 * name.len() as u64 + kit.assets[*i].size)
        .sum::<u64>()
        + 22
}

/// The kit's ZIP, or None when a file cannot be read any more (assembly read it; it was
/// removed during the build) or the kit is over the format's limits.
pub fn kit_zip(kit: &Kit) -> Option<Vec<u8>> {
    let entries = names(kit);
    if size(kit) > MAX_BYTES || entries.len() >= u16::MAX as usize {
        return None;
    }
    let mut out = Vec::with_capacity(size(kit) as usize);
    let mut central = Vec::new();
    for (name, i) in &entries {
        // The file is read straight into the archive (a video is in memory once, not twice);
        // its header's CRC and sizes are filled in once it is there.
        let offset = out.len();
        header(&mut out, 0x0403_4b50, name, 0, 0, None);
        let start = out.len();
        let mut file = std::fs::File::open(&kit.assets[*i].abs).ok()?;
        std::io::Read::read_to_end(&mut file, &mut out).ok()?;
        let len = u32::try_from(out.len() - start).ok()?;
        let crc = crc32fast::hash(&out[start..]);
        out[offset + 14..offset + 18].copy_from_slice(&crc.to_le_bytes());
        out[offset + 18..offset + 22].copy_from_slice(&len.to_le_bytes());
        out[offset + 22..offset + 26].copy_from_slice(&len.to_le_bytes());
        let offset = u32::try_from(offset).ok()?;
        header(&mut central, 0x0201_4b50, name, crc, len, Some(offset));
    }
    // A file that grew since assembly measured it could take the archive past the format.
    if out.len() as u64 + central.len() as u64 + 22 > MAX_BYTES {
        return None;
    }
    let (central_offset, central_size) = (out.len() as u32, central.len() as u32);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]); // this disk, the directory's disk
    let count = entries.len() as u16;
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]); // no comment
    Some(out)
}

/// A local file header (`offset` None) or a central directory entry for a STORED file.
fn header(out: &mut Vec<u8>, signature: u32, name: &str, crc: u32, len: u32, offset: Option<u32>) {
    out.extend_from_slice(&signature.to_le_bytes());
    if offset.is_some() {
        out.extend_from_slice(&20u16.to_le_bytes()); // made by: ZIP 2.0, MS-DOS attributes
    }
    out.extend_from_slice(&20u16.to_le_bytes()); // needed to extract: 2.0
    out.extend_from_slice(&0x0800u16.to_le_bytes()); // the name is UTF-8
    out.extend_from_slice(&0u16.to_le_bytes()); // STORED
    out.extend_from_slice(&0u16.to_le_bytes()); // 00:00:00
    out.extend_from_slice(&0x0021u16.to_le_bytes()); // 1980-01-01
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes()); // compressed size
    out.extend_from_slice(&len.to_le_bytes()); // size
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
    if let Some(offset) = offset {
        out.extend_from_slice(&0u16.to_le_bytes()); // no comment
        out.extend_from_slice(&0u16.to_le_bytes()); // disk 0
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        out.extend_from_slice(&offset.to_le_bytes());
    }
    out.extend_from_slice(name.as_bytes());
}
