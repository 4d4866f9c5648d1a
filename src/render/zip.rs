//! Each press kit's ZIP of its originals, written by hand in the ZIP format's STORED method.
//!
//! Why by hand: a kit's files are photos, videos and PDFs, already compressed, so deflating
//! them gains little and costs time; STORED is a fixed layout (a header, the bytes, a central
//! directory) of ~60 lines, deterministic by construction: entries sorted by name, every
//! timestamp the format's earliest (1980-01-01 00:00), no extra fields, no host attributes.
//! Same input, same bytes; and the size is known before writing (the kit page shows it).
//! `build` streams it into the output file ([`write_kit`]), `serve` into the connection when
//! it is downloaded (`serve::kit_zip`): one writer, the same bytes.
//! Size: a kit within the classic format's limits (under 4 GiB and 65,535 files, nearly all)
//! gets a classic ZIP, which every unzipper reads. A larger one (a kit of b-roll videos) is
//! written in ZIP64 (APPNOTE 4.5.3: each entry's sizes and offset in a ZIP64 extra field, then
//! the ZIP64 end records), which the unzippers of current systems read; no kit is refused.

use crate::model::media::Kit;
use std::io::{Read, Write};

/// The classic format's limit on sizes and offsets: a field at this value means "see ZIP64".
const MAX_32: u64 = u32::MAX as u64;
/// The classic format's limit on the number of entries.
const MAX_ENTRIES: usize = u16::MAX as usize;
/// A ZIP64 entry's extra field: its id and length (4), its size and compressed size (16), and,
/// in the central directory, its offset (8).
const LOCAL_EXTRA_64: u64 = 4 + 16;
const CENTRAL_EXTRA_64: u64 = 4 + 24;
/// The ZIP64 end of central directory record (56) and its locator (20).
const END_64: u64 = 56 + 20;

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

/// Whether the kit's ZIP is ZIP64: only when the classic format cannot hold it.
fn zip64(kit: &Kit, entries: &[(String, usize)]) -> bool {
    sized(kit, entries, false) > MAX_32 || entries.len() >= MAX_ENTRIES
}

/// The ZIP's size in bytes, from the files' sizes alone.
pub fn size(kit: &Kit) -> u64 {
    let entries = names(kit);
    sized(kit, &entries, zip64(kit, &entries))
}

fn sized(kit: &Kit, entries: &[(String, usize)], zip64: bool) -> u64 {
    let extra = if zip64 {
        LOCAL_EXTRA_64 + CENTRAL_EXTRA_64
    } else {
        0
    };
    let files: u64 = entries
        .iter()
        .map(|(name, i)| 30 + 46 + extra + 2 * name.len() as u64 + kit.assets[*i].size)
        .sum();
    files + 22 + if zip64 { END_64 } else { 0 }
}

/// The kit's ZIP in memory (a build through the incremental layer's unshared tables, which
/// hands every output back), or None when it cannot be written (see [`write_kit`]).
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
    write_as(kit, &entries, zip64(kit, &entries), out)
}

/// [`write_kit`] in the classic format or ZIP64. In ZIP64 every entry carries its sizes and
/// offset in the extra field (the header fields say `0xFFFFFFFF`), so the layout, and the
/// size the kit page states, does not depend on where the 4 GiB line falls.
fn write_as(
    kit: &Kit,
    entries: &[(String, usize)],
    zip64: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut offset: u64 = 0;
    let mut central = Vec::new();
    for (name, i) in entries {
        let asset = &kit.assets[*i];
        let entry = Header {
            name,
            crc: asset.crc32,
            len: asset.size,
            zip64,
        };
        let mut local = Vec::new();
        entry.write(&mut local, None);
        out.write_all(&local)?;
        let copied = copy_checked(asset, out)?;
        entry.write(&mut central, Some(offset));
        offset += local.len() as u64 + copied;
    }
    let count = entries.len() as u64;
    let central_size = central.len() as u64;
    let mut end = central;
    if zip64 {
        let end_64_at = offset + central_size;
        end.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
        end.extend_from_slice(&44u64.to_le_bytes()); // the record's size after this field
        end.extend_from_slice(&45u16.to_le_bytes()); // made by: 4.5
        end.extend_from_slice(&45u16.to_le_bytes()); // needed to extract: 4.5
        end.extend_from_slice(&[0; 8]); // this disk, the directory's disk
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&central_size.to_le_bytes());
        end.extend_from_slice(&offset.to_le_bytes());
        end.extend_from_slice(&0x0706_4b50u32.to_le_bytes()); // the locator
        end.extend_from_slice(&0u32.to_le_bytes()); // the ZIP64 record's disk
        end.extend_from_slice(&end_64_at.to_le_bytes());
        end.extend_from_slice(&1u32.to_le_bytes()); // disks
    }
    let count16 = if zip64 { u16::MAX } else { count as u16 };
    let field32 = |v: u64| if zip64 { u32::MAX } else { v as u32 };
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    end.extend_from_slice(&[0, 0, 0, 0]); // this disk, the directory's disk
    end.extend_from_slice(&count16.to_le_bytes());
    end.extend_from_slice(&count16.to_le_bytes());
    end.extend_from_slice(&field32(central_size).to_le_bytes());
    end.extend_from_slice(&field32(offset).to_le_bytes());
    end.extend_from_slice(&[0, 0]); // no comment
    out.write_all(&end)?;
    out.flush()
}

/// Copies the asset's bytes into `out`, checking them against the size and CRC assembly
/// read; returns how many were copied.
fn copy_checked(asset: &crate::model::media::Asset, out: &mut dyn Write) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let mut file = open_original(&asset.abs)?;
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
    Ok(copied)
}

/// Opens a kit's file, never through a symbolic link at its name: the library holds only
/// real files (the content walk skips links), and a link swapped in after the sums were read
/// would send another file's bytes into the archive (`build`'s output, or `serve`'s download)
/// before the CRC check at its end could stop it.
fn open_original(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path)
}

/// One STORED entry's header.
struct Header<'a> {
    name: &'a str,
    crc: u32,
    len: u64,
    zip64: bool,
}

impl Header<'_> {
    /// Its local file header (`offset` None) or its central directory entry.
    fn write(&self, out: &mut Vec<u8>, offset: Option<u64>) {
        let version: u16 = if self.zip64 { 45 } else { 20 };
        let field32 = |v: u64| if self.zip64 { u32::MAX } else { v as u32 };
        let signature: u32 = match offset {
            Some(_) => 0x0201_4b50,
            None => 0x0403_4b50,
        };
        out.extend_from_slice(&signature.to_le_bytes());
        if offset.is_some() {
            out.extend_from_slice(&version.to_le_bytes()); // made by, MS-DOS attributes
        }
        out.extend_from_slice(&version.to_le_bytes()); // needed to extract
        out.extend_from_slice(&0x0800u16.to_le_bytes()); // the name is UTF-8
        out.extend_from_slice(&0u16.to_le_bytes()); // STORED
        out.extend_from_slice(&0u16.to_le_bytes()); // 00:00:00
        out.extend_from_slice(&0x0021u16.to_le_bytes()); // 1980-01-01
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&field32(self.len).to_le_bytes()); // compressed size
        out.extend_from_slice(&field32(self.len).to_le_bytes()); // size
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        // The ZIP64 field's data: size and compressed size, and in the directory the offset.
        let data: u16 = match (self.zip64, offset) {
            (false, _) => 0,
            (true, None) => 16,
            (true, Some(_)) => 24,
        };
        let extra_len = if self.zip64 { data + 4 } else { 0 };
        out.extend_from_slice(&extra_len.to_le_bytes());
        if let Some(offset) = offset {
            out.extend_from_slice(&0u16.to_le_bytes()); // no comment
            out.extend_from_slice(&0u16.to_le_bytes()); // disk 0
            out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            out.extend_from_slice(&field32(offset).to_le_bytes());
        }
        out.extend_from_slice(self.name.as_bytes());
        if self.zip64 {
            out.extend_from_slice(&1u16.to_le_bytes()); // the ZIP64 extra field
            out.extend_from_slice(&data.to_le_bytes());
            out.extend_from_slice(&self.len.to_le_bytes()); // size
            out.extend_from_slice(&self.len.to_le_bytes()); // compressed size
            if let Some(offset) = offset {
                out.extend_from_slice(&offset.to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::media::{Asset, AssetKind};

    /// A document of the kit at `abs`, holding `bytes` (also for serve's tests).
    pub(crate) fn asset(file: &str, abs: std::path::PathBuf, bytes: &[u8]) -> Asset {
        Asset {
            file: file.into(),
            abs,
            path: format!("/media/kit/{file}"),
            anchor: String::new(),
            kind: AssetKind::Document,
            mime: "application/octet-stream",
            size: bytes.len() as u64,
            sha256: String::new(),
            crc32: crc32fast::hash(bytes),
            stamp: None,
            title: file.into(),
            caption: None,
            credit: None,
            copyright: None,
            licence: None,
            alt: None,
            language: None,
            pixels: None,
            picture: None,
            renditions: vec![],
        }
    }

    /// A listed kit of `assets` (also for serve's tests of the ZIP it writes).
    pub(crate) fn kit(assets: Vec<Asset>) -> Kit {
        Kit {
            id: "kit".into(),
            rel: "content/media/kit/index.md".into(),
            lang: "en".into(),
            title: "Kit".into(),
            summary: None,
            date: None,
            path: crate::paths::SitePath::new("/media/kit/"),
            publication: crate::model::Publication::Listed,
            assets,
        }
    }

    /// A kit file swapped for a link to another file with the same bytes (so its size and
    /// CRC still hold) is not followed: no other file's bytes reach the archive.
    #[cfg(unix)]
    #[test]
    fn a_kit_file_swapped_for_a_link_is_not_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let (real, elsewhere) = (dir.path().join("facts.pdf"), dir.path().join("secret"));
        std::fs::write(&elsewhere, b"same bytes").expect("write");
        std::fs::write(&real, b"same bytes").expect("write");
        let kit = kit(vec![asset("facts.pdf", real.clone(), b"same bytes")]);
        write_kit(&kit, &mut Vec::new()).expect("a real file is read");
        std::fs::remove_file(&real).expect("remove");
        std::os::unix::fs::symlink(&elsewhere, &real).expect("link");
        let mut out = Vec::new();
        assert!(write_kit(&kit, &mut out).is_err(), "the link was followed");
        assert!(
            !out.windows(10).any(|w| w == b"same bytes"),
            "the linked file's bytes were written"
        );
    }

    /// Only a kit the classic format cannot hold is ZIP64: over 4 GiB, or 65,535 files.
    #[test]
    fn zip64_only_past_the_classic_limits() {
        let none = std::path::PathBuf::new();
        let small = kit(vec![asset("a.pdf", none.clone(), b"x")]);
        assert!(!zip64(&small, &names(&small)));
        let mut big = small.clone();
        big.assets[0].size = 5 << 30;
        assert!(zip64(&big, &names(&big)));
        assert_eq!(size(&big), sized(&big, &names(&big), true));
        let many = kit((0..u16::MAX)
            .map(|n| asset(&format!("{n}.txt"), none.clone(), b""))
            .collect());
        assert!(zip64(&many, &names(&many)));
    }

    /// Both layouts, read back by an unzipper that is not ours (Python's `zipfile`, which
    /// reads ZIP64, checks every CRC with `testzip` and reads the entries through the
    /// central directory), are the files byte for byte, at the size stated up front.
    #[test]
    fn python_reads_both_layouts_byte_for_byte() {
        if std::process::Command::new("python3")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("python3 is not installed: skipping the ZIP read-back");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let files: [(&str, &[u8]); 3] = [
            ("b-roll/clip.mp4", b"frames frames frames"),
            ("facts.pdf", b"%PDF-1.4"),
            ("empty.txt", b""),
        ];
        let assets = files
            .iter()
            .map(|(name, bytes)| {
                let abs = dir.path().join(name.replace('/', "-"));
                std::fs::write(&abs, bytes).unwrap();
                asset(name, abs, bytes)
            })
            .collect();
        let kit = kit(assets);
        let entries = names(&kit);
        for zip64 in [false, true] {
            let mut zip = Vec::new();
            write_as(&kit, &entries, zip64, &mut zip).unwrap();
            assert_eq!(
                zip.len() as u64,
                sized(&kit, &entries, zip64),
                "zip64 {zip64}"
            );
            let path = dir.path().join(format!("kit-{zip64}.zip"));
            std::fs::write(&path, &zip).unwrap();
            let script = "import json, sys, zipfile\n\
                z = zipfile.ZipFile(sys.argv[1])\n\
                assert z.testzip() is None\n\
                print(json.dumps([[i.filename, z.read(i).decode(), i.file_size] for i in z.infolist()]))";
            let run = std::process::Command::new("python3")
                .args(["-c", script])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            let got: Vec<(String, String, u64)> = serde_json::from_slice(&run.stdout).unwrap();
            let mut want: Vec<(String, String, u64)> = files
                .iter()
                .map(|(n, b)| {
                    (
                        format!("kit/{n}"),
                        String::from_utf8(b.to_vec()).unwrap(),
                        b.len() as u64,
                    )
                })
                .collect();
            want.sort();
            assert_eq!(got, want, "zip64 {zip64}");
        }
    }
}
