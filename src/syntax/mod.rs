//! Parsing and positions: rnix parse errors as diagnostics, byte offsets as line/column.

use rnix::{NixLanguage, ParseError, SyntaxKind, TextRange, TextSize};
use rowan::{GreenNodeData, GreenTokenData, Language};

use crate::diagnostic::{Diagnostic, builtin};

mod hollow;
mod parsed;
mod relex;
mod strict;
pub use parsed::Parsed;
pub use strict::nix_rejects;

/// The first child token of kind `kind` of a green node: read without creating red nodes.
pub fn child_token(green: &GreenNodeData, kind: SyntaxKind) -> Option<&GreenTokenData> {
    let raw = NixLanguage::kind_to_raw(kind);
    green
        .children()
        .find_map(|c| c.into_token().filter(|t| t.kind() == raw))
}

/// Diagnostics for rnix's parse errors, each at the position rnix gives.
pub fn syntax_errors(errors: &[ParseError], len: TextSize) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let eof = TextRange::empty(len);
            let (range, message) = match e {
                ParseError::Unexpected(r) => (*r, "unexpected input".to_string()),
                ParseError::UnexpectedExtra(r) => {
                    (*r, "unexpected input after the expression".to_string())
                }
                ParseError::UnexpectedWanted(got, r, want) => (
                    *r,
                    format!("unexpected {}, expected {}", kind_name(*got), kinds(want)),
                ),
                ParseError::UnexpectedDoubleBind(r) => (*r, "a pattern is bound twice".to_string()),
                ParseError::UnexpectedEOF => (eof, "unexpected end of file".to_string()),
                ParseError::UnexpectedEOFWanted(want) => (
                    eof,
                    format!("unexpected end of file, expected {}", kinds(want)),
                ),
                ParseError::DuplicatedArgs(r, name) => {
                    (*r, format!("argument `{name}` is declared twice"))
                }
                ParseError::RecursionLimitExceeded => (
                    eof,
                    "nesting is too deep to parse; the rest of the file is not linted".to_string(),
                ),
                _ => (eof, e.to_string()),
            };
            Diagnostic::builtin_error(builtin::SYNTAX_ERROR, range, message, None)
        })
        .collect()
}

fn kinds(ks: &[rnix::SyntaxKind]) -> String {
    let names: Vec<String> = ks.iter().map(|k| kind_name(*k)).collect();
    names.join(" or ")
}

/// A token kind as a person would name it: `TOKEN_SEMICOLON` → "`;`".
fn kind_name(k: rnix::SyntaxKind) -> String {
    use rnix::SyntaxKind::*;
    let s = match k {
        TOKEN_SEMICOLON => ";",
        TOKEN_ASSIGN => "=",
        TOKEN_L_BRACE => "{",
        TOKEN_R_BRACE => "}",
        TOKEN_L_BRACK => "[",
        TOKEN_R_BRACK => "]",
        TOKEN_L_PAREN => "(",
        TOKEN_R_PAREN => ")",
        TOKEN_COLON => ":",
        TOKEN_COMMA => ",",
        TOKEN_DOT => ".",
        TOKEN_IN => "in",
        TOKEN_THEN => "then",
        TOKEN_ELSE => "else",
        TOKEN_IDENT => return "an identifier".to_string(),
        TOKEN_ERROR => return "invalid input".to_string(),
        TOKEN_INTERPOL_END => "}",
        TOKEN_STRING_END => return "the end of the string".to_string(),
        other => {
            return format!("{other:?}")
                .trim_start_matches("TOKEN_")
                .trim_start_matches("NODE_")
                .to_lowercase()
                .replace('_', " ");
        }
    };
    format!("`{s}`")
}

/// How deep rnix may recurse where it sets no limit of its own (it stops `let`, `if`,
/// parentheses and sets at 512 levels, but not list nesting, chains of `//`, `++` or `->`,
/// or repeated `-`/`!`). Files that could go deeper are measured before parsing; one that
/// does is refused. The command line and the language server parse on 64 MiB stacks, which
/// hold this depth many times over.
pub const MAX_RECURSION: usize = 20_000;
/// A run of `a.b.c...` longer than this is refused before parsing: rnix's tokenizer is
/// quadratic in its length.
pub const MAX_ATTRPATH: usize = 1_000;

/// A `too-deep` diagnostic when parsing the text would recurse deeper than
/// [`MAX_RECURSION`], or it holds a dotted name longer than [`MAX_ATTRPATH`]. Linear time:
/// byte counts bound both, and only a file above a bound is measured exactly (with rnix's
/// iterative tokenizer).
pub fn too_deep(text: &str) -> Option<Diagnostic> {
    use rnix::SyntaxKind::*;
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'.', bytes).count() > MAX_ATTRPATH {
        // Dots joined by name characters only (`a.b.c`); a gap stops at its first other byte.
        let name =
            |b: &u8| matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'\'');
        let (mut run, mut run_start, mut prev) = (0usize, 0usize, None);
        for dot in memchr::memchr_iter(b'.', bytes) {
            match prev {
                Some(p) if bytes[p + 1..dot].iter().all(name) => run += 1,
                _ => (run, run_start) = (1, dot),
            }
            prev = Some(dot);
            if run > MAX_ATTRPATH {
                let message =
                    format!("a name with more than {MAX_ATTRPATH} dots; this file is not linted");
                return Some(refusal(run_start, message));
            }
        }
    }
    // Every level of unlimited recursion needs one of these: `[`, `!`, `//`, `++`, `->`,
    // or a `-` that does not continue a name (`util-linux` is one identifier). Each byte
    // starts at most two of them (a `-` of `->`): a short text needs no counting.
    if bytes.len() * 2 <= MAX_RECURSION {
        return None;
    }
    let count = |s: &str| memchr::memmem::find_iter(bytes, s).count();
    let minus = memchr::memchr_iter(b'-', bytes)
        .filter(|&i| {
            i == 0 || !matches!(bytes[i - 1], b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'\'' | b'-')
        })
        .count();
    let bound = memchr::memchr2_iter(b'[', b'!', bytes).count()
        + count("//")
        + count("++")
        + count("->")
        + minus;
    if bound <= MAX_RECURSION {
        return None;
    }
    // Exactly: list nesting plus, at each bracket level, the operators chained there.
    let mut levels: Vec<(bool, usize)> = vec![(false, 0)]; // (is a list, chained operators)
    let (mut depth, mut at, mut offset) = (0usize, 0usize, 0usize);
    for (kind, token) in rnix::tokenize(text) {
        match kind {
            TOKEN_L_BRACK => {
                levels.push((true, 0));
                depth += 1;
            }
            TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START => levels.push((false, 0)),
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END
                if levels.len() > 1 =>
            {
                let (list, chained) = levels.pop().unwrap_or_default();
                depth -= usize::from(list) + chained;
            }
            TOKEN_UPDATE | TOKEN_CONCAT | TOKEN_IMPLICATION | TOKEN_SUB | TOKEN_INVERT => {
                levels.last_mut().expect("a level").1 += 1;
                depth += 1;
            }
            TOKEN_SEMICOLON | TOKEN_COMMA | TOKEN_ASSIGN | TOKEN_IN | TOKEN_THEN | TOKEN_ELSE
            | TOKEN_COLON => {
                let level = levels.last_mut().expect("a level");
                depth -= level.1;
                level.1 = 0;
            }
            _ => {}
        }
        if depth > MAX_RECURSION {
            at = offset;
            break;
        }
        offset += token.len();
    }
    (depth > MAX_RECURSION).then(|| {
        refusal(
            at.min(text.len()),
            format!("lists or operator chains nest deeper than {MAX_RECURSION} levels; this file is not linted"),
        )
    })
}

fn refusal(at: usize, message: String) -> Diagnostic {
    let help = Some("split the expression; no NixOS configuration needs this");
    Diagnostic::builtin_error(
        builtin::TOO_DEEP,
        TextRange::empty(TextSize::from(at as u32)),
        message,
        help,
    )
}

/// The diagnostic for a UTF-8 byte order mark, which Nix rejects.
pub fn bom() -> Diagnostic {
    let message = "the file starts with a byte order mark, which Nix rejects".to_string();
    let help = Some("save the file as UTF-8 without a BOM");
    Diagnostic::builtin_error(
        builtin::SYNTAX_ERROR,
        TextRange::new(0.into(), 3.into()),
        message,
        help,
    )
}

/// Maps byte offsets to 1-based lines and columns (columns count Unicode scalar values).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// (line, column), both 1-based.
    pub fn position(&self, offset: TextSize) -> (usize, usize) {
        let offset = usize::from(offset).min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line - 1]
    }
}

/// The `.nix` files under testdata that parse without errors, for tests that edit them.
#[cfg(test)]
fn clean_testdata() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|text| Parsed::new(text).is_ok_and(|p| p.errors.is_empty()))
        .collect()
}
