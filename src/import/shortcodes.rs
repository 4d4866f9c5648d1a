//! Shortcodes and Liquid tags of the old site as pressroom Markdown, where the mapping is
//! clear: videos (`> [!VIDEO …]`), figures (`> [!FIGURE …]`), quotes (`> [!QUOTE …]`),
//! notices and admonitions (callouts), highlighted code (fenced code), links to other pages
//! (`ref`, `relref`, `link`, `post_url`, Zola's `@/…` links), `{% raw %}`, and embeds of
//! gists and posts (links, see `super::embeds`). Anything else
//! stays in the text and is reported at its line and column, with what to do instead.
//!
//! Code blocks are copied as they are, except that Zola's and Hugo's escaped shortcodes
//! (`{{/* … */}}`, `{{</* … */>}}`), which those generators show literally, lose the escape.

use crate::diag::{Diagnostic, LineIndex};

/// A link to another page of the old site, written into the body as [`token`] of its index
/// and replaced once every page's new URL is known (see `super::resolve_refs`).
pub(crate) struct Ref {
    /// The old file that links (path in SRC), and where.
    pub(super) from: String,
    pub(super) line: usize,
    pub(super) col: usize,
    /// The target as written, for the report and as the fallback text.
    pub(super) written: String,
    /// Old content files (paths in SRC) it may name, the first that exists wins.
    pub(super) candidates: Vec<String>,
    /// Else the one old file whose path ends with this, if exactly one does.
    pub(super) suffix: String,
    /// `#anchor` kept from the target.
    pub(super) fragment: String,
}

/// Converts the body of `text` (from `body_offset`), the file `rel` of the old site. Links
/// to other pages become tokens in `refs`; places that stay unconverted go to `notes`.
pub(super) fn convert(
    rel: &str,
    text: &str,
    body_offset: usize,
    refs: &mut Vec<Ref>,
    notes: &mut Vec<Diagnostic>,
) -> String {
    let mut c = Converter {
        rel,
        body: &text[body_offset..],
        body_offset,
        index: LineIndex::new(text),
        refs,
        notes,
    };
    c.run()
}

struct Converter<'a> {
    rel: &'a str,
    body: &'a str,
    body_offset: usize,
    index: LineIndex<'a>,
    refs: &'a mut Vec<Ref>,
    notes: &'a mut Vec<Diagnostic>,
}

/// One `{{ … }}`, `{% … %}`, `{{< … >}}` or `{{% … %}}` tag.
struct Tag {
    start: usize,
    /// Just after its closing delimiter.
    end: usize,
    /// `{{<` or `{{%` (Hugo).
    hugo: bool,
    /// `{% … %}` rather than `{{ … }}`.
    statement: bool,
    /// `name(…)`, Zola's form.
    call: bool,
    /// `{{< /name >}}`.
    closing: bool,
    name: String,
    args: Args,
}

/// A tag's arguments: positional ones in order, and `key=value` ones.
#[derive(Default)]
pub(super) struct Args {
    pub(super) pos: Vec<String>,
    pub(super) named: Vec<(String, String)>,
}

impl Args {
    /// The value of the first of `keys` given (names compared ignoring case).
    pub(super) fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.named
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        })
    }

    /// The `n`th positional argument.
    pub(super) fn pos(&self, n: usize) -> Option<&str> {
        self.pos.get(n).map(String::as_str)
    }
}

/// What a tag (and, for a block, its body) becomes.
enum Out {
    /// Text in place of the tag.
    Inline(String),
    /// Markdown blocks, set apart from what surrounds them by blank lines.
    Block(String),
}

impl Converter<'_> {
    fn run(&mut self) -> String {
        let body = self.body;
        let mut out = String::with_capacity(body.len());
        let mut i = 0;
        let mut fence: Option<&str> = None;
        while i < body.len() {
            let line_end = line_end(body, i);
            let line = &body[i..line_end];
            let t = line.trim_start();
            let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
            match (fence, marker) {
                (Some(open), Some(m)) if open == m => fence = None,
                (None, Some(m)) => fence = Some(m),
                _ => {}
            }
            if fence.is_some() || marker.is_some() {
                out.push_str(&unescape(line));
                i = line_end;
            } else if let Some(next) = self.container(i, &mut out) {
                i = next;
            } else if t.starts_with("{:") && t.trim_end().ends_with('}') {
                self.attribute_list(i, t.trim_end(), &mut out);
                i = line_end;
            } else {
                i = self.scan(i, line_end, &mut out);
            }
        }
        out
    }

    /// `:::TYPE title` … `:::` (Docusaurus, VuePress, markdown-it-container in Eleventy) with
    /// a callout's type, at `i`: the callout; returns where the next line starts.
    fn container(&mut self, i: usize, out: &mut String) -> Option<usize> {
        let body = self.body;
        let first_end = line_end(body, i);
        let open = body[i..first_end].trim();
        let rest = open.strip_prefix(":::")?.trim_start();
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let kind = callout_kind(&rest[..name_len])?;
        let title = rest[name_len..]
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let mut j = first_end;
        while j < body.len() && body[j..line_end(body, j)].trim() != ":::" {
            j = line_end(body, j);
        }
        if j >= body.len() {
            return None;
        }
        let inner = Converter {
            rel: self.rel,
            body: &body[first_end..j],
            body_offset: self.body_offset + first_end,
            index: self.index.clone(),
            refs: &mut *self.refs,
            notes: &mut *self.notes,
        }
        .run();
        let title = Some(title).filter(|t| !t.is_empty());
        if let Out::Block(text) = callout(kind, title, inner.trim()) {
            push_block(out, &text);
        }
        Some(line_end(body, j))
    }

    /// A kramdown attribute list line (`{: .notice--warning}`, `{:toc}`): Minimal Mistakes'
    /// notices make the paragraph above a callout; any other is left and reported.
    fn attribute_list(&mut self, i: usize, ial: &str, out: &mut String) {
        let notice = ial[2..ial.len() - 1]
            .split_whitespace()
            .find_map(|class| class.strip_prefix(".notice"));
        let kind = notice.and_then(|n| match n.trim_start_matches("--") {
            "" | "info" | "primary" => Some("NOTE"),
            "success" => Some("TIP"),
            "warning" => Some("WARNING"),
            "danger" => Some("CAUTION"),
            _ => None,
        });
        let para_start = out
            .trim_end_matches('\n')
            .rfind("\n\n")
            .map_or(0, |p| p + 2);
        let paragraph = out[para_start..].trim_end().to_string();
        let after_paragraph = out.ends_with('\n') && !out.ends_with("\n\n");
        match kind {
            Some(kind) if after_paragraph && !paragraph.is_empty() => {
                out.truncate(para_start);
                if let Out::Block(text) = callout(kind, None, &paragraph) {
                    push_block(out, &text);
                }
            }
            _ => {
                let line = &self.body[i..line_end(self.body, i)];
                let (l, c) = self.position(i + line.len() - line.trim_start().len());
                self.notes.push(
                    Diagnostic::warning(self.rel, l, c, format!("kramdown attribute list `{ial}` is left as text: pressroom's Markdown has none"))
                        .with_help("remove it; for a class write the element as HTML, and give a heading its id with `{#id}`"),
                );
                out.push_str(line);
            }
        }
    }

    /// Copies prose from `i`, converting the tags on its line (a block tag may take the
    /// following lines too); returns where the next line starts.
    fn scan(&mut self, mut i: usize, mut end: usize, out: &mut String) -> usize {
        let body = self.body;
        if let Some(next) = self.reference_definition(i, end, out) {
            return next;
        }
        loop {
            let rest = &body[i..end];
            let Some(at) = ["{{", "{%", "](@/"]
                .iter()
                .filter_map(|p| rest.find(p))
                .min()
            else {
                out.push_str(rest);
                return end;
            };
            out.push_str(&rest[..at]);
            let at = i + at;
            i = if body[at..].starts_with("](@/") {
                out.push_str("](");
                self.zola_link(at + 2, out)
            } else {
                self.tag_or_text(at, out)
            };
            if i >= end {
                if i >= body.len() || body[..i].ends_with('\n') {
                    return i;
                }
                end = line_end(body, i);
            }
        }
    }

    /// `[label]: @/blog/post.md`: a reference definition to another page (Zola).
    fn reference_definition(&mut self, i: usize, end: usize, out: &mut String) -> Option<usize> {
        let line = &self.body[i..end];
        let t = line.trim_start();
        let colon = t.find("]: @/").filter(|_| t.starts_with('['))?;
        let at = end - line.len() + (line.len() - t.len()) + colon + 3;
        out.push_str(&line[..at - i]);
        let next = self.zola_link(at, out);
        out.push_str(&self.body[next..end]);
        Some(end)
    }

    /// `@/path.md#anchor` at `at` (Zola's link to a content file): a token; returns where the
    /// target ends.
    fn zola_link(&mut self, at: usize, out: &mut String) -> usize {
        let len = self.body[at..]
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(self.body.len() - at);
        let written = &self.body[at..at + len];
        let (path, fragment) = split_fragment(&written[2..]);
        let token = self.link(
            at,
            written,
            vec![format!("content/{path}")],
            String::new(),
            fragment,
        );
        out.push_str(&token);
        at + len
    }

    /// The tag at `at` converted (with its body, for a block), or left as it is and reported;
    /// returns where the text after it starts.
    fn tag_or_text(&mut self, at: usize, out: &mut String) -> usize {
        let Some(tag) = parse_tag(self.body, at) else {
            out.push_str(&self.body[at..at + 2]);
            return at + 2;
        };
        let mut end = tag.end;
        let converted = match self.closer(&tag) {
            Some((inner_end, close_end)) => {
                let inner = &self.body[tag.end..inner_end];
                end = close_end;
                self.block(&tag, inner)
            }
            None => self.inline(&tag),
        };
        match converted {
            Some(Out::Inline(text)) => out.push_str(&text),
            Some(Out::Block(text)) => {
                push_block(out, &text);
                // The rest of the tag's line, if only spaces, and a blank line after it are
                // the blank line just written.
                for _ in 0..2 {
                    let rest = &self.body[end..line_end(self.body, end)];
                    if rest.is_empty() || !rest.trim().is_empty() {
                        break;
                    }
                    end += rest.len();
                }
            }
            None => {
                let written = unescape(&self.body[at..tag.end]);
                self.unconverted(at, &written);
                out.push_str(&written);
                end = tag.end;
            }
        }
        end
    }

    /// For a tag that opens a block: where its body ends and where its closing tag ends.
    fn closer(&self, open: &Tag) -> Option<(usize, usize)> {
        if open.closing || !is_block(open) {
            return None;
        }
        let mut depth = 0;
        let mut i = open.end;
        while let Some(at) = ["{{", "{%"]
            .iter()
            .filter_map(|p| self.body[i..].find(p))
            .min()
        {
            let at = i + at;
            let Some(tag) = parse_tag(self.body, at) else {
                i = at + 2;
                continue;
            };
            let closes = if open.hugo {
                tag.hugo && tag.closing && tag.name == open.name
            } else if open.call {
                tag.statement && tag.name == "end"
            } else {
                tag.statement && tag.name == format!("end{}", open.name)
            };
            let opens = if open.call {
                tag.call && tag.statement
            } else {
                tag.name == open.name && !tag.closing && tag.hugo == open.hugo
            };
            if closes && depth == 0 {
                return Some((at, tag.end));
            }
            depth += usize::from(opens);
            depth -= usize::from(closes);
            i = tag.end;
        }
        None
    }

    fn inline(&mut self, tag: &Tag) -> Option<Out> {
        let a = &tag.args;
        match tag.name.as_str() {
            "youtube" => video(
                "https://www.youtube.com/watch?v=",
                a.get(&["id"]).or(a.pos(0)),
                a,
            ),
            "vimeo" => video("https://vimeo.com/", a.get(&["id"]).or(a.pos(0)), a),
            "figure" | "image" | "img" | "fig" | "picture" => self.figure(tag.start, a, 0),
            "ref" | "relref" if tag.hugo => {
                let target = a.get(&["path"]).or(a.pos(0))?.to_string();
                Some(Out::Inline(self.hugo_ref(tag.start, &target)))
            }
            "link" if tag.statement => {
                let target = a.pos(0)?.to_string();
                let (path, fragment) = split_fragment(&target);
                let suffix = format!("/{path}");
                let token = self.link(tag.start, &target, vec![path.into()], suffix, fragment);
                Some(Out::Inline(token))
            }
            "post_url" if tag.statement => {
                let target = a.pos(0)?.trim_start_matches('/').to_string();
                let (name, fragment) = split_fragment(&target);
                let candidates = ["md", "markdown"]
                    .iter()
                    .map(|ext| format!("_posts/{name}.{ext}"))
                    .collect();
                let base = name.rsplit('/').next().unwrap_or(name);
                let suffix = format!("/{base}.md");
                let token = self.link(tag.start, &target, candidates, suffix, fragment);
                Some(Out::Inline(token))
            }
            "include" if tag.statement => self.include(tag.start, a),
            "gist" | "tweet" | "x" | "twitter" | "instagram" | "streamable" => {
                let link = super::embeds::link(&tag.name, a)?;
                self.converted_to_link(tag, &link.url);
                Some(Out::Block(link.paragraph()))
            }
            _ if !tag.statement && !tag.hugo && !tag.call => liquid_output(&tag.name, a),
            _ => None,
        }
    }

    /// `{% include NAME.html key=value %}` (Jekyll): videos, figures and notes.
    fn include(&mut self, at: usize, a: &Args) -> Option<Out> {
        let file = a.pos(0)?;
        let name = file.trim_end_matches(".html").rsplit('/').next()?;
        let provider = a.get(&["provider"]).unwrap_or(name);
        let id = a.get(&["id", "video_id", "video"]);
        match name {
            _ if provider.contains("youtube") => {
                video("https://www.youtube.com/watch?v=", id.or(a.pos(1)), a)
            }
            _ if provider.contains("vimeo") => video("https://vimeo.com/", id.or(a.pos(1)), a),
            "figure" | "image" | "img" | "picture" => self.figure(at, a, 1),
            _ => {
                let kind = notice_kind(name, a)?;
                let text = a.get(&["content", "text", "message", "body"])?;
                Some(callout(kind, a.get(&["title"]), text))
            }
        }
    }

    fn block(&mut self, tag: &Tag, inner: &str) -> Option<Out> {
        let a = &tag.args;
        let name = tag.name.as_str();
        match name {
            "highlight" => {
                let lang = a.get(&["lang"]).or(a.pos(0)).unwrap_or("");
                Some(Out::Block(fenced(lang, inner)))
            }
            "raw" if tag.statement && !tag.call => {
                let inner = inner.strip_prefix('\n').unwrap_or(inner);
                let at = tag.end;
                let mut scratch_notes = Vec::new();
                let mut scratch_refs = Vec::new();
                Converter {
                    rel: self.rel,
                    body: inner,
                    body_offset: self.body_offset + at,
                    index: self.index.clone(),
                    refs: &mut scratch_refs,
                    notes: &mut scratch_notes,
                }
                .run();
                // What `raw` protected from Liquid is text for pressroom too; in prose it is
                // shown and warned about, so it is reported here once.
                if !scratch_notes.is_empty() {
                    self.unconverted_raw(tag.start);
                }
                Some(Out::Inline(inner.to_string()))
            }
            "tweet" | "x" | "twitter" => {
                // The post's words, carried by the shortcode: quoted, with the post as source.
                let link = super::embeds::link(name, a)?;
                self.converted_to_link(tag, &link.url);
                let speaker = link.user.as_ref().map(|u| format!("@{u}"));
                let header = speaker.map(|s| format!("[!QUOTE name=\"{}\"]", header_value(&s)));
                let text = format!("{}\n\n{}", inner.trim(), link.paragraph());
                Some(Out::Block(quoted(header.as_deref(), &text)))
            }
            "quote" | "blockquote" | "pullquote" => {
                let speaker = a.get(&["author", "name", "by", "speaker"]);
                let header = speaker.map(|s| format!("[!QUOTE name=\"{}\"]", header_value(s)));
                Some(Out::Block(quoted(header.as_deref(), inner.trim())))
            }
            _ => {
                let kind = notice_kind(name, a)?;
                Some(callout(kind, a.get(&["title"]), inner.trim()))
            }
        }
    }

    /// `> [!FIGURE …]` from a figure-like tag; `first` is the index of its first positional
    /// argument that may be the source (1 after an include's file name).
    fn figure(&mut self, at: usize, a: &Args, first: usize) -> Option<Out> {
        let keys = ["src", "path", "image", "image_path", "url", "file"];
        let src = a.get(&keys).or(a.pos(first))?;
        if src.contains("://") || src.starts_with("//") || src.contains(['{', ' ', '"']) {
            return None;
        }
        let mut header = format!("[!FIGURE src={src}");
        let caption = match (a.get(&["title"]), a.get(&["caption"])) {
            (Some(t), Some(c)) => Some(format!("{t}: {c}")),
            (t, c) => t.or(c).map(String::from),
        };
        match a.get(&["alt"]).or(caption.as_deref()) {
            Some(alt) if !alt.trim().is_empty() => {
                header.push_str(&format!(" alt=\"{}\"", header_value(alt)));
            }
            _ => {
                let (line, col) = self.position(at);
                self.notes.push(
                    Diagnostic::warning(self.rel, line, col, format!("the figure `{src}` has no alt text: imported as decorative"))
                        .with_help("if the picture tells something, replace `decorative=true` with `alt=\"what it shows\"`"),
                );
                header.push_str(" decorative=true");
            }
        }
        if let Some(c) = caption {
            header.push_str(&format!(" caption=\"{}\"", header_value(&c)));
        }
        if let Some(credit) = a.get(&["credit", "attr", "attribution", "copyright"]) {
            header.push_str(&format!(" credit=\"{}\"", header_value(credit)));
        }
        header.push(']');
        Some(Out::Block(format!("> {header}")))
    }

    /// A Hugo `ref`/`relref` target: a path under `content/` (from the root with `/`,
    /// else beside the page, else anywhere), with or without `.md`.
    fn hugo_ref(&mut self, at: usize, target: &str) -> String {
        let (path, fragment) = split_fragment(target);
        if path.is_empty() {
            return fragment;
        }
        let dir = self.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let bases = if let Some(root) = path.strip_prefix('/') {
            vec![format!("content/{root}")]
        } else {
            vec![format!("{dir}/{path}"), format!("content/{path}")]
        };
        let mut candidates = Vec::new();
        for base in bases {
            if base.ends_with(".md") {
                candidates.push(base);
            } else {
                let base = base.trim_end_matches('/');
                for end in [".md", "/index.md", "/_index.md"] {
                    candidates.push(format!("{base}{end}"));
                }
            }
        }
        let mut suffix = format!("/{}", path.trim_start_matches('/'));
        if !suffix.ends_with(".md") {
            suffix.push_str(".md");
        }
        self.link(at, target, candidates, suffix, fragment)
    }

    fn link(
        &mut self,
        at: usize,
        written: &str,
        candidates: Vec<String>,
        suffix: String,
        fragment: String,
    ) -> String {
        let (line, col) = self.position(at);
        let token = token(self.refs.len());
        self.refs.push(Ref {
            from: self.rel.to_string(),
            line,
            col,
            written: written.to_string(),
            candidates,
            suffix,
            fragment,
        });
        token
    }

    fn position(&self, at: usize) -> (usize, usize) {
        self.index.position(self.body_offset + at)
    }

    fn unconverted(&mut self, at: usize, snippet: &str) {
        let (line, col) = self.position(at);
        self.notes.push(
            Diagnostic::warning(self.rel, line, col, format!("template syntax `{snippet}` is left as text: pressroom does not run the old generator's shortcodes or Liquid"))
                .with_help("replace it with Markdown (a link, an image, a quote, a `> [!NOTE]` callout) or HTML; the old site's page shows what it rendered"),
        );
    }

    /// Reports an embed made a link, so the writer checks it: the page no longer shows the
    /// post or gist itself.
    fn converted_to_link(&mut self, tag: &Tag, url: &str) {
        let (line, col) = self.position(tag.start);
        let snippet = &self.body[tag.start..tag.end];
        self.notes.push(
            Diagnostic::warning(self.rel, line, col, format!("`{snippet}` converted to a link to {url}: pressroom pages run no embed script, so readers follow the link"))
                .with_help("check that the link leads to the post; to keep its words on the page, quote them in a `> [!QUOTE name=\"…\"]` with the link below"),
        );
    }

    fn unconverted_raw(&mut self, at: usize) {
        let (line, col) = self.position(at);
        self.notes.push(
            Diagnostic::warning(self.rel, line, col, "`{% raw %}` unwrapped: the template syntax it held is now prose, which pressroom shows as text with a warning")
                .with_help("put that syntax in a code span or a fenced code block"),
        );
    }
}

/// Appends Markdown blocks, with a blank line before (unless `out` is at one) and after.
fn push_block(out: &mut String, text: &str) {
    if !(out.is_empty() || out.ends_with('\n')) {
        out.push('\n');
    }
    let prev = out
        .strip_suffix('\n')
        .map(|b| b.rsplit('\n').next().unwrap_or(""));
    if prev.is_some_and(|line| !line.trim().is_empty()) {
        out.push('\n');
    }
    out.push_str(text.trim_end());
    out.push_str("\n\n");
}

/// The text that stands for the `n`th link in a body until links are resolved: a character
/// no writer types (SUBSTITUTE) around it.
pub(super) fn token(n: usize) -> String {
    format!("\u{1A}ref{n}\u{1A}")
}

/// Where the line holding `i` ends (after its `\n`).
fn line_end(text: &str, i: usize) -> usize {
    text[i..].find('\n').map_or(text.len(), |e| i + e + 1)
}

/// `path#anchor` → (`path`, `#anchor`).
fn split_fragment(target: &str) -> (&str, String) {
    match target.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (target, String::new()),
    }
}

/// Tags whose body is part of them (when their closing tag is found).
fn is_block(tag: &Tag) -> bool {
    let name = tag.name.as_str();
    let liquid_block = tag.statement && !tag.call && matches!(name, "highlight" | "raw");
    let shortcode = (tag.hugo || tag.call && tag.statement)
        && (matches!(
            name,
            "highlight" | "quote" | "blockquote" | "pullquote" | "tweet" | "x"
        ) || notice_kind(name, &tag.args).is_some());
    liquid_block || shortcode
}

/// The callout a notice stands for: a generic notice (`notice`, `admonition`, `alert`,
/// `callout`, `hint`) by its type (first argument or `type=`), any other by its name.
fn notice_kind(name: &str, a: &Args) -> Option<&'static str> {
    let default = match name {
        "notice" | "admonition" | "alert" | "callout" => "NOTE",
        "hint" => "TIP",
        _ => return callout_kind(name),
    };
    let given = a.get(&["type", "kind", "class", "style"]).or(a.pos(0));
    given.map_or(Some(default), callout_kind)
}

/// The callout a notice's type stands for.
fn callout_kind(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "note" | "info" | "information" => "NOTE",
        "tip" | "hint" | "success" | "example" => "TIP",
        "important" | "question" => "IMPORTANT",
        "warning" | "warn" | "attention" => "WARNING",
        "caution" | "danger" | "error" | "alert" | "bug" | "failure" => "CAUTION",
        _ => return None,
    })
}

fn callout(kind: &str, title: Option<&str>, text: &str) -> Out {
    let body = match title {
        Some(t) => format!("**{t}**\n\n{text}"),
        None => text.to_string(),
    };
    Out::Block(quoted(Some(&format!("[!{kind}]")), &body))
}

/// `text` as a block quote, opened by `header` on its own line.
fn quoted(header: Option<&str>, text: &str) -> String {
    let mut out = String::new();
    if let Some(h) = header {
        out.push_str(&format!("> {h}\n"));
    }
    for line in text.lines() {
        out.push('>');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn fenced(lang: &str, code: &str) -> String {
    let code = code.trim_start_matches([' ', '\t']);
    let code = code.strip_prefix('\n').unwrap_or(code).trim_end();
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{code}\n{fence}")
}

fn video(base: &str, id: Option<&str>, a: &Args) -> Option<Out> {
    let id = id?;
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let mut header = format!("> [!VIDEO src=\"{base}{id}\"");
    if let Some(title) = a.get(&["title"]) {
        header.push_str(&format!(" title=\"{}\"", header_value(title)));
    }
    header.push(']');
    Some(Out::Block(header))
}

/// A value for a component header: one line, no `"` (it would end the value) and no `]` (it
/// would end the header).
fn header_value(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('"', "'")
        .replace(']', ")")
        .replace('[', "(")
}

/// Liquid output with a clear meaning in a pressroom page: `{{ site.baseurl }}` (pressroom
/// links are from the site root) and `{{ "/x" | relative_url }}` (the path itself).
fn liquid_output(name: &str, a: &Args) -> Option<Out> {
    if matches!(name, "site.baseurl" | "site.base_url") && a.pos.is_empty() {
        return Some(Out::Inline(String::new()));
    }
    let quoted = name.len() >= 2
        && (name.starts_with('"') && name.ends_with('"')
            || name.starts_with('\'') && name.ends_with('\''));
    let filter = a.pos.join(" ");
    let filter = filter.trim();
    if quoted && matches!(filter, "| relative_url" | "| absolute_url") {
        return Some(Out::Inline(name[1..name.len() - 1].to_string()));
    }
    None
}

/// Zola's and Hugo's escaped shortcodes as they show them: `{{/* x */}}` → `{{ x }}`.
fn unescape(text: &str) -> String {
    if !text.contains("/*") {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (from, to) in [
        ("{{</*", "{{<"),
        ("*/>}}", ">}}"),
        ("{{%/*", "{{%"),
        ("*/%}}", "%}}"),
        ("{{/*", "{{"),
        ("*/}}", "}}"),
        ("{%/*", "{%"),
        ("*/%}", "%}"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// The tag starting at `at` (`{{` or `{%`), if it is closed before a blank line.
fn parse_tag(body: &str, at: usize) -> Option<Tag> {
    let rest = &body[at..];
    let (open, close, hugo) = if rest.starts_with("{{<") {
        ("{{<", ">}}", true)
    } else if rest.starts_with("{{%") {
        ("{{%", "%}}", true)
    } else if rest.starts_with("{{") {
        ("{{", "}}", false)
    } else {
        ("{%", "%}", false)
    };
    let close_at = rest[open.len()..].find(close)? + open.len();
    let raw = &rest[open.len()..close_at];
    if raw.contains("\n\n") || raw.contains("\n\r\n") {
        return None;
    }
    let mut inner = raw.trim();
    if !hugo {
        inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
    }
    if hugo {
        inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    }
    let closing = hugo && inner.starts_with('/') && !inner.starts_with("/*");
    let inner = if closing { inner[1..].trim() } else { inner };
    let name_len = inner
        .find(|c: char| c.is_whitespace() || c == '(')
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    let after = &inner[name_len..];
    let call = !hugo && after.starts_with('(') && after.trim_end().ends_with(')');
    let args = if call {
        let a = after.trim_end();
        parse_args(&a[1..a.len() - 1])
    } else {
        parse_args(after)
    };
    Some(Tag {
        start: at,
        end: at + close_at + close.len(),
        hugo,
        statement: open == "{%",
        call,
        closing,
        name: if name.starts_with(['"', '\'']) {
            name.to_string()
        } else {
            name.to_lowercase()
        },
        args,
    })
}

/// `a "b c" key=value key2="d e", k3: v` (Hugo, Liquid and Zola's argument forms).
fn parse_args(text: &str) -> Args {
    let mut args = Args::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let key_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let after_key = &rest[key_len..];
        let named = key_len > 0 && (after_key.starts_with('=') || after_key.starts_with(": "));
        if named {
            let key = rest[..key_len].to_string();
            let (value, next) = value(after_key[1..].trim_start());
            args.named.push((key, value));
            rest = next;
        } else {
            let (value, next) = value(rest);
            args.pos.push(value);
            rest = next;
        }
    }
    args
}

/// A quoted or bare value at the start of `text`, and what follows it.
fn value(text: &str) -> (String, &str) {
    if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        if let Some(end) = text[1..].find(q) {
            return (text[1..1 + end].to_string(), &text[2 + end..]);
        }
    }
    let end = text
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(text.len());
    (text[..end].to_string(), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(body: &str) -> (String, Vec<(usize, usize)>, Vec<Ref>) {
        let text = format!("---\ntitle: x\n---\n{body}");
        let mut refs = Vec::new();
        let mut notes = Vec::new();
        let out = convert(
            "content/a/b.md",
            &text,
            text.len() - body.len(),
            &mut refs,
            &mut notes,
        );
        (out, notes.iter().map(|n| (n.line, n.col)).collect(), refs)
    }

    #[test]
    fn videos_become_video_components() {
        let (out, notes, _) = conv("Intro.\n\n{{ youtube(id=\"dQw4w9WgXcQ\") }}\n\nAfter.\n");
        assert_eq!(
            out,
            "Intro.\n\n> [!VIDEO src=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"]\n\nAfter.\n"
        );
        assert!(notes.is_empty());
        let (out, _, _) = conv("{{< vimeo 146022717 >}}\nNext line.\n");
        assert_eq!(
            out,
            "> [!VIDEO src=\"https://vimeo.com/146022717\"]\n\nNext line.\n"
        );
        let (out, _, _) = conv("{% include youtube.html id=\"abc_-1\" title=\"Launch\" %}\n");
        assert!(
            out.contains(
                "[!VIDEO src=\"https://www.youtube.com/watch?v=abc_-1\" title=\"Launch\"]"
            ),
            "{out}"
        );
        // A variable is not an id: left and reported.
        let (out, notes, _) = conv("{% include youtube.html id=page.video %}\n");
        assert!(out.contains("{% include"), "{out}");
        assert_eq!(notes, [(4, 1)]);
    }

    #[test]
    fn figures_take_alt_caption_and_credit() {
        let (out, notes, _) = conv(
            "{{< figure src=\"photo.jpg\" alt=\"The plant\" caption=\"Seoul [2026]\" attr=\"Ann\" >}}\n",
        );
        assert!(out.starts_with("> [!FIGURE src=photo.jpg alt="), "{out}");
        assert!(
            out.contains("caption=\"Seoul (2026)\" credit=\"Ann\"]"),
            "{out}"
        );
        assert!(notes.is_empty());
        // Hugo's figure shows the caption as alt when there is no alt.
        let (out, _, _) = conv("{{ figure(src=\"a.png\", caption=\"A chart\") }}\n");
        assert_eq!(
            out,
            "> [!FIGURE src=a.png alt=\"A chart\" caption=\"A chart\"]\n\n"
        );
        let (out, notes, _) = conv("Text\n{{< figure src=\"/img/a.png\" >}}\n");
        assert_eq!(
            out,
            "Text\n\n> [!FIGURE src=/img/a.png decorative=true]\n\n"
        );
        assert_eq!(notes, [(5, 1)], "no alt is reported");
        // A remote picture is no file of the site: not mapped.
        let (out, notes, _) = conv("{{< figure src=\"https://x.org/a.png\" >}}\n");
        assert!(out.starts_with("{{<"));
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn blocks_quotes_notices_and_code() {
        let (out, notes, _) =
            conv("{% quote(author=\"Ada Lovelace\") %}\nThe engine\nweaves.\n{% end %}\nAfter.\n");
        assert_eq!(
            out,
            "> [!QUOTE name=\"Ada Lovelace\"]\n> The engine\n> weaves.\n\nAfter.\n"
        );
        assert!(notes.is_empty());
        let (out, _, _) = conv("{{% notice warning %}}\nMind the **gap**.\n{{% /notice %}}\n");
        assert_eq!(out, "> [!WARNING]\n> Mind the **gap**.\n\n");
        let (out, _, _) = conv("{% note(title=\"Heads up\") %}\nSoon.\n{% end %}\n");
        assert_eq!(out, "> [!NOTE]\n> **Heads up**\n>\n> Soon.\n\n");
        let (out, notes, _) =
            conv("{% highlight ruby linenos %}\ndef x\n  {{ y }}\nend\n{% endhighlight %}\n");
        assert_eq!(out, "```ruby\ndef x\n  {{ y }}\nend\n```\n\n");
        assert!(notes.is_empty(), "code is not template syntax");
        let (out, _, _) =
            conv("{{< highlight go \"linenos=table\" >}}\nfunc main() {}\n{{< /highlight >}}\n");
        assert_eq!(out, "```go\nfunc main() {}\n```\n\n");
    }

    #[test]
    fn raw_is_unwrapped_and_escapes_lose_their_marks() {
        let (out, notes, _) =
            conv("{% raw %}\n```liquid\n{{ page.title }}\n```\n{% endraw %}\nDone.\n");
        assert_eq!(out, "```liquid\n{{ page.title }}\n```\n\nDone.\n");
        assert!(notes.is_empty());
        let (out, notes, _) = conv("Write {% raw %}{{ x }}{% endraw %} in a page.\n");
        assert_eq!(out, "Write {{ x }} in a page.\n");
        assert_eq!(notes, [(4, 7)], "the unwrapped syntax is reported");
        let (out, _, _) = conv("```\n{{/* youtube(id=\"x\") */}} {{</* ref \"a\" */>}}\n```\n");
        assert_eq!(out, "```\n{{ youtube(id=\"x\") }} {{< ref \"a\" >}}\n```\n");
    }

    #[test]
    fn links_to_pages_become_tokens_with_candidates() {
        let (out, _, refs) = conv(
            "[a]({{< ref \"other.md#top\" >}}) [b]({{< relref \"/blog/x\" >}}) [c](@/blog/y.md)\n\n[d]: @/z.md\n",
        );
        assert_eq!(refs.len(), 4);
        assert_eq!(
            out,
            format!(
                "[a]({}) [b]({}) [c]({})\n\n[d]: {}\n",
                token(0),
                token(1),
                token(2),
                token(3)
            )
        );
        assert_eq!(refs[0].candidates[0], "content/a/other.md");
        assert_eq!(refs[0].fragment, "#top");
        assert_eq!(
            refs[1].candidates,
            [
                "content/blog/x.md",
                "content/blog/x/index.md",
                "content/blog/x/_index.md"
            ]
        );
        assert_eq!(refs[2].candidates, ["content/blog/y.md"]);
        assert_eq!(refs[3].candidates, ["content/z.md"]);
        assert_eq!((refs[2].line, refs[2].col), (4, 67));
        let (out, _, refs) = conv(
            "[p]({{ site.baseurl }}{% post_url 2010-07-21-name %}) [q]({{ '/assets/a.pdf' | relative_url }})\n",
        );
        assert_eq!(out, format!("[p]({}) [q](/assets/a.pdf)\n", token(0)));
        assert_eq!(refs[0].candidates[0], "_posts/2010-07-21-name.md");
    }

    #[test]
    fn containers_and_kramdown_notices_become_callouts() {
        let (out, notes, _) =
            conv(":::warning Mind it\nDo **not** {{< ref \"x\" >}}.\n:::\nAfter.\n");
        assert_eq!(
            out.lines().take(4).collect::<Vec<_>>(),
            [
                "> [!WARNING]",
                "> **Mind it**",
                ">",
                "> Do **not** \u{1A}ref0\u{1A}."
            ]
        );
        assert!(out.ends_with("\n\nAfter.\n"), "{out}");
        assert!(notes.is_empty());
        let (out, notes, _) =
            conv("Intro.\n\nBe careful\nwith this.\n{: .notice--danger}\n\n* TOC\n{:toc}\n");
        assert_eq!(
            out,
            "Intro.\n\n> [!CAUTION]\n> Be careful\n> with this.\n\n\n* TOC\n{:toc}\n"
        );
        assert_eq!(notes, [(11, 1)], "`{{:toc}}` is reported");
        // An unknown container type stays as written.
        let (out, _, _) = conv(":::details More\nx\n:::\n");
        assert_eq!(out, ":::details More\nx\n:::\n");
    }

    proptest::proptest! {
        /// Whatever a writer typed, conversion does not panic, and every link token it writes
        /// is one it will resolve.
        #[test]
        fn any_text_converts_without_panicking(
            body in "(\\{\\{|\\}\\}|\\{%|%\\}|\\{\\{<|>\\}\\}|\\{\\{%|%\\}\\}|/\\*|\\*/|\\(|\\)|\"|'|=|,|:::|\\{:|\\}|\\]\\(@/|\\]: @/|\n|```|é|서| |a|end|raw|highlight|quote|note|warning|youtube|figure|ref|post_url|link|include|src|/|#)*"
        ) {
            let (out, _, refs) = conv(&body);
            let tokens = out.matches('\u{1A}').count();
            proptest::prop_assert_eq!(tokens, 2 * refs.len());
            for n in 0..refs.len() {
                proptest::prop_assert_eq!(out.matches(&token(n)).count(), 1);
            }
        }
    }

    #[test]
    fn what_has_no_mapping_stays_and_is_reported_at_its_place() {
        let (out, notes, _) = conv(
            "A {% include note.html %} and {{ page.title }}.\n```\n{{ kept }}\n```\n{{< tweet not-an-id >}}\n",
        );
        // (A tweet whose id is no number has no link to become.)
        assert_eq!(
            out,
            "A {% include note.html %} and {{ page.title }}.\n```\n{{ kept }}\n```\n{{< tweet not-an-id >}}\n"
        );
        assert_eq!(notes, [(4, 3), (4, 31), (8, 1)]);
        // Unclosed braces are text.
        let (out, notes, _) = conv("a {{ b\n\nc }} d\n");
        assert_eq!(out, "a {{ b\n\nc }} d\n");
        assert!(notes.is_empty());
    }
}
