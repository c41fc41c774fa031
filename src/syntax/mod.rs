//! Parsing and positions: rnix parse errors as diagnostics, byte offsets as line/column.

use rnix::{ParseError, TextRange, TextSize};

use crate::diagnostic::{Diagnostic, builtin};

mod strict;
pub use strict::nix_rejects;

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

/// Nesting deeper than this is refused before parsing: rnix parses recursively (it bounds
/// the recursion of most expressions itself, but not of lists).
pub const MAX_NESTING: usize = 1_000;
/// Attribute paths longer than this are refused before parsing: rnix parses them in
/// quadratic time.
pub const MAX_ATTRPATH: usize = 1_000;

/// A `too-deep` diagnostic when the text nests brackets or `let`s deeper than
/// [`MAX_NESTING`], or writes an attribute path longer than [`MAX_ATTRPATH`]; found with
/// rnix's (iterative) tokenizer, in linear time.
pub fn too_deep(text: &str) -> Option<Diagnostic> {
    use rnix::SyntaxKind::*;
    // Upper bounds first, cheap to count: fewer opening brackets than the limit cannot
    // nest deeper than it, fewer dots cannot make a longer path.
    let bytes = text.as_bytes();
    let opening = memchr::memchr3_iter(b'(', b'[', b'{', bytes).count();
    let dots = memchr::memchr_iter(b'.', bytes).count();
    if opening <= MAX_NESTING && dots <= MAX_ATTRPATH {
        return None;
    }
    // rnix's tokenizer looks ahead over `a.b.c...` for a `/` (a path literal) at every
    // name, which is quadratic in the run's length: measure such runs on the raw text first.
    let (mut dots, mut run_start) = (0usize, 0usize);
    // Upper bounds of the nesting and of the names in a path (brackets and dots in strings
    // and comments count too): when they are small, tokenizing can be skipped.
    let (mut raw_depth, mut raw_max_depth, mut all_dots) = (0usize, 0usize, 0usize);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                raw_depth += 1;
                raw_max_depth = raw_max_depth.max(raw_depth);
            }
            b')' | b']' | b'}' => raw_depth = raw_depth.saturating_sub(1),
            _ => {}
        }
        all_dots += usize::from(b == b'.');
        match b {
            b'.' => dots += 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'\'' => {}
            _ => {
                dots = 0;
                run_start = i + 1;
            }
        }
        if dots > MAX_ATTRPATH {
            return Some(refusal(
                run_start,
                format!("a name with more than {MAX_ATTRPATH} dots; this file is not linted"),
            ));
        }
    }
    if raw_max_depth <= MAX_NESTING && all_dots <= MAX_ATTRPATH {
        return None;
    }
    let (mut depth, mut max_depth, mut path, mut max_path) = (0usize, 0usize, 0usize, 0usize);
    let mut at = 0usize;
    let mut offset = 0usize;
    for (kind, token) in rnix::tokenize(text) {
        match kind {
            TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_LET
            | TOKEN_STRING_START => depth += 1,
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_IN
            | TOKEN_STRING_END => depth = depth.saturating_sub(1),
            TOKEN_DOT => path += 1,
            TOKEN_WHITESPACE | TOKEN_COMMENT | TOKEN_IDENT => {}
            _ => path = 0,
        }
        if kind == TOKEN_ASSIGN || kind == TOKEN_SEMICOLON {
            path = 0;
        }
        if depth > max_depth || path > max_path {
            at = offset;
        }
        max_depth = max_depth.max(depth);
        max_path = max_path.max(path);
        offset += token.len();
    }
    let message = if max_depth > MAX_NESTING {
        format!("nesting is deeper than {MAX_NESTING} levels; this file is not linted")
    } else if max_path > MAX_ATTRPATH {
        format!("an attribute path is longer than {MAX_ATTRPATH} names; this file is not linted")
    } else {
        return None;
    };
    Some(refusal(at.min(text.len()), message))
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
