//! Turning rnix string nodes into pieces with exact source ranges.
//!
//! Indented (`''`) strings lose their common indentation the way Nix strips it, but every
//! piece of text that is copied unchanged from the source keeps a verbatim range, so a rule
//! can point at a word in the middle of a multi-line `ExecStart`.

use std::borrow::Cow;

use rnix::ast::{self, InterpolPart};
use rnix::{NixLanguage, NodeOrToken, SyntaxKind};
use rnix::{TextRange, TextSize};
use rowan::Language;
use rowan::ast::AstNode;

/// A part of a string literal: text with its source range, or an interpolation.
pub enum Part<'a> {
    Text {
        text: Cow<'a, str>,
        range: TextRange,
        verbatim: bool,
    },
    Interpol(ast::Interpol),
}

/// Whether `c` may continue a Nix identifier (after its first character).
pub fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-')
}

/// The parts of a string node. Text is read from the green tree, borrowed where it needs
/// no unescaping.
pub fn parts(s: &ast::Str) -> Vec<Part<'_>> {
    let node = s.syntax();
    let green = node.green();
    let content = NixLanguage::kind_to_raw(SyntaxKind::TOKEN_STRING_CONTENT);
    let indented = green
        .children()
        .next()
        .and_then(NodeOrToken::into_token)
        .is_some_and(|t| t.text() == "''");
    // Only interpolations are child nodes: red nodes are made for them alone.
    let mut interpolations = node.children();
    let mut at = node.text_range().start();
    // Not `ast::Str::parts`, which panics on the error tokens of an unterminated string.
    let raw: Vec<InterpolPart<(&str, TextRange)>> = green
        .children()
        .filter_map(|child| {
            let range = TextRange::at(at, child.text_len());
            at = range.end();
            match child {
                NodeOrToken::Token(t) if t.kind() == content => {
                    Some(InterpolPart::Literal((t.text(), range)))
                }
                NodeOrToken::Node(_) => interpolations
                    .next()
                    .and_then(ast::Interpol::cast)
                    .map(InterpolPart::Interpolation),
                NodeOrToken::Token(_) => None,
            }
        })
        .collect();
    if indented {
        indented_parts(raw)
    } else {
        plain_parts(raw)
    }
}

fn plain_parts(raw: Vec<InterpolPart<(&str, TextRange)>>) -> Vec<Part<'_>> {
    raw.into_iter()
        .map(|p| match p {
            InterpolPart::Literal((text, range)) => {
                if text.contains('\\') {
                    Part::Text {
                        text: Cow::Owned(unescape_plain(text)),
                        range,
                        verbatim: false,
                    }
                } else {
                    Part::Text {
                        text: Cow::Borrowed(text),
                        range,
                        verbatim: true,
                    }
                }
            }
            InterpolPart::Interpolation(i) => Part::Interpol(i),
        })
        .collect()
}

fn unescape_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn unescape_indented(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("''") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let mut chars = after.chars();
        match chars.next() {
            Some('\'') => {
                out.push_str("''");
                rest = &after[1..];
            }
            Some('$') => {
                out.push('$');
                rest = &after[1..];
            }
            Some('\\') => {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(c) => out.push(c),
                    None => {}
                }
                let used = 1 + after[1..].chars().next().map_or(0, char::len_utf8);
                rest = &after[used..];
            }
            _ => {
                out.push_str("''");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Nix's indentation stripping: the smallest indentation of the non-blank lines is removed
/// from every line; a blank first line and a blank last line are dropped.
fn indented_parts(raw: Vec<InterpolPart<(&str, TextRange)>>) -> Vec<Part<'_>> {
    let mut min_indent = usize::MAX;
    let (mut at_start, mut cur) = (true, 0usize);
    for p in &raw {
        match p {
            InterpolPart::Literal((text, _)) => {
                for c in text.chars() {
                    if at_start {
                        match c {
                            ' ' => cur += 1,
                            '\n' => cur = 0,
                            _ => {
                                min_indent = min_indent.min(cur);
                                at_start = false;
                            }
                        }
                    } else if c == '\n' {
                        at_start = true;
                        cur = 0;
                    }
                }
            }
            InterpolPart::Interpolation(_) => {
                if at_start {
                    min_indent = min_indent.min(cur);
                    at_start = false;
                }
            }
        }
    }
    if min_indent == usize::MAX {
        min_indent = 0;
    }

    let mut out = vec![];
    let mut at_start = true;
    let last = raw.len().saturating_sub(1);
    for (idx, p) in raw.into_iter().enumerate() {
        let (text, range) = match p {
            InterpolPart::Interpolation(i) => {
                at_start = false;
                out.push(Part::Interpol(i));
                continue;
            }
            InterpolPart::Literal(l) => l,
        };
        let mut pos = 0;
        // A first line holding only spaces is dropped.
        if idx == 0
            && let Some(nl) = text.find('\n')
            && text[..nl].bytes().all(|b| b == b' ')
        {
            pos = nl + 1;
        }
        while pos < text.len() {
            if at_start {
                let spaces = text[pos..]
                    .bytes()
                    .take(min_indent)
                    .take_while(|&b| b == b' ')
                    .count();
                pos += spaces;
                at_start = false;
                if pos >= text.len() {
                    break;
                }
            }
            let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n + 1);
            let line = &text[pos..end];
            at_start = line.ends_with('\n');
            // A last line holding only spaces is dropped.
            if !(idx == last && end == text.len() && line.bytes().all(|b| b == b' ')) {
                let sub = TextRange::new(
                    range.start() + TextSize::from(pos as u32),
                    range.start() + TextSize::from(end as u32),
                );
                if line.contains("''") {
                    out.push(Part::Text {
                        text: Cow::Owned(unescape_indented(line)),
                        range: sub,
                        verbatim: false,
                    });
                } else {
                    out.push(Part::Text {
                        text: Cow::Borrowed(line),
                        range: sub,
                        verbatim: true,
                    });
                }
            }
            pos = end;
        }
    }
    out
}

/// The text of an identifier-like attribute or a string attribute without interpolation.
pub fn static_attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(i) => Some(super::nodes::ident(i.syntax())?.to_string()),
        ast::Attr::Str(s) => {
            let mut out = String::new();
            for p in parts(s) {
                match p {
                    Part::Text { text, .. } => out.push_str(&text),
                    Part::Interpol(_) => return None,
                }
            }
            Some(out)
        }
        ast::Attr::Dynamic(_) => None,
    }
}
