//! Code highlighting with syntect, as CSS classes (`hl-` prefixed) so themes style it and the
//! HTML stays small; the stylesheet is generated from two syntect themes (light and dark).
//!
//! The syntax set is bat's (through the `two-face` crate, a precompiled dump linked into the
//! binary): syntect's own defaults lack TOML, shell, Dockerfile, PowerShell, assembly and many
//! more that technical blogs label their code with. Fence names writers use that the set knows
//! under another name go through [`ALIASES`]; a name still unknown is warned about once per
//! language per build ([`warn_once_per_language`]), not once per block.

use crate::diag::Diagnostic;
use std::collections::HashMap;
use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntax definitions, loaded once per process, on the first code block, from the
/// precompiled dump (84 ms in a dev build, against 10 ms for syntect's smaller default set;
/// a site without code never pays it).
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Fence names (lowercase) that Zola, Hugo, GitHub and Jekyll blogs use for a language the
/// syntax set knows by another name or extension. Where the set has no grammar of its own the
/// nearest one stands in: a shell session (`console`) reads as bash, and WebAssembly text
/// (`wat`), being S-expressions with `;;` comments, as Lisp. Plain-text names are mapped so
/// they are not warned about.
pub const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("console", "bash"),
    ("shell-session", "bash"),
    ("shellsession", "bash"),
    ("sh-session", "bash"),
    ("terminal", "bash"),
    ("shellscript", "bash"),
    ("powershell", "ps1"),
    ("pwsh", "ps1"),
    ("posh", "ps1"),
    ("ps", "ps1"),
    ("docker", "dockerfile"),
    ("containerfile", "dockerfile"),
    ("assembly", "asm"),
    ("x86asm", "asm"),
    ("x86", "asm"),
    ("armasm", "s"),
    ("arm", "s"),
    ("wat", "lisp"),
    ("wast", "lisp"),
    ("wasm", "lisp"),
    ("golang", "go"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("batch", "bat"),
    ("dosbatch", "bat"),
    ("csharp", "cs"),
    ("fsharp", "fs"),
    ("objc", "m"),
    ("objective-c", "m"),
    ("elisp", "lisp"),
    ("emacs-lisp", "lisp"),
    ("scheme", "scm"),
    ("dotenv", "env"),
    ("apache", "htaccess"),
    ("apacheconf", "htaccess"),
    ("text", "txt"),
    ("plain", "txt"),
    ("plaintext", "txt"),
    ("none", "txt"),
    ("output", "txt"),
];

/// The syntax for a fence token: by the set's own tokens (extension, then name), else by alias.
fn find<'s>(set: &'s SyntaxSet, token: &str) -> Option<&'s SyntaxReference> {
    if token.is_empty() {
        return None;
    }
    set.find_syntax_by_token(token).or_else(|| {
        let lower = token.to_ascii_lowercase();
        let alias = ALIASES.iter().find(|(name, _)| *name == lower)?.1;
        set.find_syntax_by_token(alias)
    })
}

/// The language token of a fence's info string (`rust,ignore`, `toml {linenos}` → `rust`,
/// `toml`).
fn token(lang: &str) -> &str {
    lang.split([',', ' ', '{']).next().unwrap_or("").trim()
}

/// The token of a fence's info string when it names a language no syntax (or alias) knows;
/// None for a known language or a fence without one.
pub fn unknown_language(lang: &str) -> Option<&str> {
    let token = token(lang);
    (!token.is_empty() && find(syntaxes(), token).is_none()).then_some(token)
}

/// The start of the message of an unknown-language warning; [`warn_once_per_language`] finds
/// them by it.
const UNKNOWN_PREFIX: &str = "code block language `";

/// The warning for a code block labelled with an unknown language, at the label.
pub fn unknown_language_warning(token: &str) -> (String, String) {
    let known: Vec<&str> = syntaxes()
        .syntaxes()
        .iter()
        .flat_map(|s| s.file_extensions.iter().map(String::as_str))
        .chain(ALIASES.iter().map(|(name, _)| *name))
        .collect();
    let help = match crate::diag::did_you_mean(&token.to_ascii_lowercase(), &known) {
        Some(near) => format!("did you mean `{near}`? (the README lists the language names)"),
        None => "use a language name from the README's list, or `text` for plain text".into(),
    };
    (
        format!("{UNKNOWN_PREFIX}{token}` is not known; the block is shown without highlighting"),
        help,
    )
}

/// Keeps one unknown-language warning per language among `diags` (the Markdown stage's, in
/// file order): the first place it is written, with how many blocks in all are left plain.
/// A blog with 300 `console` blocks wants one line, not 300.
pub fn warn_once_per_language(diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    let mut keep = Vec::with_capacity(diags.len());
    for d in diags.drain(..) {
        if d.is_error() || !d.message.starts_with(UNKNOWN_PREFIX) {
            keep.push(d);
            continue;
        }
        match first.get_mut(&d.message) {
            Some((_, count)) => *count += 1,
            None => {
                first.insert(d.message.clone(), (keep.len(), 1));
                keep.push(d);
            }
        }
    }
    for (index, count) in first.into_values() {
        if count > 1 {
            let d = &mut keep[index];
            d.message = d.message.replacen(
                "the block is shown",
                &format!("{count} blocks on the site are shown"),
                1,
            );
        }
    }
    *diags = keep;
}

/// Lines longer than this (bytes) are not highlighted: syntect's regexes rescan the rest of a
/// line at each token, so time and memory grow fast with line length (a 1 MiB line of JSON
/// took 8 s and 1.4 GB). Code this wide is minified or pasted data, not something to read.
pub const MAX_HIGHLIGHT_LINE: usize = 4096;

/// Highlights `code` written in `lang` (a fence token such as `rust`, `py`, `json`), returning
/// a complete `<pre>` block. Unknown languages get a plain, escaped block.
pub fn highlight(code: &str, lang: &str) -> String {
    let token = token(lang);
    let set = syntaxes();
    let lang_attr = super::escape_html(token);
    let syntax = find(set, token);
    let too_wide = code.lines().any(|l| l.len() > MAX_HIGHLIGHT_LINE);
    let syntax = syntax.filter(|_| !too_wide);
    let Some(syntax) = syntax else {
        let class = if token.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{lang_attr}\"")
        };
        return format!(
            "<pre class=\"code\"><code{class}>{}</code></pre>\n",
            super::escape_html(code)
        );
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!(
                "<pre class=\"code\"><code class=\"language-{lang_attr}\">{}</code></pre>\n",
                super::escape_html(code)
            );
        }
    }
    format!(
        "<pre class=\"code hl-code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{}</code></pre>\n",
        generator.finalize()
    )
}

/// The stylesheet for highlighted code: a light theme, and a dark one under
/// `prefers-color-scheme: dark`. Deterministic, so builds stay byte-identical.
pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light =
        css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], STYLE).unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], STYLE)
        .unwrap_or_default();
    format!(
        "/* Generated by pressroom from syntect's InspiredGitHub and base16-ocean.dark themes. */\n{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_languages_get_classes_unknown_get_escaped() {
        let html = super::highlight("fn main() {}\n", "rust");
        assert!(html.contains("hl-"), "{html}");
        let html = super::highlight("<b>\n", "nosuchlang");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(super::stylesheet().contains(".hl-"));
    }

    /// The labels of issue 24's Zola blog that syntect's own set left plain, and the other
    /// common ones a migrating blog carries.
    #[test]
    fn the_extended_set_highlights_what_technical_blogs_label() {
        let samples = [
            ("toml", "[package]\nname = \"x\"\n"),
            ("console", "$ cargo build --release\n"),
            ("shell", "export A=1 && echo \"$A\"\n"),
            ("bash", "for f in *; do echo $f; done\n"),
            ("sh", "if [ -f x ]; then cat x; fi\n"),
            ("yaml", "on:\n  push: {}\n"),
            ("Dockerfile", "FROM rust:1.85\nRUN cargo build\n"),
            (
                "powershell",
                "Get-ChildItem -Path C:\\ | Where-Object { $_.Length -gt 1 }\n",
            ),
            ("asm", "mov eax, 1\nret\n"),
            (
                "wat",
                "(module (func (export \"f\") (result i32) i32.const 1)) ;; one\n",
            ),
            ("wasm", "(module)\n"),
            ("ini", "[core]\nbare = false\n"),
            ("diff", "-a\n+b\n"),
            ("kotlin", "fun main() = println(1)\n"),
            ("swift", "let x = 1\n"),
            ("ts", "const x: number = 1;\n"),
            ("nix", "{ pkgs ? import <nixpkgs> {} }: pkgs.hello\n"),
            ("zig", "const std = @import(\"std\");\n"),
            ("hcl", "resource \"a\" \"b\" {}\n"),
            ("proto", "message A { int32 x = 1; }\n"),
        ];
        for (lang, code) in samples {
            assert_eq!(super::unknown_language(lang), None, "{lang} is known");
            let html = super::highlight(code, lang);
            assert!(html.contains("hl-code"), "{lang} is highlighted: {html}");
            assert!(
                html.contains("<span class=\"hl-"),
                "{lang} has spans: {html}"
            );
        }
    }

    #[test]
    fn plain_labels_are_known_and_unknown_ones_are_named_with_a_suggestion() {
        for plain in [
            "text",
            "plaintext",
            "TEXT",
            "rust,ignore",
            "toml {linenos=true}",
            "",
        ] {
            assert_eq!(super::unknown_language(plain), None, "{plain:?}");
        }
        assert_eq!(super::unknown_language("tomll"), Some("tomll"));
        assert_eq!(super::unknown_language("brainfuck,x"), Some("brainfuck"));
        let (message, help) = super::unknown_language_warning("tomll");
        assert!(message.contains("`tomll` is not known"), "{message}");
        assert!(help.contains("did you mean `toml`?"), "{help}");
    }

    #[test]
    fn very_long_lines_are_escaped_not_highlighted() {
        let line = "{\"a\": [1, 2], ".repeat(super::MAX_HIGHLIGHT_LINE / 10);
        let html = super::highlight(&format!("{line}\n"), "json");
        assert!(
            !html.contains("hl-"),
            "highlighted a {}-byte line",
            line.len()
        );
        assert!(
            html.contains("class=\"language-json\""),
            "keeps its language"
        );
        assert!(html.contains("&quot;a&quot;") || html.contains("\"a\""));
    }
}
