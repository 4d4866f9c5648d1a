//! Embeds of other services (GitHub gists, posts on X/Twitter, Instagram posts, Streamable
//! videos) as plain links: the old generators pasted the service's script, pressroom's pages
//! run none, and a reader must still reach the content. The link's URL is built from the
//! shortcode's arguments only when they are plain ids (or the service's own URL), so nothing
//! else can end up in the link.

use super::shortcodes::Args;

/// An embed as a link: where it leads and the words of the link.
pub(super) struct EmbedLink {
    /// The service's own page of the embedded thing.
    pub(super) url: String,
    /// The link text, e.g. `A post by @rustlang on X`.
    pub(super) text: String,
    /// The account, when the arguments name it (`rustlang`), for a quote's speaker.
    pub(super) user: Option<String>,
}

impl EmbedLink {
    /// The embed as its own paragraph of Markdown.
    pub(super) fn paragraph(&self) -> String {
        format!("[{}]({})", self.text, self.url)
    }
}

/// The link an embed shortcode or Liquid tag stands for: Zola/Hugo `gist`, `tweet`, `x`,
/// `twitter`, `instagram`, Zola's `streamable`, Jekyll `{% gist %}` and jekyll-twitter-plugin's
/// `{% twitter %}`.
/// None for any other tag, or when its arguments are not plain ids or the service's URLs.
pub(super) fn link(name: &str, a: &Args) -> Option<EmbedLink> {
    match name {
        "gist" => gist(a),
        "tweet" | "x" | "twitter" => post_on_x(a),
        "instagram" => instagram(a),
        "streamable" => {
            let id = a.get(&["id"]).or(a.pos(0)).filter(|id| plain(id))?;
            Some(EmbedLink {
                url: format!("https://streamable.com/{id}"),
                text: "A video on Streamable".into(),
                user: None,
            })
        }
        _ => None,
    }
}

/// Letters, digits, `-` and `_`: an id or a user name that can go into a URL as it is.
fn plain(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `https://HOST/REST` where HOST is one of `hosts`, with no quote, space or bracket in it.
fn service_url<'a>(url: &'a str, hosts: &[&str]) -> Option<&'a str> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split('/').next()?;
    let clean = !url.contains(['"', '\'', ' ', '<', '>', '(', ')', '[', ']']);
    (hosts.contains(&host) && clean && rest.len() > host.len() + 1).then_some(url)
}

/// Hugo `{{< gist USER ID [FILE] >}}`, Zola `gist(url=…)`, Jekyll `{% gist [USER/]ID [FILE] %}`.
fn gist(a: &Args) -> Option<EmbedLink> {
    if let Some(url) = a.get(&["url"]) {
        let url = service_url(url, &["gist.github.com"])?;
        let name = url.trim_start_matches("https://gist.github.com/");
        return Some(EmbedLink {
            url: url.to_string(),
            text: format!("Gist {name} on GitHub"),
            user: None,
        });
    }
    let (path, file) = match (a.get(&["user", "username"]), a.get(&["id"])) {
        (Some(user), Some(id)) => (format!("{user}/{id}"), a.get(&["file"])),
        _ if a.pos(0)?.contains('/') => (a.pos(0)?.to_string(), a.pos(1)),
        _ => match (a.pos(0), a.pos(1)) {
            // Hugo: user, id; Jekyll: an id alone, or id then file name.
            (Some(user), Some(id)) if plain(id) && id.chars().any(|c| c.is_ascii_digit()) => {
                (format!("{user}/{id}"), a.pos(2))
            }
            (Some(id), file) => (id.to_string(), file),
            _ => return None,
        },
    };
    if !path.split('/').all(plain) || path.split('/').count() > 2 {
        return None;
    }
    let file = file.filter(|f| !f.contains(['[', ']', '(', ')']));
    let text = match file {
        Some(f) => format!("Gist {path} ({f}) on GitHub"),
        None => format!("Gist {path} on GitHub"),
    };
    Some(EmbedLink {
        url: format!("https://gist.github.com/{path}"),
        text,
        user: None,
    })
}

/// Hugo `{{< tweet user=U id=ID >}}` (and the older `{{< tweet ID >}}`), `{{< x … >}}`, a
/// Zola `tweet(id=…)` or `tweet(url=…)`, jekyll-twitter-plugin `{% twitter [oembed] URL %}`.
fn post_on_x(a: &Args) -> Option<EmbedLink> {
    let url = a.get(&["url", "link"]).or(a
        .pos
        .iter()
        .map(String::as_str)
        .find(|p| p.starts_with("https://")));
    if let Some(url) = url {
        let hosts = [
            "twitter.com",
            "x.com",
            "www.twitter.com",
            "mobile.twitter.com",
        ];
        let url = service_url(url, &hosts)?;
        let user = url.split('/').nth(3).filter(|u| plain(u) && *u != "i");
        return Some(on_x(url.to_string(), user));
    }
    let id = a.get(&["id"]).or(a.pos.last().map(String::as_str))?;
    let user = a.get(&["user", "username", "name"]).filter(|u| plain(u));
    if !id.chars().all(|c| c.is_ascii_digit()) || id.is_empty() {
        return None;
    }
    let url = match user {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/status/{id}"),
    };
    Some(on_x(url, user))
}

fn on_x(url: String, user: Option<&str>) -> EmbedLink {
    EmbedLink {
        url,
        text: match user {
            Some(u) => format!("A post by @{u} on X"),
            None => "A post on X".into(),
        },
        user: user.map(String::from),
    }
}

/// Hugo `{{< instagram ID >}}` (a post's code), or a `url=` of the post.
fn instagram(a: &Args) -> Option<EmbedLink> {
    let url = match a.get(&["url"]) {
        Some(url) => service_url(url, &["www.instagram.com", "instagram.com"])?.to_string(),
        None => {
            let id = a.get(&["id"]).or(a.pos(0))?;
            if !plain(id) {
                return None;
            }
            format!("https://www.instagram.com/p/{id}/")
        }
    };
    Some(EmbedLink {
        url,
        text: "A post on Instagram".into(),
        user: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pos: &[&str], named: &[(&str, &str)]) -> Args {
        Args {
            pos: pos.iter().map(|s| s.to_string()).collect(),
            named: named
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn url(name: &str, a: Args) -> Option<String> {
        link(name, &a).map(|l| l.url)
    }

    #[test]
    fn each_form_of_each_embed_gives_the_service_page() {
        let gist = "https://gist.github.com/spf13/7896402";
        assert_eq!(
            url("gist", args(&["spf13", "7896402"], &[])).as_deref(),
            Some(gist)
        );
        assert_eq!(
            url("gist", args(&["spf13/7896402"], &[])).as_deref(),
            Some(gist)
        );
        assert_eq!(
            url("gist", args(&[], &[("url", gist)])).as_deref(),
            Some(gist)
        );
        assert_eq!(
            url("gist", args(&["931c1c8d465a04042403", "a.rb"], &[])).as_deref(),
            Some("https://gist.github.com/931c1c8d465a04042403")
        );
        assert_eq!(
            url("tweet", args(&[], &[("user", "rustlang"), ("id", "123")])).as_deref(),
            Some("https://x.com/rustlang/status/123")
        );
        assert_eq!(
            url("tweet", args(&["123"], &[])).as_deref(),
            Some("https://x.com/i/status/123")
        );
        let t = "https://twitter.com/jekyllrb/status/9";
        assert_eq!(
            url("twitter", args(&["oembed", t], &[])).as_deref(),
            Some(t)
        );
        assert_eq!(
            url("streamable", args(&[], &[("id", "moo")])).as_deref(),
            Some("https://streamable.com/moo")
        );
        assert_eq!(
            url("instagram", args(&["CxOWiQNP2MO"], &[])).as_deref(),
            Some("https://www.instagram.com/p/CxOWiQNP2MO/")
        );
    }

    #[test]
    fn arguments_that_are_not_plain_ids_or_the_service_give_no_link() {
        assert!(url("tweet", args(&["12a"], &[])).is_none());
        assert!(url("tweet", args(&[], &[("url", "https://evil.example/x")])).is_none());
        assert!(url("gist", args(&["a/b/c"], &[])).is_none());
        assert!(url("gist", args(&["x\"onclick"], &[])).is_none());
        assert!(url("instagram", args(&["a b"], &[])).is_none());
        assert!(url("youtube", args(&["abc"], &[])).is_none());
    }
}
