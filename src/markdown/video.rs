//! The video component's source: a YouTube or Vimeo URL (its watch link and its
//! privacy-respecting player: youtube-nocookie.com, player.vimeo.com with `dnt=1`), or a local
//! file with its MIME type. Nothing here fetches anything: the page loads the player only
//! when the reader asks for it.

use serde::Serialize;

/// A video as the component template sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Video {
    /// `youtube`, `vimeo` or `file`.
    pub(super) kind: &'static str,
    /// Where a reader without the player watches it (the provider's page, or the file).
    pub(super) url: String,
    /// The player to load on request (empty for a file).
    pub(super) embed: String,
    /// The provider's id (empty for a file).
    pub(super) id: String,
    /// A file's MIME type (empty for a provider).
    #[serde(rename = "type")]
    pub(super) mime: String,
}

/// A YouTube or Vimeo URL, or None.
pub(super) fn remote(raw: &str) -> Option<Video> {
    let url = url::Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    let host = url
        .host_str()?
        .trim_start_matches("www.")
        .trim_start_matches("m.");
    let mut path = url.path_segments()?.filter(|s| !s.is_empty());
    match host {
        "youtube.com" | "youtube-nocookie.com" => {
            let id = match path.next()? {
                "watch" => url
                    .query_pairs()
                    .find(|(k, _)| k == "v")
                    .map(|(_, v)| v.into_owned())?,
                "embed" | "shorts" | "live" | "v" => path.next()?.to_string(),
                _ => return None,
            };
            youtube(&id)
        }
        "youtu.be" => youtube(path.next()?),
        "vimeo.com" | "player.vimeo.com" => {
            let mut first = path.next()?;
            if first == "video" {
                first = path.next()?;
            }
            if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // An unlisted video's link carries its hash (`vimeo.com/ID/HASH` or `?h=HASH`).
            let hash = path
                .next()
                .map(str::to_string)
                .or_else(|| {
                    url.query_pairs()
                        .find(|(k, _)| k == "h")
                        .map(|(_, v)| v.into_owned())
                })
                .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric()));
            let h = hash
                .as_deref()
                .map(|h| format!("&h={h}"))
                .unwrap_or_default();
            Some(Video {
                kind: "vimeo",
                url: match &hash {
                    Some(hash) => format!("https://vimeo.com/{first}/{hash}"),
                    None => format!("https://vimeo.com/{first}"),
                },
                embed: format!("https://player.vimeo.com/video/{first}?dnt=1&autoplay=1{h}"),
                id: first.to_string(),
                mime: String::new(),
            })
        }
        _ => None,
    }
}

fn youtube(id: &str) -> Option<Video> {
    let valid = id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| Video {
        kind: "youtube",
        url: format!("https://www.youtube.com/watch?v={id}"),
        embed: format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"),
        id: id.to_string(),
        mime: String::new(),
    })
}

/// The MIME type of a local video file by its extension, or None for a format browsers do
/// not play.
pub(super) fn mime(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mov" => "video/quicktime",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_and_vimeo_links_give_their_private_players() {
        for raw in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://m.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ] {
            let v = remote(raw).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(v.url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
            assert_eq!(
                v.embed,
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
            );
        }
        let v = remote("https://vimeo.com/76979871").expect("vimeo");
        assert_eq!(
            v.embed,
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
        );
        let v = remote("https://vimeo.com/76979871/abc123").expect("unlisted");
        assert_eq!(
            v.embed,
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=abc123"
        );
        for raw in [
            "https://example.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=short",
            "https://vimeo.com/channels/staff",
            "javascript:alert(1)",
            "clip.mp4",
        ] {
            assert_eq!(remote(raw), None, "{raw}");
        }
        assert_eq!(mime("launch.MP4"), Some("video/mp4"));
        assert_eq!(mime("launch.avi"), None);
    }
}
