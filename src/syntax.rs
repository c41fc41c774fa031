//! Parsing and positions: rnix parse errors as diagnostics, byte offsets as line/column.

use rnix::{ParseError, TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Severity, builtin};

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
                ParseError::RecursionLimitExceeded => {
                    (eof, "nesting too deep to parse".to_string())
                }
                _ => (eof, e.to_string()),
            };
            Diagnostic {
                rule: builtin::SYNTAX_ERROR.to_string(),
                severity: Severity::Error,
                range,
                message,
                help: None,
                labels: vec![],
                suppressed: None,
                fix: None,
            }
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
