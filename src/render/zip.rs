//! Each press kit's ZIP of its originals, written by hand in the ZIP format's STORED method.
//!
//! Why by hand: a kit's files are photos, videos and PDFs, already compressed, so deflating
//! them gains little and costs time; STORED is a fixed layout (a header, the bytes, a central
//! directory) of ~60 lines, deterministic by construction: entries sorted by name, every
//! timestamp the format's earliest (1980-01-01 00:00), no extra fields, no host attributes.
//! Same input, same bytes; and the size is known before writing (the kit page shows it).
//! `build` streams it into the output file ([`write_kit`]); `serve` keeps it in memory.
//! Limits: the classic format's 4 GiB and 65,535 entries (assembly refuses a larger kit with
//! an error saying to split it; ZIP64 would lift them, at the cost of readers that lack it).

use crate::model::media::Kit;
use std::io::{Read, Write};

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

/// The kit's ZIP in memory (`serve`, `check`), or None when it cannot be written (see
/// [`write_kit`]).
pub fn kit_zip(kit: &Kit) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(usize::try_from(size(kit)).ok()?);
    write_kit(kit, &mut out).ok()?;
    Some(out)
}

/// Writes the kit's ZIP to `out` as it goes: each original is read once, in blocks, straight
/// into its entry, so a kit of videos never sits in memory. The local header needs the CRC
/// and size before the bytes: assembly read both with the SHA-256, and each file is checked
/// against them as it is copied, so a file changed since is an error, never a damaged ZIP.
/// (Data descriptors after each entry would avoid that, but some streaming unzippers cannot
/// read a STORED entry without its size up front.)
pub fn write_kit(kit: &Kit, out: &mut dyn Write) -> std::io::Result<()> {
    let entries = names(kit);
    if size(kit) > MAX_BYTES || entries.len() >= u16::MAX as usize {
        return Err(std::io::Error::other(
            "the kit is over the ZIP format's limits (4 GiB, 65,535 files)",
        ));
    }
    let mut offset: u64 = 0;
    let mut central = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    for (name, i) in &entries {
        let asset = &kit.assets[*i];
        // Within the limits: `size` counted every file.
        let len = asset.size as u32;
        let mut local = Vec::new();
        header(&mut local, 0x0403_4b50, name, asset.crc32, len, None);
        out.write_all(&local)?;
        let mut file = std::fs::File::open(&asset.abs)?;
        let (mut copied, mut crc) = (0u64, crc32fast::Hasher::new());
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            copied += n as u64;
            if copied > asset.size {
                break;
            }
            crc.update(&buf[..n]);
            out.write_all(&buf[..n])?;
        }
        if copied != asset.size || crc.finalize() != asset.crc32 {
            return Err(std::io::Error::other(format!(
                "`{}` changed while the site was built: build again",
                asset.file
            )));
        }
        header(
            &mut central,
            0x0201_4b50,
            name,
            asset.crc32,
            len,
            Some(offset as u32),
        );
        offset += local.len() as u64 + copied;
    }
    let (central_offset, central_size) = (offset as u32, central.len() as u32);
    let mut end = central;
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    end.extend_from_slice(&[0, 0, 0, 0]); // this disk, the directory's disk
    let count = entries.len() as u16;
    end.extend_from_slice(&count.to_le_bytes());
    end.extend_from_slice(&count.to_le_bytes());
    end.extend_from_slice(&central_size.to_le_bytes());
    end.extend_from_slice(&central_offset.to_le_bytes());
    end.extend_from_slice(&[0, 0]); // no comment
    out.write_all(&end)?;
    out.flush()
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
